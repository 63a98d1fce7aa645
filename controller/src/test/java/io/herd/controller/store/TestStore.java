package io.herd.controller.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of one test's store (see {@link StoreKind#create}). Each {@link #open} opens a store
 * on it: empty the first time, and after that on what the stores before wrote, as a restarted
 * controller does. {@link #close} closes every store opened here that the test left open (the
 * controller core does not close its store), then drops the PostgreSQL database; an SQLite file
 * goes with the test's directory.
 */
public final class TestStore implements AutoCloseable {

    private final StoreKind kind;
    private final Path sqliteFile;
    private final List<Store> opened = new ArrayList<>();
    /** Created at the first open, so that a test that opens nothing makes no database. */
    private PostgresTestDatabase postgres;

    TestStore(StoreKind kind, Path sqliteFile) {
        this.kind = kind;
        this.sqliteFile = sqliteFile;
    }

    public StoreKind kind() {
        return kind;
    }

    /** A store on this test's data. */
    public synchronized Store open() {
        Store store = switch (kind) {
            case SQLITE -> SqliteStore.open(sqliteFile);
            case POSTGRESQL -> {
                if (postgres == null) {
                    postgres = PostgresTestDatabase.create();
                }
                yield PostgresStore.open(postgres.target());
            }
        };
        opened.add(store);
        return store;
    }

    /**
     * Closes the stores (closing one twice is harmless), and drops the database: a pool left
     * open would try to reconnect to it for the rest of the run.
     */
    @Override
    public synchronized void close() {
        IllegalStateException failure = null;
        for (Store store : opened) {
            try {
                store.close();
            } catch (RuntimeException e) {
                failure = add(failure, new IllegalStateException("cannot close a " + kind + " test store", e));
            }
        }
        opened.clear();
        if (postgres != null) {
            try {
                postgres.close();
            } catch (SQLException e) {
                failure = add(failure, new IllegalStateException("cannot drop the test database "
                        + postgres.target().database(), e));
            }
            postgres = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IllegalStateException add(IllegalStateException first, IllegalStateException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
