package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.tournament.TournamentJob;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.TopicLayout;
import ai.aimix.schema.Battle;
import ai.aimix.schema.Standings;
import ai.aimix.schema.TournamentError;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.auth.BattleSeals;
import ai.aimix.schema.auth.TournamentKeys;
import ai.aimix.schema.auth.VoterTokens;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.internal.TournamentOutbound;
import ai.aimix.schema.testing.HostileRecords;
import ai.aimix.tournament.BradleyTerry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tournament job on a MiniCluster against the in-process broker: exact counts, refused votes, standings. */
class TournamentJobTest {
    /** The operators' metrics, as a reporter sees them. */
    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .build());

    static EmbeddedKafka kafka;
    static final double[] TRUTH = {-0.8, -0.2, 0.3, 0.9};
    /** The authenticator's keys: the tests seal battles and sign votes as the gateway will. */
    static final TournamentKeys KEYS = TournamentKeys.generate("test");

    /** A battle of league main, sealed ({@code expected}: an attention check's answer). */
    static Battle battle(String id, String a, String b, long now, VoteOutcome expected) {
        return BattleSeals.sealed(
                KEYS,
                new Battle(id, "main", "song-" + id, "mix-" + id, a, b, 20_000L, now, null, List.of(), null, null),
                expected);
    }

    /** A vote, signed. */
    static Vote vote(String battle, String voter, VoteOutcome outcome, long listened, long now) {
        return VoterTokens.signed(KEYS, new Vote(battle, voter, outcome, listened, now, null));
    }
    /** The jobs' checkpoint and RocksDB directories, removed after the tests. */
    static final List<Path> WORK_DIRS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(TopicLayout.tournament(new Configuration(), 2), Map.of());
        kafka.createTopics(TopicLayout.registry(new Configuration()), TopicLayout.registryConfigs());
    }

    @AfterAll
    static void stop() {
        kafka.close();
        WORK_DIRS.forEach(EmbeddedKafka::deleteQuietly);
    }

    @Test
    void countsEveryValidVoteOnceAndRefusesTheRestWithReasons() throws Exception {
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(TournamentJobOptions.REFRESH, Duration.ofMillis(200));
        c.set(TournamentJobOptions.SECRET_KEYS, KEYS.specs());
        c.set(TournamentJobOptions.UNKNOWN_BATTLE_WAIT, Duration.ofSeconds(1));
        c.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5));
        // no restarts: a record that threw anywhere would fail the job, which must still be RUNNING at the end
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        onRocksDb(c);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        JobClient job = TournamentJob.onKafka(c).executeAsync(env);
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            SplittableRandom r = new SplittableRandom(4);
            long now = System.currentTimeMillis();
            int battles = 80;
            for (int b = 0; b < battles; b++) {
                int x = r.nextInt(4);
                int y = (x + 1 + r.nextInt(3)) % 4;
                send(
                        p,
                        Contract.TOURNAMENT_BATTLES,
                        "battle-" + b,
                        Contract.BATTLE.encode(battle("battle-" + b, "m" + x, "m" + y, now, null)));
            }
            p.flush();
            Thread.sleep(1500); // battles before their votes
            int valid = 0;
            for (int b = 0; b < battles; b++) {
                for (int v = 0; v < 6; v++) {
                    // the battle's models from its id's draw: redo it to know the truth
                    send(
                            p,
                            Contract.TOURNAMENT_VOTES,
                            "battle-" + b,
                            Contract.VOTE.encode(vote(
                                    "battle-" + b,
                                    "voter-" + (b * 6 + v) % 25,
                                    r.nextDouble() < 0.7 ? VoteOutcome.A : VoteOutcome.B,
                                    25_000L,
                                    now)));
                    valid++;
                }
            }
            // not counted: a second vote, too fast, an unknown battle, garbage
            send(
                    p,
                    Contract.TOURNAMENT_VOTES,
                    "battle-0",
                    Contract.VOTE.encode(vote("battle-0", "voter-0", VoteOutcome.B, 25_000L, now)));
            send(
                    p,
                    Contract.TOURNAMENT_VOTES,
                    "battle-1",
                    Contract.VOTE.encode(vote("battle-1", "hasty", VoteOutcome.B, 3_000L, now)));
            send(
                    p,
                    Contract.TOURNAMENT_VOTES,
                    "battle-999",
                    Contract.VOTE.encode(vote("battle-999", "lost", VoteOutcome.A, 25_000L, now)));
            // not counted either (issue 14, finding 9): a vote without a token, under someone else's id; a signed
            // vote whose listening time was changed; a battle with its attention-check answer in the clear; one
            // without a seal
            send(
                    p,
                    Contract.TOURNAMENT_VOTES,
                    "battle-4",
                    Contract.VOTE.encode(new Vote("battle-4", "voter-1", VoteOutcome.B, 25_000L, now, null)));
            send(
                    p,
                    Contract.TOURNAMENT_VOTES,
                    "battle-5",
                    Contract.VOTE.encode(Vote.newBuilder(vote("battle-5", "sneaky", VoteOutcome.B, 1_000L, now))
                            .setListenedMillis(25_000L)
                            .build()));
            send(
                    p,
                    Contract.TOURNAMENT_BATTLES,
                    "clear",
                    Contract.BATTLE.encode(Battle.newBuilder(battle("clear", "m0", "m1", now, null))
                            .setExpectedOutcome(VoteOutcome.A)
                            .build()));
            send(
                    p,
                    Contract.TOURNAMENT_BATTLES,
                    "unsealed",
                    Contract.BATTLE.encode(Battle.newBuilder(battle("unsealed", "m0", "m1", now, null))
                            .setCheck(null)
                            .build()));
            // an attention check, sealed: its votes test the voters and are not counted in the ratings
            send(
                    p,
                    Contract.TOURNAMENT_BATTLES,
                    "check-1",
                    Contract.BATTLE.encode(battle("check-1", "reference", "plain-sum", now, VoteOutcome.A)));
            p.flush();
            Thread.sleep(500);
            for (int v = 0; v < 3; v++) {
                send(
                        p,
                        Contract.TOURNAMENT_VOTES,
                        "check-1",
                        Contract.VOTE.encode(vote("check-1", "voter-" + v, VoteOutcome.A, 25_000L, now)));
            }
            send(p, Contract.TOURNAMENT_VOTES, "battle-2", "not avro".getBytes(StandardCharsets.UTF_8));
            // hostile: length prefixes and item counts far beyond the bytes sent (issue 14)
            send(p, Contract.TOURNAMENT_VOTES, "battle-3", HostileRecords.voteDeclaring("battle-3", 3_000_000_000L));
            send(
                    p,
                    Contract.TOURNAMENT_BATTLES,
                    "battle-x",
                    HostileRecords.battleDeclaringVoters("battle-x", 2_500_000_000L));
            send(p, Contract.MODELS_REGISTRY, "champion/main", HostileRecords.registryEntryDeclaring(2_147_483_000L));
            p.flush();

            Standings last = awaitStandings(valid, Duration.ofSeconds(90));
            assertNotNull(last, "no standings with " + valid + " votes");
            assertEquals(valid, last.getVotes(), "every valid vote counted exactly once");
            assertEquals(4, last.getModels().size());
            Map<TournamentErrorCode, Integer> codes = errors(11, Duration.ofSeconds(30));
            assertEquals(Integer.valueOf(1), codes.get(TournamentErrorCode.DUPLICATE_VOTE), codes.toString());
            assertEquals(Integer.valueOf(1), codes.get(TournamentErrorCode.TOO_FAST), codes.toString());
            assertEquals(Integer.valueOf(1), codes.get(TournamentErrorCode.UNKNOWN_BATTLE), codes.toString());
            assertEquals(Integer.valueOf(4), codes.get(TournamentErrorCode.UNDECODABLE), codes.toString());
            assertEquals(Integer.valueOf(2), codes.get(TournamentErrorCode.INVALID_VOTER_TOKEN), codes.toString());
            assertEquals(Integer.valueOf(2), codes.get(TournamentErrorCode.INVALID_BATTLE), codes.toString());
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
            assertTournamentMetrics(job.getJobID(), valid, codes);
            for (int i = 1; i < last.getModels().size(); i++) {
                double ri = last.getModels().get(i).getRating();
                double prev = last.getModels().get(i - 1).getRating();
                assertEquals(true, prev >= ri, "standings best first");
            }
            assertEquals(
                    1000,
                    last.getModels().stream()
                            .mapToDouble(m -> m.getRating())
                            .average()
                            .orElse(0),
                    1e-6 * BradleyTerry.ELO_PER_UNIT,
                    "Elo scale centred at 1000");
        } finally {
            job.cancel().get();
        }
    }

    /** The tournament's metrics agree with what the job wrote: counted votes, refusals by reason, standings. */
    private static void assertTournamentMetrics(JobID job, long valid, Map<TournamentErrorCode, Integer> codes) {
        // the standings count rated votes; the fold also takes the attention checks (the screen's evidence)
        long counted = sum(METRICS.findMetrics(job, "votesCounted"));
        assertTrue(counted >= valid && counted <= valid + 10, "votesCounted " + counted + " for " + valid + " rated");
        assertEquals(counted, sum(METRICS.findMetrics(job, "votesAccepted")), "votesAccepted (none rate-limited)");
        long refusedByGate = 0;
        for (Map.Entry<String, Metric> m :
                METRICS.findMetrics(job, "votesRefused").entrySet()) {
            refusedByGate += ((Counter) m.getValue()).getCount();
        }
        long expected = codes.entrySet().stream()
                // the source refuses what does not decode or authenticate (on tournament.errors, not in this metric)
                .filter(e -> e.getKey() != TournamentErrorCode.UNDECODABLE
                        && e.getKey() != TournamentErrorCode.INVALID_VOTER_TOKEN
                        && e.getKey() != TournamentErrorCode.INVALID_BATTLE)
                .mapToLong(Map.Entry::getValue)
                .sum();
        assertEquals(expected, refusedByGate, "votesRefused over all reasons: " + codes);
        assertTrue(
                METRICS.findMetrics(job, "votesRefused").keySet().stream().anyMatch(k -> k.contains("DUPLICATE_VOTE")),
                "votesRefused is labelled by reason");
        long lastStandings = METRICS.findMetrics(job, "lastStandingsMillis").values().stream()
                .mapToLong(g -> ((Number) ((Gauge<?>) g).getValue()).longValue())
                .max()
                .orElse(0);
        assertTrue(lastStandings > 0, "lastStandingsMillis");
        long refreshes = METRICS.findMetrics(job, "standingsRefreshMillis").values().stream()
                .mapToLong(h -> ((Histogram) h).getCount())
                .sum();
        assertTrue(refreshes > 0, "standingsRefreshMillis");
        assertFalse(METRICS.findMetrics(job, "flaggedVoters").isEmpty(), "flaggedVoters");
    }

    private static long sum(Map<String, Metric> counters) {
        return counters.values().stream()
                .mapToLong(c -> ((Counter) c).getCount())
                .sum();
    }

    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** Throws once, at a standings record after a checkpoint has completed. */
    static final class FailOnce extends RichMapFunction<TournamentOutbound, TournamentOutbound>
            implements CheckpointListener {
        private static final long serialVersionUID = 1L;

        @Override
        public TournamentOutbound map(TournamentOutbound r) {
            if (r.getStandings() != null
                    && r.getStandings().getVotes() > 100
                    && CHECKPOINTED.get()
                    && FAILURES.compareAndSet(0, 1)) {
                throw new IllegalStateException(
                        "injected failure at standings of " + r.getStandings().getVotes() + " votes");
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    /**
     * The same votes through two jobs, one killed mid-stream (after a checkpoint) and restarted from it: both end
     * with identical standings — the counts, ratings and intervals, to the last bit.
     */
    @Test
    void aFailureMidStreamRestoresTheStandingsExactly() throws Exception {
        Standings plain = run("plain", null);
        CHECKPOINTED.set(false);
        FAILURES.set(0);
        Standings crashed = run("crash", new FailOnce());
        assertEquals(1, FAILURES.get(), "the failure was injected");
        assertEquals(480, plain.getVotes());
        assertEquals(plain.getVotes(), crashed.getVotes());
        assertEquals(plain.getModels(), crashed.getModels(), "identical ratings, intervals and ranks");
        assertEquals(plain.getFlaggedVoters(), crashed.getFlaggedVoters());
    }

    /** The same battles and votes (seeded) into a run's own topics: half, then after a checkpoint the other half. */
    private static void produce(String name, int half) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            SplittableRandom r = new SplittableRandom(9);
            long now = 1_700_000_000_000L;
            List<int[]> pairs = new ArrayList<>();
            for (int b = 0; b < 60; b++) {
                int x = r.nextInt(4);
                pairs.add(new int[] {x, (x + 1 + r.nextInt(3)) % 4});
            }
            if (half == 0) {
                for (int b = 0; b < 60; b++) {
                    send(
                            p,
                            "battles-" + name,
                            "battle-" + b,
                            Contract.BATTLE.encode(battle(
                                    "battle-" + b,
                                    "m" + pairs.get(b)[0],
                                    "m" + pairs.get(b)[1],
                                    System.currentTimeMillis(),
                                    null)));
                }
            }
            for (int b = 0; b < 60; b++) {
                for (int v = 0; v < 8; v++) {
                    boolean a = r.nextDouble() < 0.65;
                    if (b % 2 == half) {
                        send(
                                p,
                                "votes-" + name,
                                "battle-" + b,
                                Contract.VOTE.encode(vote(
                                        "battle-" + b,
                                        "voter-" + (b * 8 + v) % 40,
                                        a ? VoteOutcome.A : VoteOutcome.B,
                                        25_000L,
                                        now)));
                    }
                }
            }
            p.flush();
        }
    }

    /**
     * Keyed state in RocksDB with incremental checkpoints, as the job runs embedded and on a cluster, so that every
     * state value goes through its serializer and a restore reads it back.
     */
    static void onRocksDb(Configuration c) throws IOException {
        Path dir = Files.createTempDirectory("aimix-t-");
        WORK_DIRS.add(dir);
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        c.setString("state.backend.rocksdb.localdir", dir.resolve("rocksdb").toString());
        c.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dir.resolve("checkpoints").toUri().toString());
    }

    private Standings run(String name, FailOnce tap) throws Exception {
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(TournamentJobOptions.GROUP_ID, "tournament-" + name);
        kafka.createTopics(
                Map.of("battles-" + name, 2, "votes-" + name, 2, "standings-" + name, 1, "errors-" + name, 1),
                Map.of());
        c.set(TournamentJobOptions.TOPIC_BATTLES, "battles-" + name);
        c.set(TournamentJobOptions.TOPIC_VOTES, "votes-" + name);
        c.set(TournamentJobOptions.TOPIC_STANDINGS, "standings-" + name);
        c.set(TournamentJobOptions.TOPIC_ERRORS, "errors-" + name);
        c.set(TournamentJobOptions.REFRESH, Duration.ofMillis(100));
        c.set(TournamentJobOptions.SECRET_KEYS, KEYS.specs());
        c.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5));
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        onRocksDb(c);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        c.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        TournamentJob job = TournamentJob.onKafka(c);
        if (tap != null) {
            job.withOutputTap(tap);
        }
        JobClient client = job.executeAsync(env);
        try {
            produce(name, 0);
            long until = System.currentTimeMillis() + 30_000;
            Thread.sleep(500);
            while (tap != null && !CHECKPOINTED.get() && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            produce(name, 1); // for the crashing run, after a completed checkpoint: its standings trigger the failure
            String topic = "standings-" + name;
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
                long deadline = System.currentTimeMillis() + 90_000;
                Standings last = null;
                while (System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        last = Contract.STANDINGS.decode(r.value());
                    }
                    if (last != null && last.getVotes() >= 480) {
                        return last;
                    }
                }
                return last;
            }
        } finally {
            client.cancel().get();
        }
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return producer(kafka);
    }

    static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        return consumer(kafka, topic);
    }

    static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka broker, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(topic));
        return c;
    }

    static Standings awaitStandings(long votes, Duration timeout) throws Exception {
        return awaitStandings(kafka, votes, timeout);
    }

    /** The latest standings once they count {@code votes} votes (or the last seen when the time is up). */
    static Standings awaitStandings(EmbeddedKafka broker, long votes, Duration timeout) throws Exception {
        try (KafkaConsumer<byte[], byte[]> c = consumer(broker, Contract.TOURNAMENT_STANDINGS)) {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            Standings last = null;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    last = Contract.STANDINGS.decode(r.value());
                }
                if (last != null && last.getVotes() >= votes) {
                    return last;
                }
            }
            return last;
        }
    }

    static Map<TournamentErrorCode, Integer> errors(int expected, Duration timeout) throws Exception {
        Map<TournamentErrorCode, Integer> out = new EnumMap<>(TournamentErrorCode.class);
        try (KafkaConsumer<byte[], byte[]> c = consumer(Contract.TOURNAMENT_ERRORS)) {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            int n = 0;
            while (System.currentTimeMillis() < deadline && n < expected) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TournamentError e = Contract.TOURNAMENT_ERROR.decode(r.value());
                    out.merge(e.getCode(), 1, Integer::sum);
                    n++;
                }
            }
        }
        return out;
    }
}
