package io.herd.controller.nova;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortRoutesTest {

    @Test
    void everyPathGetsALabelFromTheFixedList() {
        assertThat(PortRoutes.of("/")).isEqualTo("versions");
        assertThat(PortRoutes.of("/v2.1/")).isEqualTo("versions");
        assertThat(PortRoutes.of("/v2.1/servers")).isEqualTo("servers");
        assertThat(PortRoutes.of("/v2.1/servers/7f3e/action")).isEqualTo("servers");
        assertThat(PortRoutes.of("/v2.1/some-project/servers/detail")).isEqualTo("servers");
        assertThat(PortRoutes.of("/v2.1/os-server-groups/abc")).isEqualTo("server_groups");
        assertThat(PortRoutes.of("/v2.1/flavors/detail")).isEqualTo("flavors");
        assertThat(PortRoutes.of("/image/v2/images")).isEqualTo("images");
        assertThat(PortRoutes.of("/v2.1/v2/images")).isEqualTo("images");
        assertThat(PortRoutes.of("/console")).isEqualTo("console");
        assertThat(PortRoutes.of("/console/api/hosts")).isEqualTo("console");
        assertThat(PortRoutes.of("/console/api/events")).isEqualTo("console_events");
        assertThat(PortRoutes.of("/consoles")).isEqualTo("other");
        assertThat(PortRoutes.of("/v2.1/a/b/servers")).isEqualTo("other");
        assertThat(PortRoutes.of("/v3/servers")).isEqualTo("other");
        assertThat(PortRoutes.of("/etc/passwd")).isEqualTo("other");
    }
}
