package io.herd.e2e.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * Watches every log event of this JVM at WARN and above, and keeps those that carry a stack
 * trace: a hostile request must never make the controller or the agent log one. It watches
 * logback's root logger, where java.util.logging (grpc-java, Netty) arrives too once bridged as
 * the programs bridge it; while nothing bridges it, a handler on its root logger catches its
 * WARNING records. Events of the thread that installed it (the client sending hostile requests)
 * are not the servers' and are left out; so is protobuf's complaint there about the unpaired
 * surrogates the client serialises on purpose.
 */
final class LogCapture implements AutoCloseable {

    private static final int KEPT = 20;

    private final AtomicLong warnings = new AtomicLong();
    private final List<String> traces = new ArrayList<>();
    private long traceCount;
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
    private final java.util.logging.Logger protobuf = java.util.logging.Logger.getLogger(
            "com.google.protobuf.CodedOutputStream");
    private final long clientThread = Thread.currentThread().getId();
    private final String clientThreadName = Thread.currentThread().getName();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)
                    && !event.getThreadName().equals(clientThreadName)) {
                Throwable thrown = event.getThrowableProxy() instanceof ThrowableProxy p ? p.getThrowable() : null;
                seen(event.getLevel() + " " + event.getLoggerName() + " [" + event.getThreadName() + "]: "
                        + event.getFormattedMessage(), thrown, event.getThrowableProxy() != null);
            }
        }
    };
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                    && r.getLongThreadID() != clientThread && !bridged()) {
                seen(r.getLevel() + " " + r.getLoggerName() + " (java.util.logging): " + r.getMessage(),
                        r.getThrown(), r.getThrown() != null);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
    }

    /** Whether java.util.logging goes to SLF4J (and so to logback's root logger, watched already). */
    private boolean bridged() {
        for (Handler h : julRoot.getHandlers()) {
            if (h.getClass().getName().equals("org.slf4j.bridge.SLF4JBridgeHandler")) {
                return true;
            }
        }
        return false;
    }

    /** Starts watching. */
    static LogCapture install() {
        LogCapture capture = new LogCapture();
        capture.appender.setContext(capture.root.getLoggerContext());
        capture.appender.setName("fuzz-capture");
        capture.appender.start();
        capture.root.addAppender(capture.appender);
        capture.julRoot.addHandler(capture.handler);
        capture.protobuf.setFilter(r -> r.getLongThreadID() != capture.clientThread);
        return capture;
    }

    private synchronized void seen(String line, Throwable thrown, boolean hasTrace) {
        warnings.incrementAndGet();
        if (!hasTrace) {
            return;
        }
        traceCount++;
        if (traces.size() < KEPT) {
            StringWriter text = new StringWriter();
            if (thrown != null) {
                thrown.printStackTrace(new PrintWriter(text));
            }
            traces.add(Verdicts.clip(line) + "\n" + text);
        }
    }

    long warnings() {
        return warnings.get();
    }

    synchronized long traceCount() {
        return traceCount;
    }

    /** The first stack traces logged. */
    synchronized List<String> traces() {
        return List.copyOf(traces);
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        julRoot.removeHandler(handler);
        protobuf.setFilter(null);
    }
}
