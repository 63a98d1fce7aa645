package io.herd.agent.testing;

import io.herd.agent.config.AgentConfig;
import io.herd.agent.config.AgentConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Agent configs for tests: port 0, temp directories, a unique pool name. Without TLS or
 * insecure the agent serves on {@code <tempDir>/state/agent.sock}; dial
 * {@code AgentRuntime.address()}.
 */
public final class TestConfigs {

    private TestConfigs() {}

    public static AgentConfig agent(String libvirtUri, Path tempDir, String... keyValues) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("libvirt_uri", libvirtUri);
        o.put("port", "0");
        o.put("image_dir", tempDir.resolve("images").toString());
        o.put("state_dir", tempDir.resolve("state").toString());
        o.put("image_pool", "herd-test-" + UUID.randomUUID().toString().substring(0, 8));
        o.put("host_name", "test-host");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            o.put(keyValues[i], keyValues[i + 1]);
        }
        return AgentConfigLoader.load(Optional.empty(), o);
    }
}
