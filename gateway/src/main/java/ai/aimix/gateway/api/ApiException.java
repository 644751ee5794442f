package ai.aimix.gateway.api;

/** A request the gateway refuses: becomes an RFC 9457 problem response with the error's status and code. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public final ApiError error;

    /** @param detail one line for the client: what was wrong with this request, naming the field */
    public ApiException(ApiError error, String detail) {
        super(detail);
        this.error = error;
    }

    public ApiException(ApiError error, String detail, Throwable cause) {
        super(detail, cause);
        this.error = error;
    }
}
