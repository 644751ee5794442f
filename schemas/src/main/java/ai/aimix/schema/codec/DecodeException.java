package ai.aimix.schema.codec;

import ai.aimix.schema.ErrorCode;

/** A record's bytes could not be turned into a record; {@link #code()} says which way they failed. */
public final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public DecodeException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
