package io.herd.controller.store;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The stores the controller's tests run on. A test class parameterised over these runs each
 * test once per store; the API harness runs on the one {@link #fromSystemProperty} names.
 */
public enum StoreKind {

    /** An SQLite file in the test's directory. */
    SQLITE,
    /** A PostgreSQL database of the test's own (see {@link PostgresTestDatabase}). */
    POSTGRESQL;

    /** The store named by {@code -Dherd.test.store} ({@code sqlite}, the default, or {@code postgresql}). */
    public static StoreKind fromSystemProperty() {
        String name = System.getProperty("herd.test.store", "sqlite");
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("herd.test.store: unknown store '" + name
                    + "' (sqlite or postgresql)", e);
        }
    }

    /**
     * A store of this kind for one test, empty; an SQLite file goes in {@code dir}, which the test
     * deletes. Close it at the end of the test.
     */
    public TestStore create(Path dir) {
        return new TestStore(this, dir.resolve("controller.db"));
    }
}
