package io.herd.runtime.config;

/** A configuration value that cannot be used; the message names the key that holds it. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The dotted key (or option) at fault. */
    public String key() {
        return key;
    }
}
