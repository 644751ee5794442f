package ai.aimix.gateway.api;

/** A request the gateway refuses: becomes an RFC 9457 problem response with the error's status and code. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public final ApiError error;
    /** Where the upload stands, for an answer about a piece of one ({@code Upload-Offset}); null otherwise. */
    public final Long uploadOffset;
    /** When the client may try again, in seconds ({@code Retry-After}); 0 when the answer does not say. */
    private long retryAfterSeconds;

    /** @param detail one line for the client: what was wrong with this request, naming the field */
    public ApiException(ApiError error, String detail) {
        this(error, detail, (Long) null);
    }

    /** A refusal about a piece of an upload, saying where the upload stands. */
    public ApiException(ApiError error, String detail, Long uploadOffset) {
        super(detail);
        this.error = error;
        this.uploadOffset = uploadOffset;
    }

    public ApiException(ApiError error, String detail, Throwable cause) {
        super(detail, cause);
        this.error = error;
        this.uploadOffset = null;
    }

    /** The same refusal, telling the client to try again after {@code seconds} ({@code Retry-After}). */
    public ApiException retryAfter(long seconds) {
        this.retryAfterSeconds = Math.max(1, seconds);
        return this;
    }

    /**
     * The same refusal without {@code Retry-After}, whatever its error's default: trying the same request again cannot
     * succeed (an upload whose chunks were partly sent has failed its mix).
     */
    public ApiException noRetry() {
        this.retryAfterSeconds = -1;
        return this;
    }

    /** When the client may try again, in seconds (this answer's, else its error's); 0 when the answer does not say. */
    public long retryAfterSeconds() {
        return retryAfterSeconds < 0 ? 0 : retryAfterSeconds > 0 ? retryAfterSeconds : error.retryAfterSeconds;
    }
}
