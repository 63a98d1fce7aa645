package io.herd.common;

/** A request field that cannot be accepted. Each program turns it into INVALID_ARGUMENT naming the field. */
public final class InvalidFieldException extends RuntimeException {

    private final String field;
    private final String problem;

    public InvalidFieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The same refusal of a field inside {@code outer}, e.g. {@code servers[3]}: its name put in front. */
    public InvalidFieldException within(String outer) {
        return new InvalidFieldException(outer + "." + field, problem);
    }

    /** The field's name as the request spells it, e.g. {@code memory_mib} or {@code servers[3].server_id}. */
    public String field() {
        return field;
    }
}
