package io.herd.agent.api;

/** A request field that cannot be accepted; becomes INVALID_ARGUMENT naming the field. */
public class InvalidFieldException extends Exception {

    private final String field;

    public InvalidFieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
