package io.herd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.agent.hypervisor.DomainSpec;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.common.InvalidFieldException;
import io.herd.common.LaunchLimits;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LaunchRequestValidatorTest {

    private final LaunchRequestValidator validator = new LaunchRequestValidator(new LaunchLimits(64, 65536, 1024));

    private static LaunchServerRequest.Builder valid() {
        return LaunchServerRequest.newBuilder()
                .setServerId(UUID.randomUUID().toString())
                .setName("web-1")
                .setVcpus(1)
                .setMemoryMib(64);
    }

    private void assertRefused(LaunchServerRequest.Builder r, String field) {
        assertThatThrownBy(() -> validator.validate(r.build()))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + ": ");
                });
    }

    @Test
    void acceptsAValidRequestAndKeepsEveryField() throws Exception {
        String id = UUID.randomUUID().toString();
        DomainSpec spec = validator.validate(valid().setServerId(id.toUpperCase()).setImage("base.qcow2")
                .setDiskGib(10).setGroupId("g-1").setNetwork("default").build());
        assertThat(spec).isEqualTo(new DomainSpec(UUID.fromString(id), "web-1", 1, 64, 10, "base.qcow2", "g-1",
                "default"));
    }

    @Test
    void serverIdMustBeAUuid() {
        assertRefused(valid().setServerId(""), "server_id");
        assertRefused(valid().setServerId("1-1-1-1-1"), "server_id");
        assertRefused(valid().setServerId("not-a-uuid"), "server_id");
    }

    @Test
    void nameMustBe1To255PrintableCharacters() throws Exception {
        assertRefused(valid().setName(""), "name");
        assertRefused(valid().setName("a".repeat(256)), "name");
        assertRefused(valid().setName("line\nbreak"), "name");
        assertRefused(valid().setName("nul\u0000"), "name");
        assertThat(validator.validate(valid().setName("é".repeat(255)).build()).name()).hasSize(255);
        assertThat(validator.validate(valid().setName("</name><devices>&'\"").build()).name())
                .isEqualTo("</name><devices>&'\"");
    }

    @Test
    void aMegabyteNameIsRefusedWithoutBeingScanned() {
        String huge = "x".repeat(1024 * 1024);
        assertThatThrownBy(() -> validator.validate(valid().setName(huge).build()))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("name");
                    assertThat(e.getMessage()).hasSizeLessThan(200);
                });
    }

    @Test
    void sizesMustBePositiveAndBounded() {
        assertRefused(valid().setVcpus(0), "vcpus");
        assertRefused(valid().setVcpus(65), "vcpus");
        assertRefused(valid().setMemoryMib(15), "memory_mib");
        assertRefused(valid().setMemoryMib(65537), "memory_mib");
        assertRefused(valid().setMemoryMib(-1), "memory_mib"); // 2^64-1 on the wire
        assertRefused(valid().setImage("base.qcow2").setDiskGib(0), "disk_gib");
        assertRefused(valid().setImage("base.qcow2").setDiskGib(1025), "disk_gib");
        assertRefused(valid().setDiskGib(5), "disk_gib"); // disk without an image
    }

    @Test
    void imageMustStayInsideTheImageDirectory() {
        assertRefused(valid().setImage("../etc/passwd").setDiskGib(1), "image");
        assertRefused(valid().setImage("/etc/passwd").setDiskGib(1), "image");
        assertRefused(valid().setImage("..").setDiskGib(1), "image");
        assertRefused(valid().setImage("sub/dir.qcow2").setDiskGib(1), "image");
        assertRefused(valid().setImage(".hidden").setDiskGib(1), "image");
    }

    @Test
    void groupAndNetworkAreChecked() {
        assertRefused(valid().setGroupId("has space"), "group_id");
        assertRefused(valid().setGroupId("g".repeat(256)), "group_id");
        assertRefused(valid().setNetwork("<net>"), "network");
    }
}
