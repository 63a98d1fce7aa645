package io.herd.agent.config;

/** A configuration value that cannot be used, naming the key that holds it. */
public class ConfigException extends Exception {

    private final String key;

    public ConfigException(String key, String problem) {
        super("config key '" + key + "': " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
