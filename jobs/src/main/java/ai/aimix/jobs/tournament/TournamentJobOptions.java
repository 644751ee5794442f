package ai.aimix.jobs.tournament;

import static org.apache.flink.configuration.ConfigOptions.key;

import ai.aimix.corpus.Composer;
import ai.aimix.evolution.Breeder;
import ai.aimix.evolution.Evolution;
import ai.aimix.jobs.JobOptions;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.operators.tournament.BenchmarkGate;
import ai.aimix.schema.auth.TournamentKeys;
import ai.aimix.schema.codec.Contract;
import ai.aimix.tournament.VoteChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Options of the tournament job ({@code aimix.tournament.*}); the Kafka connection and the registry topic are
 * {@link ai.aimix.jobs.kafka.KafkaOptions}, the model store {@link ai.aimix.jobs.registry.ModelStoreOptions}.
 */
public final class TournamentJobOptions {
    public static final ConfigOption<String> JOB_NAME = key("aimix.tournament.job-name")
            .stringType()
            .defaultValue("AI Mixer tournament")
            .withDescription("Name of the tournament job in the Flink UI.");
    public static final ConfigOption<String> GROUP_ID = key("aimix.tournament.group-id")
            .stringType()
            .defaultValue("aimix-tournament")
            .withDescription("Kafka consumer group of the tournament job.");
    public static final ConfigOption<String> TOPIC_BATTLES = key("aimix.tournament.topics.battles")
            .stringType()
            .defaultValue(Contract.TOURNAMENT_BATTLES)
            .withDescription("Battles to vote on.");
    public static final ConfigOption<String> TOPIC_VOTES = key("aimix.tournament.topics.votes")
            .stringType()
            .defaultValue(Contract.TOURNAMENT_VOTES)
            .withDescription("Listeners' votes.");
    public static final ConfigOption<String> TOPIC_STANDINGS = key("aimix.tournament.topics.standings")
            .stringType()
            .defaultValue(Contract.TOURNAMENT_STANDINGS)
            .withDescription("Ratings per league.");
    public static final ConfigOption<String> TOPIC_ERRORS = key("aimix.tournament.topics.errors")
            .stringType()
            .defaultValue(Contract.TOURNAMENT_ERRORS)
            .withDescription("Battles and votes not counted, with the reason.");
    public static final ConfigOption<Duration> REFRESH = key("aimix.tournament.standings-refresh")
            .durationType()
            .defaultValue(Duration.ofMillis(500))
            .withDescription(
                    "A league's standings are refitted and published at " + "most this often while votes arrive.");
    public static final ConfigOption<Double> MIN_LISTEN_SHARE = key("aimix.tournament.min-listen-share")
            .doubleType()
            .defaultValue(VoteChecks.Settings.DEFAULT_MIN_LISTEN_SHARE)
            .withDescription("A vote needs at least this share of one mix's length of listening.");
    public static final ConfigOption<Duration> BATTLE_LIFETIME = key("aimix.tournament.battle-lifetime")
            .durationType()
            .defaultValue(VoteChecks.Settings.DEFAULT_LIFETIME)
            .withDescription("How long a battle without closesAtMillis takes votes.");
    public static final ConfigOption<Duration> BATTLE_RETENTION = key("aimix.tournament.battle-retention")
            .durationType()
            .defaultValue(Duration.ofDays(1))
            .withDescription("How long a closed battle is remembered "
                    + "(late votes: CLOSED_BATTLE; after that UNKNOWN_BATTLE).");
    public static final ConfigOption<Duration> UNKNOWN_BATTLE_WAIT = key("aimix.tournament.unknown-battle-wait")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("How long a vote waits for a battle "
                    + "the job has not seen yet (they travel on different topics); then UNKNOWN_BATTLE.");
    public static final ConfigOption<Integer> RATE_BURST = key("aimix.tournament.rate-limit.burst")
            .intType()
            .defaultValue(30)
            .withDescription("Votes a voter may cast at once.");
    public static final ConfigOption<Double> RATE_PER_MINUTE = key("aimix.tournament.rate-limit.per-minute")
            .doubleType()
            .defaultValue(10.0)
            .withDescription("Votes a voter may cast per minute, sustained.");
    public static final ConfigOption<Double> SCREEN_ALPHA = key("aimix.tournament.screen.alpha")
            .doubleType()
            .defaultValue(0.2)
            .withDescription("Significance of the abuse screen's first look at a voter (at "
                    + "min-votes screened votes and checks); each later look, at twice as many, gets a quarter of the "
                    + "level before. The trade between bad actors caught and honest voters flagged, in the simulated "
                    + "league with 20 % attention checks: 0.2 catches 93-97 % and flags 2.2-3.0 % of honest voters "
                    + "after 20 votes each (2.2-3.8 % after 80); 0.1 catches 89 % and flags 0.8 %.");
    public static final ConfigOption<Integer> SCREEN_MIN_VOTES = key("aimix.tournament.screen.min-votes")
            .intType()
            .defaultValue(20)
            .withDescription("Votes and attention checks a voter needs before the screen first "
                    + "looks at them; it looks again at twice, four times, ... as many.");

    public static final ConfigOption<String> TOPIC_EVOLUTION = key("aimix.tournament.topics.evolution")
            .stringType()
            .defaultValue(Contract.TOURNAMENT_EVOLUTION)
            .withDescription("Evolution events: generations bred, champions " + "promoted.");
    public static final ConfigOption<List<String>> EVOLUTION_LEAGUES = key("aimix.tournament.evolution.leagues")
            .stringType()
            .asList()
            .defaultValues()
            .withDescription("Leagues whose models evolve: their champion breeds "
                    + "children, votes rate them, the best breed the next generation. '*': every league; empty: none "
                    + "(ratings only).");
    public static final ConfigOption<Double> EVOLUTION_INTERVAL_WIDTH = key("aimix.tournament.evolution.interval-width")
            .doubleType()
            .defaultValue(Evolution.Settings.DEFAULT_INTERVAL_WIDTH)
            .withDescription("A generation ends when every member's 95 % interval is "
                    + "narrower than this (Elo points, full width).");
    public static final ConfigOption<Long> EVOLUTION_VOTE_BUDGET = key("aimix.tournament.evolution.vote-budget")
            .longType()
            .defaultValue(Evolution.Settings.DEFAULT_VOTE_BUDGET)
            .withDescription("A generation also ends when it has used this many counted " + "votes.");
    public static final ConfigOption<Long> EVOLUTION_PROMOTION_MIN_VOTES = key("aimix.tournament.evolution"
                    + ".promotion-min-votes")
            .longType()
            .defaultValue(Evolution.Settings.DEFAULT_PROMOTION_MIN_VOTES)
            .withDescription("A challenger is promoted when its "
                    + "95 % interval lies above the champion's and both have at least this many counted votes.");
    public static final ConfigOption<Integer> EVOLUTION_CHILDREN = key("aimix.tournament.evolution.children")
            .intType()
            .defaultValue(Breeder.Settings.DEFAULT_CHILDREN)
            .withDescription("Children bred per generation (the champion survives besides them).");
    public static final ConfigOption<Integer> EVOLUTION_PARENTS = key("aimix.tournament.evolution.parents")
            .intType()
            .defaultValue(Breeder.Settings.DEFAULT_PARENTS)
            .withDescription("The best this many members by rating breed (truncation selection).");
    public static final ConfigOption<Double> EVOLUTION_SIGMA = key("aimix.tournament.evolution.sigma")
            .doubleType()
            .defaultValue(Breeder.Settings.DEFAULT_SIGMA)
            .withDescription("First mutation step: Gaussian noise of this times each mutated tensor's "
                    + "RMS (at least min-scale) on the output layer, hidden-scale times that on the others; adapted by "
                    + "the 1/5 success rule.");
    public static final ConfigOption<Double> EVOLUTION_MIN_SCALE = key("aimix.tournament.evolution.min-scale")
            .doubleType()
            .defaultValue(Breeder.Settings.DEFAULT_MIN_SCALE)
            .withDescription(
                    "The smallest RMS a mutation is relative to (a neutral " + "model's output layer is zero).");
    public static final ConfigOption<Double> EVOLUTION_HIDDEN_SCALE = key("aimix.tournament.evolution.hidden-scale")
            .doubleType()
            .defaultValue(Breeder.Settings.DEFAULT_HIDDEN_SCALE)
            .withDescription("Mutation of every layer but the output layer: noise of this times the output layer's "
                    + "step (relative to each tensor's own RMS). 0 mutates the output layer only.");
    public static final ConfigOption<Long> EVOLUTION_SEED = key("aimix.tournament.evolution.seed")
            .longType()
            .defaultValue(Evolution.Settings.DEFAULT_SEED)
            .withDescription("Seed of breeding: a generation's children are a function of their "
                    + "parents, the generation number and this seed.");
    public static final ConfigOption<String> EVOLUTION_ID_PREFIX = key("aimix.tournament.evolution.id-prefix")
            .stringType()
            .defaultValue(Evolution.Settings.DEFAULT_ID_PREFIX)
            .withDescription("Children are named PREFIX-LEAGUE-gGENERATION-cINDEX.");
    public static final ConfigOption<Integer> EVOLUTION_GATE_SONGS = key("aimix.tournament.evolution.gate.songs")
            .intType()
            .defaultValue(BenchmarkGate.Settings.DEFAULT_SONGS)
            .withDescription("The quality gate a challenger passes before listeners' votes make it champion: it is "
                    + "benchmarked against the champion on this many built-in test-split songs (generated in code, "
                    + "never battle songs), each rendered with both.");
    public static final ConfigOption<Integer> EVOLUTION_GATE_BARS = key("aimix.tournament.evolution.gate.bars")
            .intType()
            .defaultValue(BenchmarkGate.Settings.DEFAULT_BARS)
            .withDescription("Length of the quality gate's songs, in bars (at least 6).");
    public static final ConfigOption<Double> EVOLUTION_GATE_DISTANCE_TOLERANCE =
            key("aimix.tournament.evolution.gate.distance-tolerance")
                    .doubleType()
                    .defaultValue(BenchmarkGate.Settings.DEFAULT_DISTANCE_TOLERANCE)
                    .withDescription(
                            "How much worse (relative) than the champion's the challenger's mean mix distance may "
                                    + "be: 0, not worse at all, so that a line of promotions can never drift away from the benchmark.");
    public static final ConfigOption<Double> EVOLUTION_GATE_LEVEL_TOLERANCE =
            key("aimix.tournament.evolution.gate.level-tolerance-db")
                    .doubleType()
                    .defaultValue(BenchmarkGate.Settings.DEFAULT_LEVEL_TOLERANCE_DB)
                    .withDescription(
                            "How much higher (dB) than the champion's the challenger's per-stem level error may be.");
    public static final ConfigOption<Duration> EVOLUTION_RETRY = key("aimix.tournament.evolution.retry")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("How soon founding a league is tried again when its "
                    + "champion's descriptor has not been read from the registry yet.");

    public static final ConfigOption<List<String>> SECRET_KEYS = key("aimix.tournament.secret-keys")
            .stringType()
            .asList()
            .noDefaultValue()
            .withDescription("The keys shared with whoever authenticates listeners and "
                    + "schedules battles (the gateway): ID:BASE64 of at least 32 random bytes, separated by ';'. The "
                    + "first signs and seals; all verify (rotation). Votes must carry a voter token and battles a sealed "
                    + "check made with one of them. The embedded launcher draws one per run when none is given. Flink "
                    + "masks options whose name holds 'secret' in its web UI and REST API.");
    public static final ConfigOption<String> SECRET_KEYS_FILE = key("aimix.tournament.secret-keys-file")
            .stringType()
            .noDefaultValue()
            .withDescription("A file holding the keys of aimix.tournament.secret-keys"
                    + " (separated by ';' or new lines), e.g. a Kubernetes Secret mounted into the pods, so the keys "
                    + "stay out of config.yaml and the FlinkDeployment. Used when secret-keys is not set.");

    public static final ConfigOption<Boolean> AUTHENTICATE = key("aimix.tournament.authenticate")
            .booleanType()
            .defaultValue(true)
            .withDescription("Count only votes whose voter token verifies (INVALID_VOTER_TOKEN) and "
                    + "battles whose attention check is sealed (INVALID_BATTLE); needs secret-keys. Off only for a "
                    + "closed test setup: then anyone who can write tournament.votes can vote as anyone.");

    /** The keys of {@link #SECRET_KEYS}, or null when none are configured. */
    public static TournamentKeys keys(ReadableConfig c) {
        List<String> specs = c.getOptional(SECRET_KEYS).orElse(List.of());
        if (specs.isEmpty() && c.getOptional(SECRET_KEYS_FILE).isPresent()) {
            String file = c.get(SECRET_KEYS_FILE);
            try {
                specs = Arrays.stream(Files.readString(Path.of(file)).split("[;\\r\\n]+"))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toList());
            } catch (IOException e) {
                throw new IllegalArgumentException(SECRET_KEYS_FILE.key() + ": cannot read " + file + " (" + e + ")");
            }
            if (specs.isEmpty()) {
                throw new IllegalArgumentException(SECRET_KEYS_FILE.key() + ": " + file + " holds no key");
            }
        }
        try {
            return specs.isEmpty() ? null : TournamentKeys.parse(specs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SECRET_KEYS.key() + ": " + e.getMessage());
        }
    }

    /** Checks the options fit together; throws IllegalArgumentException naming the option otherwise. */
    public static void validate(ReadableConfig c) {
        if (c.get(EVOLUTION_GATE_SONGS) < 1) {
            throw new IllegalArgumentException(
                    EVOLUTION_GATE_SONGS.key() + " must be at least 1, got " + c.get(EVOLUTION_GATE_SONGS));
        }
        if (c.get(EVOLUTION_GATE_BARS) < Composer.MIN_BARS) {
            throw new IllegalArgumentException(EVOLUTION_GATE_BARS.key() + " must be at least " + Composer.MIN_BARS
                    + " (a song's shortest form), got " + c.get(EVOLUTION_GATE_BARS));
        }
        for (ConfigOption<Double> o :
                List.of(EVOLUTION_GATE_DISTANCE_TOLERANCE, EVOLUTION_GATE_LEVEL_TOLERANCE, EVOLUTION_HIDDEN_SCALE)) {
            if (!(c.get(o) >= 0) || Double.isInfinite(c.get(o))) {
                throw new IllegalArgumentException(o.key() + " must be a finite number >= 0, got " + c.get(o));
            }
        }
        if (c.get(AUTHENTICATE) && keys(c) == null) {
            throw new IllegalArgumentException(SECRET_KEYS.key() + " (or " + SECRET_KEYS_FILE.key()
                    + ") is required while " + AUTHENTICATE.key()
                    + " is on: votes are counted only when their voter tokens verify");
        }
    }

    /** The evolution settings these options give. */
    public static Evolution.Settings evolution(ReadableConfig c) {
        Evolution.Settings s = new Evolution.Settings();
        s.intervalWidth = c.get(EVOLUTION_INTERVAL_WIDTH);
        s.voteBudget = c.get(EVOLUTION_VOTE_BUDGET);
        s.promotionMinVotes = c.get(EVOLUTION_PROMOTION_MIN_VOTES);
        s.breeder.children = c.get(EVOLUTION_CHILDREN);
        s.breeder.parents = c.get(EVOLUTION_PARENTS);
        s.breeder.sigma = c.get(EVOLUTION_SIGMA);
        s.breeder.minScale = c.get(EVOLUTION_MIN_SCALE);
        s.breeder.hiddenScale = c.get(EVOLUTION_HIDDEN_SCALE);
        s.seed = c.get(EVOLUTION_SEED);
        s.idPrefix = c.get(EVOLUTION_ID_PREFIX);
        return s;
    }

    /** The quality gate's settings these options give, with the mix job's mel settings (what the models read). */
    public static BenchmarkGate.Settings gate(ReadableConfig c) {
        BenchmarkGate.Settings g = new BenchmarkGate.Settings();
        g.songs = c.get(EVOLUTION_GATE_SONGS);
        g.bars = c.get(EVOLUTION_GATE_BARS);
        g.distanceTolerance = c.get(EVOLUTION_GATE_DISTANCE_TOLERANCE);
        g.levelToleranceDb = c.get(EVOLUTION_GATE_LEVEL_TOLERANCE);
        g.segmentFrames = c.get(MixJobOptions.SEGMENT_FRAMES);
        g.nFft = c.get(MixJobOptions.MEL_N_FFT);
        g.hop = c.get(MixJobOptions.MEL_HOP);
        g.bands = c.get(MixJobOptions.MEL_BANDS);
        return g;
    }

    private TournamentJobOptions() {}

    public static List<ConfigOption<?>> all() {
        return JobOptions.declaredIn(TournamentJobOptions.class);
    }
}
