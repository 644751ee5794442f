package ai.aimix.jobs.tournament;

import ai.aimix.schema.codec.Contract;
import org.apache.flink.configuration.ConfigOption;

import java.time.Duration;
import java.util.List;

import static org.apache.flink.configuration.ConfigOptions.key;

/** Options of the tournament job ({@code aimix.tournament.*}); Kafka connection options are the mix job's. */
public final class TournamentJobOptions {
    public static final ConfigOption<String> GROUP_ID = key("aimix.tournament.group-id").stringType()
            .defaultValue("aimix-tournament").withDescription("Kafka consumer group of the tournament job.");
    public static final ConfigOption<String> TOPIC_BATTLES = key("aimix.tournament.topics.battles").stringType()
            .defaultValue(Contract.TOURNAMENT_BATTLES).withDescription("Battles to vote on.");
    public static final ConfigOption<String> TOPIC_VOTES = key("aimix.tournament.topics.votes").stringType()
            .defaultValue(Contract.TOURNAMENT_VOTES).withDescription("Listeners' votes.");
    public static final ConfigOption<String> TOPIC_STANDINGS = key("aimix.tournament.topics.standings").stringType()
            .defaultValue(Contract.TOURNAMENT_STANDINGS).withDescription("Ratings per league.");
    public static final ConfigOption<String> TOPIC_ERRORS = key("aimix.tournament.topics.errors").stringType()
            .defaultValue(Contract.TOURNAMENT_ERRORS).withDescription("Battles and votes not counted, with the reason.");
    public static final ConfigOption<Duration> REFRESH = key("aimix.tournament.standings-refresh").durationType()
            .defaultValue(Duration.ofMillis(500)).withDescription("A league's standings are refitted and published at "
                    + "most this often while votes arrive.");
    public static final ConfigOption<Double> MIN_LISTEN_SHARE = key("aimix.tournament.min-listen-share").doubleType()
            .defaultValue(0.5).withDescription("A vote needs at least this share of one mix's length of listening.");
    public static final ConfigOption<Duration> BATTLE_LIFETIME = key("aimix.tournament.battle-lifetime").durationType()
            .defaultValue(Duration.ofDays(7)).withDescription("How long a battle without closesAtMillis takes votes.");
    public static final ConfigOption<Duration> BATTLE_RETENTION = key("aimix.tournament.battle-retention")
            .durationType().defaultValue(Duration.ofDays(1)).withDescription("How long a closed battle is remembered "
                    + "(late votes: CLOSED_BATTLE; after that UNKNOWN_BATTLE).");
    public static final ConfigOption<Duration> UNKNOWN_BATTLE_WAIT = key("aimix.tournament.unknown-battle-wait")
            .durationType().defaultValue(Duration.ofSeconds(30)).withDescription("How long a vote waits for a battle "
                    + "the job has not seen yet (they travel on different topics); then UNKNOWN_BATTLE.");
    public static final ConfigOption<Integer> RATE_BURST = key("aimix.tournament.rate-limit.burst").intType()
            .defaultValue(30).withDescription("Votes a voter may cast at once.");
    public static final ConfigOption<Double> RATE_PER_MINUTE = key("aimix.tournament.rate-limit.per-minute")
            .doubleType().defaultValue(10.0).withDescription("Votes a voter may cast per minute, sustained.");
    public static final ConfigOption<Double> SCREEN_ALPHA = key("aimix.tournament.screen.alpha").doubleType()
            .defaultValue(0.2).withDescription("Significance at which a voter's record is judged unlike the crowd's: "
                    + "the trade between bad actors caught and honest voters flagged (0.2: 91 % and 3.6 % in the "
                    + "simulated league with 20 % attention checks; 0.05: 84 % and 0.4 %).");
    public static final ConfigOption<Integer> SCREEN_MIN_VOTES = key("aimix.tournament.screen.min-votes").intType()
            .defaultValue(20).withDescription("Votes a voter needs before they can be flagged.");

    private TournamentJobOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(GROUP_ID, TOPIC_BATTLES, TOPIC_VOTES, TOPIC_STANDINGS, TOPIC_ERRORS, REFRESH, MIN_LISTEN_SHARE,
                BATTLE_LIFETIME, BATTLE_RETENTION, UNKNOWN_BATTLE_WAIT, RATE_BURST, RATE_PER_MINUTE, SCREEN_ALPHA, SCREEN_MIN_VOTES);
    }
}
