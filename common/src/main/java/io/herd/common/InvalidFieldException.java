package io.herd.common;

/** A request field that cannot be accepted. Each program turns it into INVALID_ARGUMENT naming the field. */
public final class InvalidFieldException extends RuntimeException {

    private final String field;

    public InvalidFieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The field's name as the request spells it, e.g. {@code memory_mib} or {@code servers[3].server_id}. */
    public String field() {
        return field;
    }
}
