package ai.aimix.launcher.tournament;

import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.tournament.TournamentJob;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.TopicLayout;
import ai.aimix.schema.Battle;
import ai.aimix.schema.Standings;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.auth.BattleSeals;
import ai.aimix.schema.auth.TournamentKeys;
import ai.aimix.schema.auth.VoterTokens;
import ai.aimix.schema.codec.Contract;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./aimix bench --tournament}: the tournament job on the in-process broker and a local Flink cluster with the
 * embedded configuration it is given (flink-conf/embedded: RocksDB state, incremental checkpoints), exactly once;
 * {@code votes} votes on {@code battles} battles among 8 models by 2,000 voters are produced as fast as possible
 * (already in Kafka when the job starts reading), and the time until standings count them all is measured, from
 * submitting the job and from its first standings. One JSON line.
 */
public final class TournamentBench {
    private final Configuration base;
    private final int votes;
    private final int battles;
    /** The authenticator's keys: battles are sealed and votes signed as the gateway does, and the job verifies them. */
    private final TournamentKeys keys = TournamentKeys.generate("bench");

    /** @param base the Flink configuration the job runs with (state backend, memory); the bench sets the rest */
    public TournamentBench(Configuration base, int votes, int battles) {
        this.base = base;
        this.votes = votes;
        this.battles = battles;
    }

    public ObjectNode run() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            createTopics(kafka);
            Properties pp = producerProperties(kafka);
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            pp.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1 << 18));
            long now = System.currentTimeMillis();
            SplittableRandom r = new SplittableRandom(1);
            long t0 = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp)) {
                for (int b = 0; b < battles; b++) {
                    int x = r.nextInt(8);
                    int y = (x + 1 + r.nextInt(7)) % 8;
                    p.send(new ProducerRecord<>(
                            Contract.TOURNAMENT_BATTLES,
                            key("b" + b),
                            Contract.BATTLE.encode(BattleSeals.sealed(
                                    keys,
                                    new Battle(
                                            "b" + b,
                                            "main",
                                            "s" + b,
                                            "mix-b" + b,
                                            "m" + x,
                                            "m" + y,
                                            20_000L,
                                            now,
                                            null,
                                            List.of(),
                                            null,
                                            null),
                                    null))));
                }
                for (int i = 0; i < votes; i++) {
                    int b = i % battles;
                    String voter = "voter-" + (i / battles) % 2000 + "-" + (i % 7);
                    p.send(new ProducerRecord<>(
                            Contract.TOURNAMENT_VOTES,
                            key("b" + b),
                            Contract.VOTE.encode(VoterTokens.signed(
                                    keys,
                                    new Vote(
                                            "b" + b,
                                            voter,
                                            r.nextDouble() < 0.6 ? VoteOutcome.A : VoteOutcome.B,
                                            25_000L,
                                            now,
                                            null)))));
                }
                p.flush();
            }
            double produceS = (System.nanoTime() - t0) / 1e9;
            Path work = Files.createTempDirectory("aimix-tb-");
            Configuration c = jobConfig(kafka, work, 500, 500);
            c.set(TournamentJobOptions.RATE_BURST, 1_000_000);
            c.set(PipelineOptions.OBJECT_REUSE, true);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, c);
            long t1 = System.nanoTime();
            JobClient job = TournamentJob.onKafka(c).executeAsync(env);
            Standings last = null;
            // the first standings seen: the job is up and folding; from there on the rate is the steady one
            long firstVotes = -1;
            long firstAt = 0;
            long end = 0; // when the standings that count every vote were seen (not counting the job's cancellation)
            try (KafkaConsumer<byte[], byte[]> consumer = standingsConsumer(kafka)) {
                long deadline = System.currentTimeMillis() + 600_000;
                while (System.currentTimeMillis() < deadline && (last == null || last.getVotes() < votes)) {
                    for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(20))) {
                        last = Contract.STANDINGS.decode(rec.value());
                        end = System.nanoTime();
                        if (firstVotes < 0) {
                            firstVotes = last.getVotes();
                            firstAt = end;
                        }
                    }
                }
            } finally {
                job.cancel().get();
                EmbeddedKafka.deleteQuietly(work);
            }
            if (end == 0) {
                end = System.nanoTime(); // no standings within the deadline
            }
            double seconds = (end - t1) / 1e9;
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.put("mode", "tournament");
            n.put("votes", votes);
            n.put("battles", battles);
            n.put("counted", last == null ? 0 : last.getVotes());
            n.put("produce_s", Math.round(produceS * 1000) / 1000.0);
            n.put("job_s_including_startup", Math.round(seconds * 1000) / 1000.0);
            n.put("votes_per_s", Math.round(votes / seconds));
            double steadyS = (end - firstAt) / 1e9;
            n.put("first_standings_votes", firstVotes);
            n.put(
                    "votes_per_s_after_first_standings",
                    firstVotes < 0 || last.getVotes() == firstVotes
                            ? 0
                            : Math.round((last.getVotes() - firstVotes) / steadyS));
            n.put("cores", Runtime.getRuntime().availableProcessors());
            n.put("state_backend", c.get(StateBackendOptions.STATE_BACKEND));
            n.put("date", Instant.now().toString());
            return n;
        }
    }

    /**
     * Refresh latency: the job runs first; votes arrive at {@code perSecond} for {@code seconds}; for every standings
     * record seen by a read_committed consumer, the delay from the moment the last vote it counts was sent.
     */
    public ObjectNode latency(int perSecond, int seconds, long refreshMillis, long checkpointMillis) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            createTopics(kafka);
            Path work = Files.createTempDirectory("aimix-tb-");
            Configuration c = jobConfig(kafka, work, refreshMillis, checkpointMillis);
            JobClient job =
                    TournamentJob.onKafka(c).executeAsync(StreamExecutionEnvironment.createLocalEnvironment(2, c));
            int total = perSecond * seconds;
            long[] sentAt = new long[total + 1];
            List<Long> delays = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProperties(kafka));
                    KafkaConsumer<byte[], byte[]> consumer = standingsConsumer(kafka)) {
                long now = System.currentTimeMillis();
                for (int b = 0; b < battles; b++) {
                    p.send(new ProducerRecord<>(
                            Contract.TOURNAMENT_BATTLES,
                            key("b" + b),
                            Contract.BATTLE.encode(BattleSeals.sealed(
                                    keys,
                                    new Battle(
                                            "b" + b,
                                            "main",
                                            "s" + b,
                                            "mix-b" + b,
                                            "m" + (b % 8),
                                            "m" + ((b + 1) % 8),
                                            20_000L,
                                            now,
                                            null,
                                            List.of(),
                                            null,
                                            null),
                                    null))));
                }
                p.flush();
                Thread.sleep(3000); // the job is up and has seen the battles
                SplittableRandom r = new SplittableRandom(2);
                long start = System.nanoTime();
                int sent = 0;
                long counted = 0;
                while (counted < total && System.nanoTime() - start < (seconds + 30) * 1_000_000_000L) {
                    long due = Math.min(total, (System.nanoTime() - start) * perSecond / 1_000_000_000L);
                    while (sent < due) {
                        int b = sent % battles;
                        p.send(new ProducerRecord<>(
                                Contract.TOURNAMENT_VOTES,
                                key("b" + b),
                                Contract.VOTE.encode(VoterTokens.signed(
                                        keys,
                                        new Vote(
                                                "b" + b,
                                                "v" + sent,
                                                r.nextBoolean() ? VoteOutcome.A : VoteOutcome.B,
                                                25_000L,
                                                now,
                                                null)))));
                        sent++;
                        sentAt[sent] = System.nanoTime();
                    }
                    p.flush();
                    for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(5))) {
                        Standings s = Contract.STANDINGS.decode(rec.value());
                        counted = s.getVotes();
                        if (counted > 0 && counted <= total) {
                            delays.add((System.nanoTime() - sentAt[(int) counted]) / 1_000_000);
                        }
                    }
                }
            } finally {
                job.cancel().get();
                EmbeddedKafka.deleteQuietly(work);
            }
            Collections.sort(delays);
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.put("mode", "tournament-latency");
            n.put("votes_per_s", perSecond);
            n.put("seconds", seconds);
            n.put("refresh_ms", refreshMillis);
            n.put("checkpoint_ms", checkpointMillis);
            n.put("standings_seen", delays.size());
            n.put("latency_ms_median", delays.isEmpty() ? -1 : delays.get(delays.size() / 2));
            n.put("latency_ms_p95", delays.isEmpty() ? -1 : delays.get((int) (delays.size() * 0.95)));
            n.put("latency_ms_max", delays.isEmpty() ? -1 : delays.get(delays.size() - 1));
            n.put("state_backend", c.get(StateBackendOptions.STATE_BACKEND));
            n.put("date", Instant.now().toString());
            return n;
        }
    }

    private static void createTopics(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(TopicLayout.tournament(new Configuration(), 2), Map.of());
        kafka.createTopics(TopicLayout.registry(new Configuration()), TopicLayout.registryConfigs());
    }

    private static Properties producerProperties(EmbeddedKafka kafka) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return pp;
    }

    /** A read_committed consumer of the standings, from the beginning. */
    private static KafkaConsumer<byte[], byte[]> standingsConsumer(EmbeddedKafka kafka) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-standings");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp);
        c.subscribe(List.of(Contract.TOURNAMENT_STANDINGS));
        return c;
    }

    /**
     * The job's configuration: the base one, exactly once, checkpoints every {@code checkpointMillis} and RocksDB's
     * files under {@code work} (removed after the run), REST on any free port.
     */
    private Configuration jobConfig(EmbeddedKafka kafka, Path work, long refreshMillis, long checkpointMillis) {
        Configuration c = new Configuration(base);
        c.set(RestOptions.BIND_PORT, "0");
        c.setString("state.backend.rocksdb.localdir", work.resolve("rocksdb").toString());
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5));
        c.set(TournamentJobOptions.REFRESH, Duration.ofMillis(refreshMillis));
        c.set(TournamentJobOptions.SECRET_KEYS, keys.specs());
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMillis));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
