package ai.aimix.operators.records;

import ai.aimix.schema.ErrorCode;

/** Why an input was refused, and whether that ends the mix. */
public final class Rejection {
    public final ErrorCode code;
    public final boolean fatal;
    public final String message;

    public Rejection(ErrorCode code, boolean fatal, String message) {
        this.code = code;
        this.fatal = fatal;
        this.message = message;
    }

    @Override
    public String toString() {
        return code + (fatal ? " (fatal)" : "") + ": " + message;
    }
}
