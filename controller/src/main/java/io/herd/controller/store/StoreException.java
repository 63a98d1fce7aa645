package io.herd.controller.store;

/**
 * The store could not read or write; the operation changed nothing, unless {@link #endsTerm}
 * says its outcome is unknown.
 */
public final class StoreException extends RuntimeException {

    private final boolean endsTerm;

    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private StoreException(String message, Throwable cause, boolean endsTerm) {
        super(message, cause);
        this.endsTerm = endsTerm;
    }

    /**
     * A write of a leader that must stop leading at once: its term is over (another controller
     * leads, or its lease ran out), or it lost the database in the middle of a write, whose
     * outcome it cannot know. Its memory may then differ from the database: only a new term,
     * loaded afresh, may write again.
     */
    public static StoreException termEnded(String message, Throwable cause) {
        return new StoreException(message, cause, true);
    }

    public boolean endsTerm() {
        return endsTerm;
    }
}
