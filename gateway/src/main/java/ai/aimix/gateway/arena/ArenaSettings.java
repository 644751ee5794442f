package ai.aimix.gateway.arena;

import ai.aimix.schema.auth.TournamentKeys;
import ai.aimix.schema.codec.Contract;
import ai.aimix.tournament.VoteChecks;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the arena needs: the tournament's key (it signs votes for the listeners it authenticated and seals battles'
 * attention checks, as the tournament job verifies), its topics, and how battles are made and offered. Every default
 * is declared here, once.
 *
 * @param keys            the tournament's keys (the job's {@code aimix.tournament.keys})
 * @param battlesTopic    where battles are published
 * @param votesTopic      where votes go
 * @param evolutionTopic  the evolution events: an evolving league's battles are between its current generation
 * @param leagues         the leagues listeners vote in, the first the default
 * @param models          the versions battles pit against each other; empty: every version the registry has not
 *                        retired (an evolving league: its current generation)
 * @param buffer          battles kept mixed ahead per league (see {@link Arena})
 * @param votesPerBattle  a battle is offered until it has this many votes
 * @param songSeconds     length of the built-in pool's songs
 * @param poolSongs       songs in the built-in pool
 * @param sampleRate      the built-in pool's sample rate
 * @param checkShare      share of battles followed by an attention check
 * @param tasteShare      share of battles followed by a taste probe (the same mix at two levels of one role)
 * @param minListenShare  a vote needs this share of a mix's length of listening (the job's
 *                        {@code aimix.tournament.min-listen-share})
 * @param lifetime        a battle takes votes this long after it was published
 * @param mixTimeout      a battle whose mix has not completed by then is given up
 * @param seed            the pool's songs and the scheduler's draws
 */
public record ArenaSettings(
        TournamentKeys keys,
        String battlesTopic,
        String votesTopic,
        String evolutionTopic,
        List<String> leagues,
        List<String> models,
        int buffer,
        int votesPerBattle,
        double songSeconds,
        int poolSongs,
        int sampleRate,
        double checkShare,
        double tasteShare,
        double minListenShare,
        Duration lifetime,
        Duration mixTimeout,
        long seed) {
    public static final String DEFAULT_LEAGUE = "main";
    /**
     * Four battles mixed ahead per league: a battle of a 12 s song takes about a second to mix on the embedded stack and
     * a listener at least 6 s to judge, so four cover a burst of listeners arriving together while the next ones mix;
     * more would only age (their pair chosen from older standings).
     */
    public static final int DEFAULT_BUFFER = 4;

    public static final int DEFAULT_VOTES_PER_BATTLE = 25;
    /** Long enough to judge a mix (a verse and a chorus of the generated songs), short enough to vote often. */
    public static final double DEFAULT_SONG_SECONDS = 12;

    public static final int DEFAULT_POOL_SONGS = 12;
    public static final int DEFAULT_SAMPLE_RATE = 44_100;
    /** One battle in ten is followed by an attention check, as in the simulation. */
    public static final double DEFAULT_CHECK_SHARE = 0.1;

    /**
     * One battle in four is followed by a taste probe: enough that a listener who votes thirty times has given seven or
     * so answers about their own taste, few enough that the models' ratings get most of the votes.
     */
    public static final double DEFAULT_TASTE_SHARE = 0.25;

    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(6);
    public static final Duration DEFAULT_MIX_TIMEOUT = Duration.ofMinutes(2);

    public ArenaSettings {
        if (keys == null) {
            throw new IllegalArgumentException("the arena needs the tournament's keys");
        }
        if (leagues.isEmpty()) {
            throw new IllegalArgumentException("the arena needs a league");
        }
        if (buffer < 1 || votesPerBattle < 1 || poolSongs < 1) {
            throw new IllegalArgumentException("buffer, votes per battle and pool songs must be at least 1");
        }
        if (!(songSeconds >= 2 && songSeconds <= 600)) {
            throw new IllegalArgumentException("arena songs must be 2 to 600 s long, not " + songSeconds);
        }
        if (!(checkShare >= 0 && checkShare <= 1)
                || !(tasteShare >= 0 && tasteShare <= 1)
                || !(minListenShare >= 0 && minListenShare <= 2)) {
            throw new IllegalArgumentException("check and taste shares in [0, 1], minimum listening share in [0, 2]");
        }
        leagues = List.copyOf(leagues);
        models = List.copyOf(models);
    }

    /** The defaults, with the tournament's {@code keys}. */
    public static ArenaSettings defaults(TournamentKeys keys) {
        return new ArenaSettings(
                keys,
                Contract.TOURNAMENT_BATTLES,
                Contract.TOURNAMENT_VOTES,
                Contract.TOURNAMENT_EVOLUTION,
                List.of(DEFAULT_LEAGUE),
                List.of(),
                DEFAULT_BUFFER,
                DEFAULT_VOTES_PER_BATTLE,
                DEFAULT_SONG_SECONDS,
                DEFAULT_POOL_SONGS,
                DEFAULT_SAMPLE_RATE,
                DEFAULT_CHECK_SHARE,
                DEFAULT_TASTE_SHARE,
                VoteChecks.Settings.DEFAULT_MIN_LISTEN_SHARE,
                DEFAULT_LIFETIME,
                DEFAULT_MIX_TIMEOUT,
                1L);
    }

    /** Shorter songs (tests, benches). */
    public ArenaSettings withSongSeconds(double seconds) {
        return with(c -> c.songSeconds = seconds);
    }

    /** Taste probes after this share of battles. */
    public ArenaSettings withTasteShare(double share) {
        return with(c -> c.tasteShare = share);
    }

    /** Another buffer, votes per battle and attention-check share. */
    public ArenaSettings withBattles(int buffer, int votesPerBattle, double checkShare) {
        return with(c -> {
            c.buffer = buffer;
            c.votesPerBattle = votesPerBattle;
            c.checkShare = checkShare;
        });
    }

    /** Votes need this share of a mix's length of listening (the tournament job's setting). */
    public ArenaSettings withMinListenShare(double share) {
        return with(c -> c.minListenShare = share);
    }

    /** Listeners vote in these leagues, the first the default. */
    public ArenaSettings withLeagues(List<String> names) {
        return with(c -> c.leagues = names);
    }

    /** Battles between these versions only. */
    public ArenaSettings withModels(List<String> versions) {
        return with(c -> c.models = versions);
    }

    /** The tournament's topics as an embedded stack or a test names them. */
    public ArenaSettings withTopics(String battles, String votes, String evolution) {
        return with(c -> {
            c.battlesTopic = battles;
            c.votesTopic = votes;
            c.evolutionTopic = evolution;
        });
    }

    private ArenaSettings with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The settings being changed (records have no withers). */
    private static final class Copy {
        private final ArenaSettings from;
        String battlesTopic;
        String votesTopic;
        String evolutionTopic;
        List<String> leagues;
        List<String> models;
        int buffer;
        int votesPerBattle;
        double songSeconds;
        double checkShare;
        double tasteShare;
        double minListenShare;

        Copy(ArenaSettings s) {
            from = s;
            battlesTopic = s.battlesTopic;
            votesTopic = s.votesTopic;
            evolutionTopic = s.evolutionTopic;
            leagues = s.leagues;
            models = s.models;
            buffer = s.buffer;
            votesPerBattle = s.votesPerBattle;
            songSeconds = s.songSeconds;
            checkShare = s.checkShare;
            tasteShare = s.tasteShare;
            minListenShare = s.minListenShare;
        }

        ArenaSettings build() {
            return new ArenaSettings(
                    from.keys,
                    battlesTopic,
                    votesTopic,
                    evolutionTopic,
                    leagues,
                    models,
                    buffer,
                    votesPerBattle,
                    songSeconds,
                    from.poolSongs,
                    from.sampleRate,
                    checkShare,
                    tasteShare,
                    minListenShare,
                    from.lifetime,
                    from.mixTimeout,
                    from.seed);
        }
    }

    /** Listening needed before a vote on a battle of {@code audioMillis} counts (both mixes together). */
    public long neededMillis(long audioMillis) {
        return (long) Math.ceil(minListenShare * audioMillis);
    }
}
