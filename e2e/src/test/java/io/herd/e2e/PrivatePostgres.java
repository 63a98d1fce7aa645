package io.herd.e2e;

import io.herd.runtime.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL 15 server of the test's own (Debian's binaries, a cluster in a fresh directory,
 * on a free port of 127.0.0.1, trust authentication), which the test may stop, crash and start
 * again without disturbing any other PostgreSQL on the machine. It runs as the {@code postgres}
 * user when the test runs as root (PostgreSQL refuses root).
 */
final class PrivatePostgres implements AutoCloseable {

    private static final Path BIN = Path.of(System.getProperty("herd.postgres.bin", "/usr/lib/postgresql/15/bin"));

    final int port;
    private final Path data;
    private final Path log;
    private final boolean asPostgres;

    private PrivatePostgres(Path data, int port, boolean asPostgres) {
        this.data = data;
        this.port = port;
        this.log = data.resolveSibling("postgres.log");
        this.asPostgres = asPostgres;
    }

    /** Makes a cluster in a new directory (outside the test's temp directory, which only root may enter), starts it. */
    static PrivatePostgres start() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path home = Files.createTempDirectory(Path.of("/tmp"), "herd-pg-");
        Path data = home.resolve("data");
        if (root) {
            run(List.of("chown", "postgres:postgres", home.toString()), false);
        }
        PrivatePostgres pg = new PrivatePostgres(data, Ports.free(), root);
        pg.pg("initdb", "-D", data.toString(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        Files.writeString(data.resolve("postgresql.auto.conf"), "listen_addresses = '127.0.0.1'\nport = " + pg.port
                + "\nunix_socket_directories = '" + home + "'\nfsync = on\nmax_connections = 100\n",
                java.nio.file.StandardOpenOption.APPEND);
        pg.startServer();
        pg.execute("CREATE DATABASE herd");
        return pg;
    }

    /** The URL the controllers are given (no password: trust). */
    String url() {
        return "postgresql://postgres@127.0.0.1:" + port + "/herd";
    }

    void startServer() {
        pg("pg_ctl", "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60", "start");
    }

    /** Stops it as a crash would: no checkpoint, open connections cut; what was committed survives. */
    void crash() {
        pg("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
    }

    /** Runs SQL in the herd database as the superuser. */
    void execute(String sql) {
        String db = sql.startsWith("CREATE DATABASE") ? "postgres" : "herd";
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query in the herd database, as text. */
    String query(String sql) {
        try (Connection c = connect("herd"); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
    }

    private void pg(String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(BIN.resolve(program).toString());
        command.addAll(List.of(args));
        run(command, asPostgres);
    }

    private static void run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        full.addAll(command);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            pg("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } catch (IllegalStateException alreadyStopped) {
            // a test may have stopped it
        }
        try (Stream<Path> files = Files.walk(data.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }
}
