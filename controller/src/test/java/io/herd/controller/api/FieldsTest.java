package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class FieldsTest {

    @Test
    void agentAddressesAreHostPortOrAbsoluteUnixSocketPaths() {
        for (String good : new String[] {"hv1.example.org:7701", "10.0.0.5:7701", "[2001:db8::5]:7701",
                "unix:///var/lib/herd/agent.sock", "unix:///tmp/x@1+2.sock"}) {
            assertThat(Fields.agentAddress("agent_address", good)).isEqualTo(good);
        }
    }

    @Test
    void malformedAgentAddressesAreInvalidArgumentsNotCrashes() {
        for (String bad : new String[] {"unix:", "unix:/", "unix://", "unix:///", "unix:relative",
                "unix://relative/x.sock", "unix:///a/../b.sock", "unix:///a//b.sock", "unix:///a b.sock",
                "unix:///" + "a".repeat(107), "a:b", "x:-1", "[::1:5", "localhost:65536", "localhost:0", ":7701",
                "host:", "127.0.0.1:1:1"}) {
            assertThatThrownBy(() -> Fields.agentAddress("agent_address", bad)).as(bad)
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).startsWith("agent_address: ");
                    });
        }
    }

    @Test
    void aRefusalInsideAnEntryNamesTheEntryAndOnlyARefusalIsRenamed() {
        RuntimeException own = Fields.within("servers[3]", new io.herd.common.InvalidFieldException("server_id",
                "required"));
        assertThat(own).isInstanceOfSatisfying(io.herd.common.InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo("servers[3].server_id");
            assertThat(e.getMessage()).isEqualTo("servers[3].server_id: required");
        });
        RuntimeException grpc = Fields.within("usage", Fields.invalid("vcpus", "must be small"));
        assertThat(((StatusRuntimeException) grpc).getStatus().getDescription())
                .isEqualTo("usage.vcpus: must be small");
        StatusRuntimeException other = Status.UNAVAILABLE.withDescription("store down").asRuntimeException();
        assertThat(Fields.within("usage", other)).isSameAs(other);
    }
}
