package ai.aimix.gateway.api;

import java.util.Locale;

/**
 * The gateway's error codes: each a stable code (the problem response's {@code code}, and the last part of its
 * {@code type} URI), an HTTP status and a title. docs/API.md lists them; a test keeps the two in step.
 */
public enum ApiError {
    UNAUTHORIZED(401, "An API key is required"),
    QUOTA_EXCEEDED(429, "The API key's limit is reached"),
    INVALID_JSON(400, "The body is not valid JSON"),
    INVALID_MIX_REQUEST(422, "The mix request is not valid"),
    INVALID_RENDER_REQUEST(422, "The render request is not valid"),
    RENDER_NOT_FOUND(404, "No such render"),
    INVALID_PRESET(422, "The preset is not valid"),
    PRESET_NOT_FOUND(404, "No such preset"),
    MIX_NOT_FOUND(404, "No such mix"),
    STEM_NOT_FOUND(404, "No such stem"),
    LEAGUE_NOT_FOUND(404, "No standings for this league"),
    INVALID_PARAMETER(400, "A query parameter is not valid"),
    AUDIO_NOT_READY(409, "The mixed audio is not complete yet"),
    RANGE_NOT_SATISFIABLE(416, "The range is outside the file"),
    STEM_ALREADY_UPLOADED(409, "This stem has been uploaded already"),
    MIX_ENDED(409, "The mix has ended"),
    NOT_WAV(415, "The body is not a WAV file this service reads"),
    STEM_FORMAT_MISMATCH(422, "The WAV does not match the stem the mix request declared"),
    UPLOAD_INCOMPLETE(400, "The upload ended before its audio did"),
    UPLOAD_TOO_LARGE(413, "The upload is larger than allowed"),
    INVALID_CONTENT_RANGE(400, "The Content-Range of a piece is not valid"),
    UPLOAD_OFFSET_MISMATCH(409, "The piece does not start where the upload stands"),
    ARENA_UNAVAILABLE(503, "This gateway runs no arena"),
    NO_BATTLE_READY(503, "No battle is ready for this listener yet", 1),
    BATTLE_NOT_FOUND(404, "No such battle on offer"),
    NOT_YOUR_BATTLE(409, "The battle is not the one offered to this listener"),
    ALREADY_VOTED(409, "This listener has voted on this battle"),
    VOTE_TOO_FAST(422, "Both mixes must be heard before a vote"),
    INVALID_VOTE(422, "The vote is not valid"),
    JSON_REQUIRED(415, "The body must be sent as application/json"),
    INVALID_ACCOUNT(422, "The account's name or password is not valid"),
    ACCOUNT_TAKEN(409, "The account name is taken"),
    SIGN_IN_FAILED(401, "No such name and password"),
    EXPERIMENT_NOT_FOUND(404, "No such experiment"),
    INVALID_EXPERIMENT_EVENT(422, "The experiment event is not valid"),
    /** Told to try again after {@link #BROKER_RETRY_AFTER_SECONDS}: a broker outage is usually a restart. */
    KAFKA_UNAVAILABLE(503, "The service cannot reach its message broker", ApiError.BROKER_RETRY_AFTER_SECONDS),
    NOT_FOUND(404, "No such resource"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    INTERNAL(500, "Internal error");

    /** The base of every problem type URI; the code follows. */
    public static final String TYPE_BASE = "https://aimix.ai/problems/";

    /** Seconds a client is told to wait ({@code Retry-After}) when the broker cannot be reached. */
    public static final long BROKER_RETRY_AFTER_SECONDS = 5;

    public final int status;
    public final String title;
    /** {@code Retry-After} of every such answer, in seconds; 0 when the error does not say (or says per answer). */
    public final long retryAfterSeconds;

    ApiError(int status, String title) {
        this(status, title, 0);
    }

    ApiError(int status, String title, long retryAfterSeconds) {
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The problem type URI: {@link #TYPE_BASE} and the code in lower case with dashes. */
    public String type() {
        return TYPE_BASE + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
