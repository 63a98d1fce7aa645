package io.herd.agent.host;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** herd-agent's version, stamped into the jar at build time. */
public final class AgentVersion {

    private static final String VERSION = read();

    private AgentVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("/herd-agent-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
