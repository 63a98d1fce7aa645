package io.herd.controller.config;

/** A bad configuration value; the message names the key. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
