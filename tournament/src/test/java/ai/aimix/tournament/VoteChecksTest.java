package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.aimix.schema.Battle;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class VoteChecksTest {
    static final VoteChecks.Settings S = new VoteChecks.Settings();

    static Battle battle(Long closes, List<String> voters) {
        return new Battle("b1", "main", "song", "mix-1", "m1", "m2", 30_000L, 1_000L, closes, voters, null, null);
    }

    static Vote vote(String voter, long listened) {
        return new Vote("b1", voter, VoteOutcome.A, listened, 5_000L, null);
    }

    @Test
    void eachProblemHasItsCode() {
        assertNull(VoteChecks.check(battle(null, List.of()), vote("v", 20_000), 2_000, S));
        assertEquals(
                TournamentErrorCode.UNKNOWN_BATTLE,
                VoteChecks.check(null, vote("v", 20_000), 2_000, S).code());
        assertEquals(
                TournamentErrorCode.CLOSED_BATTLE,
                VoteChecks.check(battle(1_500L, List.of()), vote("v", 20_000), 2_000, S)
                        .code());
        assertEquals(
                TournamentErrorCode.CLOSED_BATTLE,
                VoteChecks.check(battle(null, List.of()), vote("v", 20_000), 1_000 + S.defaultLifetimeMillis + 1, S)
                        .code(),
                "the default lifetime applies");
        assertEquals(
                TournamentErrorCode.NOT_ALLOWED,
                VoteChecks.check(battle(null, List.of("panel-1")), vote("v", 20_000), 2_000, S)
                        .code());
        VoteChecks.Problem fast = VoteChecks.check(battle(null, List.of()), vote("v", 14_999), 2_000, S);
        assertNotNull(fast);
        assertEquals(TournamentErrorCode.TOO_FAST, fast.code());
        assertNull(
                VoteChecks.check(battle(null, List.of()), vote("v", 15_000), 2_000, S), "half of a 30 s mix is enough");
        assertEquals(
                TournamentErrorCode.INVALID_VOTE,
                VoteChecks.check(battle(null, List.of()), vote(" ", 20_000), 2_000, S)
                        .code());
    }

    @Test
    void rateLimitIsATokenBucket() {
        RateLimiter limiter = new RateLimiter(3, 6); // 3 at once, then one every 10 s
        RateLimiter.Bucket b = limiter.fresh(0);
        for (int i = 0; i < 3; i++) {
            b = limiter.take(b, 0);
            assertNotNull(b);
        }
        assertNull(limiter.take(b, 5_000), "the fourth vote within 5 s is over the limit");
        assertNotNull(limiter.take(b, 10_000), "one more after 10 s");
        RateLimiter.Bucket later = limiter.take(b, 3_600_000);
        assertEquals(2, later.tokens(), 1e-9, "refills to the burst, not beyond");
    }
}
