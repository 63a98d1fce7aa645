package io.herd.controller.store;

/** The store could not read or write; the operation changed nothing. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
