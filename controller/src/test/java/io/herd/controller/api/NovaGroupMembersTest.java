package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.controller.auth.AuditLog;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.nova.LeaderCore;
import io.herd.controller.nova.NovaApiServer;
import io.herd.runtime.config.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group's members, as the compute API lists them, are the ids of the servers placed in it. */
class NovaGroupMembersTest {

    @TempDir
    Path dir;

    @Test
    void membersAreTheServersInTheGroup() throws Exception {
        try (Harness h = new Harness(dir)) {
            h.heartbeat("hv1");
            h.heartbeat("hv2");
            String group = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 1).getId();
            CreateServersResponse created = h.create("web", group, 2);
            List<String> ids = created.getServersList().stream().map(io.herd.api.v1.Server::getId).toList();
            LeaderCore leading = new LeaderCore() {
                @Override
                public Optional<ControllerCore> core() {
                    return Optional.of(h.core);
                }

                @Override
                public String whyNone() {
                    return "";
                }
            };
            try (NovaApiServer nova = NovaApiServer.start(new HostPort("127.0.0.1", 0), leading, null,
                    new AuditLog())) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + nova.port() + "/v2.1/os-server-groups/" + group)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                JsonNode members = new ObjectMapper().readTree(r.body()).path("server_group").path("members");
                List<String> listed = new ArrayList<>();
                members.forEach(m -> listed.add(m.asText()));
                assertThat(listed).containsExactlyInAnyOrderElementsOf(ids).hasSize(2);
            }
        }
    }
}
