package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.kafka.CollectedMix;
import ai.aimix.clients.kafka.MixCollector;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.jobs.JobArguments;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.jobs.tournament.TournamentJob;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.launcher.cluster.FlinkRest;
import ai.aimix.launcher.cluster.StandaloneCluster;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.TopicLayout;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Standings;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ModelSelections;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mix job on a real Flink cluster of separate JVM processes (one JobManager, two TaskManagers, RocksDB,
 * checkpoints on disk), from the job jar that {@code mvn package} builds and the lib/ that {@code flink-cluster/}
 * assembles, submitted through the REST API. Two mixes and a battle; a TaskManager killed with SIGKILL mid-mix; the
 * job stopped with a savepoint and started again from it: every mix comes out whole, once, in order, with the audio of
 * an offline render.
 */
class ClusterIT {
    private static EmbeddedKafka kafka;
    private static Path store;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        store = JobTestSupport.modelStore();
        Path home = Files.createTempDirectory("aimix-cluster-");
        cluster = StandaloneCluster.start(
                Path.of(System.getProperty("aimix.flink-lib")),
                home,
                2,
                1, // one slot each: the job's two subtasks run one on each TaskManager, so killing either hits the job
                // a killed TaskManager is noticed within seconds, not Flink's default 50 s
                Map.of(
                        HeartbeatManagerOptions.HEARTBEAT_INTERVAL.key(), "1000",
                        HeartbeatManagerOptions.HEARTBEAT_TIMEOUT.key(), "6000"),
                // the cluster's logging: JSON lines on the console (log/NAME.out)
                Path.of("..", "flink-conf", "cluster", "log4j-console.properties"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (cluster != null) {
            EmbeddedKafka.deleteQuietly(cluster.home());
        }
        if (store != null) {
            EmbeddedKafka.deleteQuietly(store);
        }
    }

    private static List<String> programArguments(Configuration conf) {
        return JobArguments.of(conf.toMap());
    }

    @Test
    void mixesSurviveAKilledTaskManagerAndASavepointUpgradeOnceAndWhole() throws Exception {
        Configuration conf = JobTestSupport.jobConfig(kafka, store, "cluster");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        JobTestSupport.createTopics(kafka, conf);
        FlinkRest rest = cluster.rest();
        String jar = rest.uploadJar(Path.of(System.getProperty("aimix.job-jar")));
        String job = rest.run(jar, MixJob.class.getName(), programArguments(conf), 2, null);
        String running = job; // cancelled at the end whatever happens, so the next test finds free slots
        rest.awaitRunning(job, Duration.ofSeconds(120));
        ModelSelection opponent = ModelSelections.version(JobTestSupport.OPPONENT);
        try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
            // two mixes and a battle
            Map<String, List<StemInput>> songs = Map.of(
                    "cluster-a", JobTestSupport.stems(4, 6.0, 1100),
                    "cluster-b", JobTestSupport.stems(2, 3.0, 1200),
                    "cluster-duel", JobTestSupport.stems(3, 4.0, 1300));
            Map<String, CollectedMix> mixes = JobTestSupport.pushAndAwait(
                    producer, collector, songs, id -> id.endsWith("duel"), Duration.ofSeconds(180));
            for (Map.Entry<String, List<StemInput>> e : songs.entrySet()) {
                assertWholeAndAsRendered(conf, e.getKey(), e.getValue(), mixes.get(e.getKey()));
            }
            assertEquals(2, mixes.get("cluster-duel").result.getVariants().size());
            assertLogsAreJsonLinesWithTheMixId("cluster-a");

            // a TaskManager killed with SIGKILL mid-mix, after a checkpoint that holds part of the mix
            List<StemInput> song = JobTestSupport.stems(4, 12.0, 1400);
            MixRequest crash = StemProducer.request("cluster-crash", song, opponent);
            producer.send(crash);
            int chunkFrames = 2048;
            int longest = song.stream().mapToInt(s -> s.audio.frames()).max().orElseThrow();
            int sent = MixJobTest.sendChunks(producer, crash, song, 0, longest / 2, chunkFrames, 0);
            producer.flush();
            CountDownLatch progress = new CountDownLatch(1);
            AtomicReference<Map<String, CollectedMix>> crashed = new AtomicReference<>();
            AtomicReference<Throwable> watchFailure = new AtomicReference<>();
            // the collector is read by this thread alone until it ends
            Thread watcher = new Thread(() -> {
                try {
                    crashed.set(collector.await(
                            List.of("cluster-crash"), Duration.ofSeconds(240), new MixCollector.Listener() {
                                @Override
                                public void onProgress(MixProgress p) {
                                    progress.countDown();
                                }
                            }));
                } catch (Throwable e) {
                    watchFailure.set(e);
                    progress.countDown();
                }
            });
            long checkpointsBefore = rest.completedCheckpoints(job);
            watcher.start();
            assertTrue(progress.await(60, TimeUnit.SECONDS), "the mix is under way (progress committed)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (rest.completedCheckpoints(job) < checkpointsBefore + 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long killedAt = System.currentTimeMillis();
            cluster.kill(cluster.taskManagers().get(0));
            cluster.startTaskManager(); // a replacement, as a Kubernetes deployment would start one
            MixJobTest.sendChunks(producer, crash, song, sent * chunkFrames, Integer.MAX_VALUE, chunkFrames, sent);
            producer.flush();
            watcher.join(TimeUnit.SECONDS.toMillis(250));
            long resultAt = System.currentTimeMillis();
            assertNull(watchFailure.get(), () -> "the crashed mix: " + watchFailure.get());
            rest.awaitRunning(job, Duration.ofSeconds(120));
            // the recovery time, for docs/RELIABILITY.md (measured, not asserted: a benchmark's figure)
            System.out.printf(
                    "ClusterIT: TaskManager killed; the job RUNNING again %.1f s later, the interrupted mix's result"
                            + " %.1f s after the kill%n",
                    (rest.lastEntered(job, "RUNNING") - killedAt) / 1e3, (resultAt - killedAt) / 1e3);
            assertTrue(rest.hasRestarted(job), "the job restarted after the TaskManager died");
            List<String> failures = rest.exceptions(job);
            assertTrue(
                    failures.stream()
                            .map(e -> e.toLowerCase(Locale.ROOT))
                            .anyMatch(e -> e.contains("taskmanager") || e.contains("task manager")),
                    "the failure recovered from: " + failures);
            assertWholeAndAsRendered(conf, "cluster-crash", song, crashed.get().get("cluster-crash"));
            // the same song again on the recovered job: the undisturbed reference
            producer.push(
                    StemProducer.request("cluster-calm", song, opponent),
                    song,
                    chunkFrames,
                    SampleEncoding.PCM_F32LE,
                    null);
            Map<String, CollectedMix> calm =
                    collector.await(List.of("cluster-calm"), Duration.ofSeconds(240), new MixCollector.Listener() {});
            assertArrayEquals(
                    calm.get("cluster-calm").audio(Variant.MAIN),
                    crashed.get().get("cluster-crash").audio(Variant.MAIN),
                    "the mix interrupted by the crash equals the undisturbed one");

            // an upgrade: stop with a savepoint, a mix arrives meanwhile, the job starts again from the savepoint
            String savepoint =
                    rest.stopWithSavepoint(job, cluster.home().resolve("savepoints"), Duration.ofSeconds(120));
            List<StemInput> later = JobTestSupport.stems(3, 5.0, 1500);
            producer.push(
                    StemProducer.request("cluster-upgrade", later, opponent),
                    later,
                    3000,
                    SampleEncoding.PCM_F32LE,
                    null);
            producer.flush();
            String upgraded = rest.run(jar, MixJob.class.getName(), programArguments(conf), 2, savepoint);
            running = upgraded;
            rest.awaitRunning(upgraded, Duration.ofSeconds(120));
            Map<String, CollectedMix> after = collector.await(
                    List.of("cluster-upgrade"), Duration.ofSeconds(180), new MixCollector.Listener() {});
            assertWholeAndAsRendered(conf, "cluster-upgrade", later, after.get("cluster-upgrade"));
            // nothing of the earlier mixes is written again
            assertEquals(0, collector.drain(Duration.ofSeconds(3)));
        } finally {
            String state = rest.state(running);
            if (!state.equals("CANCELED") && !state.equals("FINISHED")) {
                rest.cancel(running);
            }
        }
    }

    @Test
    void theTournamentJobFoldsVotesOnTheCluster() throws Exception {
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(TournamentJobOptions.GROUP_ID, "cluster-tournament");
        kafka.createTopics(TopicLayout.tournament(c, 2), Map.of());
        kafka.createTopics(TopicLayout.registry(c), TopicLayout.registryConfigs());
        c.set(TournamentJobOptions.REFRESH, Duration.ofMillis(100));
        c.set(TournamentJobOptions.SECRET_KEYS, TournamentJobTest.KEYS.specs());
        c.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5));
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        FlinkRest rest = cluster.rest();
        String jar = rest.uploadJar(Path.of(System.getProperty("aimix.job-jar")));
        String job = rest.run(jar, TournamentJob.class.getName(), programArguments(c), 2, null);
        rest.awaitRunning(job, Duration.ofSeconds(120));
        try (KafkaProducer<byte[], byte[]> p = TournamentJobTest.producer(kafka)) {
            long now = System.currentTimeMillis();
            SplittableRandom r = new SplittableRandom(16);
            for (int b = 0; b < 40; b++) {
                int x = r.nextInt(4);
                String a = "m" + x;
                String other = "m" + (x + 1 + r.nextInt(3)) % 4;
                TournamentJobTest.send(
                        p,
                        Contract.TOURNAMENT_BATTLES,
                        "battle-" + b,
                        Contract.BATTLE.encode(TournamentJobTest.battle("battle-" + b, a, other, now, null)));
                for (int v = 0; v < 6; v++) {
                    VoteOutcome outcome = r.nextDouble() < 0.6 ? VoteOutcome.A : VoteOutcome.B;
                    TournamentJobTest.send(
                            p,
                            Contract.TOURNAMENT_VOTES,
                            "battle-" + b,
                            Contract.VOTE.encode(TournamentJobTest.vote(
                                    "battle-" + b, "voter-" + (b * 6 + v) % 30, outcome, 25_000L, now)));
                }
            }
            p.flush();
        }
        try {
            Standings last = TournamentJobTest.awaitStandings(kafka, 240, Duration.ofSeconds(120));
            assertTrue(last != null, "no standings");
            assertEquals(240, last.getVotes(), "every vote counted once");
            assertEquals(4, last.getModels().size());
        } finally {
            rest.cancel(job);
        }
    }

    /** Every line the TaskManagers logged is a JSON object; the mix's own lines carry its id. */
    private static void assertLogsAreJsonLinesWithTheMixId(String mixId) throws Exception {
        ObjectMapper json = new ObjectMapper();
        int lines = 0;
        List<JsonNode> aboutTheMix = new ArrayList<>();
        try (var files = Files.list(cluster.home().resolve("log"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("taskmanager-")
                            && p.toString().endsWith(".out"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = json.readTree(line); // throws on a line that is not JSON
                    assertTrue(n.isObject() && n.has("@timestamp") && n.has("log.level") && n.has("message"), line);
                    lines++;
                    if (mixId.equals(n.path("mixId").asText())) {
                        aboutTheMix.add(n);
                    }
                }
            }
        }
        assertTrue(lines > 50, lines + " JSON lines");
        assertTrue(
                aboutTheMix.stream()
                        .anyMatch(n -> n.path("message").asText().startsWith("Mix " + mixId + " completed")),
                "the mix's completion, with its id: " + aboutTheMix);
    }

    private static void assertWholeAndAsRendered(Configuration conf, String id, List<StemInput> stems, CollectedMix m) {
        assertEquals(MixStatus.COMPLETED, m.result.getStatus(), id + " " + m.result.getErrorMessage());
        assertTrue(m.errors.isEmpty(), id + " errors " + m.errors);
        assertEquals(m.result.getSegments(), m.progress.size(), id + ": one progress record per segment");
        for (VariantResult v : m.result.getVariants()) {
            assertEquals(List.of(), m.streamProblems(v.getVariant()), id + " " + v.getVariant());
            MixJobTest.assertSameAudio(
                    MixJobTest.offline(conf, stems, m.result, v), m.audio(v.getVariant()), id + "/" + v.getVariant());
        }
    }
}
