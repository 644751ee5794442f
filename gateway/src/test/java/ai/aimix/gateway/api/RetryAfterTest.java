package ai.aimix.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code Retry-After}: an error's default, an answer's own, and none where trying the same again cannot succeed. */
class RetryAfterTest {
    @Test
    void anAnswerSaysWhenToTryAgainOnlyWhereThatCanSucceed() {
        assertEquals(
                ApiError.BROKER_RETRY_AFTER_SECONDS,
                new ApiException(ApiError.KAFKA_UNAVAILABLE, "the mix could not be recorded").retryAfterSeconds());
        assertEquals(
                0,
                new ApiException(ApiError.KAFKA_UNAVAILABLE, "chunks sent, the mix failed")
                        .noRetry()
                        .retryAfterSeconds());
        assertEquals(1, new ApiException(ApiError.NO_BATTLE_READY, "mixing the next").retryAfterSeconds());
        assertEquals(0, new ApiException(ApiError.ARENA_UNAVAILABLE, "no arena here").retryAfterSeconds());
        assertEquals(
                120,
                new ApiException(ApiError.QUOTA_EXCEEDED, "the hour's limit")
                        .retryAfter(120)
                        .retryAfterSeconds());
        assertEquals(
                1,
                new ApiException(ApiError.QUOTA_EXCEEDED, "rounded up")
                        .retryAfter(0)
                        .retryAfterSeconds());
    }
}
