package ai.aimix.tournament;

import ai.aimix.schema.Battle;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.Vote;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a vote may be counted, judged against its battle (the per-battle duplicate and the per-voter rate limit
 * are state the tournament job keeps; see {@link RateLimiter}). Each problem comes back as a code and one line.
 */
public final class VoteChecks {
    /** Limits. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final double DEFAULT_MIN_LISTEN_SHARE = 0.5;
        public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);

        /** A vote needs at least this share of one mix's length of listening (both mixes together). */
        public double minListenShare = DEFAULT_MIN_LISTEN_SHARE;
        /** A battle without closesAtMillis takes votes this long after it was created. */
        public long defaultLifetimeMillis = DEFAULT_LIFETIME.toMillis();
    }

    /** A refused vote. */
    public record Problem(TournamentErrorCode code, String message) {}

    private VoteChecks() {}

    /**
     * @param battle the vote's battle, or null when the job has not seen it
     * @param now    the job's processing time, epoch milliseconds
     * @return the problem, or null when the vote counts (subject to de-duplication and the rate limit)
     */
    public static Problem check(Battle battle, Vote v, long now, Settings s) {
        if (v.getVoterId() == null || v.getVoterId().isBlank() || v.getListenedMillis() < 0) {
            return new Problem(TournamentErrorCode.INVALID_VOTE, "a vote needs a voter id and a listening time >= 0");
        }
        if (battle == null) {
            return new Problem(TournamentErrorCode.UNKNOWN_BATTLE, "no battle " + v.getBattleId());
        }
        long closes = battle.getClosesAtMillis() != null
                ? battle.getClosesAtMillis()
                : battle.getCreatedAtMillis() + s.defaultLifetimeMillis;
        if (now > closes) {
            return new Problem(
                    TournamentErrorCode.CLOSED_BATTLE,
                    "battle " + battle.getBattleId() + " closed at " + Instant.ofEpochMilli(closes));
        }
        if (!battle.getVoters().isEmpty() && !battle.getVoters().contains(v.getVoterId())) {
            return new Problem(
                    TournamentErrorCode.NOT_ALLOWED,
                    "voter " + v.getVoterId() + " may not vote on battle " + battle.getBattleId());
        }
        long needed = (long) Math.ceil(s.minListenShare * battle.getAudioMillis());
        if (v.getListenedMillis() < needed) {
            return new Problem(
                    TournamentErrorCode.TOO_FAST,
                    "listened " + v.getListenedMillis() + " ms, at least " + needed
                            + " ms needed to hear the mixes of battle " + battle.getBattleId());
        }
        return null;
    }
}
