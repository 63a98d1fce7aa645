package io.herd.runtime;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** How every herd program logs: through SLF4J, including what grpc-java logs through java.util.logging. */
public final class Logging {

    private Logging() {
    }

    /**
     * Sends java.util.logging (grpc-java, Netty) to SLF4J, so that it follows the program's
     * logback configuration (format, levels) instead of printing on its own.
     */
    public static void bridgeJavaUtilLogging() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
