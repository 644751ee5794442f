package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.cache.CacheSettings;
import ai.aimix.cache.CacheStats;
import ai.aimix.cache.Caches;
import ai.aimix.cache.FeatureCache;
import ai.aimix.cache.testing.RedisServer;
import ai.aimix.clients.kafka.CollectedMix;
import ai.aimix.clients.kafka.MixCollector;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.jobs.cache.CacheOptions;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemResult;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.ModelSelections;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature cache in the mix job, on the MiniCluster with an in-process broker: mixes come out bit-identical
 * without the cache, with the in-process cache and with a real redis-server, cold and warm (a warm mix finds every
 * spectrogram and every parameter set); Redis killed mid-mix leaves the mixes uncached, not failed.
 */
class FeatureCacheJobTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobTestSupport.miniCluster();

    @TempDir
    Path dir;

    private final List<StemInput> song = JobTestSupport.stems(4, 6.0, 500);
    private final List<StemInput> duel = JobTestSupport.stems(3, 4.0, 600);

    /** A job on a fresh broker with these cache options; runs the body, then cancels it. */
    private interface Body {
        void run(StemProducer producer, MixCollector collector) throws Exception;
    }

    private void withJob(Map<String, String> cacheOptions, Body body) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Configuration conf = JobTestSupport.jobConfig(kafka, JobTestSupport.modelStore(), "cache");
            cacheOptions.forEach(conf::setString);
            JobTestSupport.createTopics(kafka, conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            JobClient job = MixJob.onKafka(conf).executeAsync(env);
            try (MixCollector collector = new MixCollector(kafka.bootstrapServers(), JobTestSupport.topics(), false);
                    StemProducer producer = new StemProducer(kafka.bootstrapServers(), JobTestSupport.topics())) {
                body.run(producer, collector);
            } finally {
                job.cancel().get();
            }
        }
    }

    private Map<String, CollectedMix> mix(StemProducer producer, MixCollector collector, String prefix)
            throws Exception {
        Map<String, List<StemInput>> songs = new LinkedHashMap<>();
        songs.put(prefix + "-song", song);
        songs.put(prefix + "-duel", duel);
        Map<String, CollectedMix> out = JobTestSupport.pushAndAwait(
                producer, collector, songs, id -> id.endsWith("duel"), Duration.ofSeconds(120));
        for (Map.Entry<String, CollectedMix> e : out.entrySet()) {
            assertEquals(MixStatus.COMPLETED, e.getValue().result.getStatus(), e.getKey());
            assertTrue(e.getValue().errors.isEmpty(), e.getKey() + " " + e.getValue().errors);
        }
        return out;
    }

    /** Segments x (stems + variants): the keys a warm mix of the song and the duel looks up, all found. */
    private int keysOfBoth(Map<String, CollectedMix> mixes, String prefix) {
        MixResult s = mixes.get(prefix + "-song").result;
        MixResult d = mixes.get(prefix + "-duel").result;
        return s.getSegments() * (song.size() + 1) + d.getSegments() * (duel.size() + 2);
    }

    private static void assertSameMix(CollectedMix expected, CollectedMix actual, String what) {
        MixResult e = expected.result;
        MixResult a = actual.result;
        assertEquals(e.getVariants().size(), a.getVariants().size(), what);
        for (int v = 0; v < e.getVariants().size(); v++) {
            VariantResult ev = e.getVariants().get(v);
            VariantResult av = a.getVariants().get(v);
            assertEquals(ev.getModelVersion(), av.getModelVersion(), what);
            for (int stem = 0; stem < ev.getStems().size(); stem++) {
                StemResult es = ev.getStems().get(stem);
                StemResult as = av.getStems().get(stem);
                assertEquals(es.getAutomation(), as.getAutomation(), what + " automation of stem " + stem);
            }
            assertArrayEquals(
                    expected.audio(ev.getVariant()),
                    actual.audio(av.getVariant()),
                    what + " audio of " + ev.getVariant() + " bit for bit");
        }
    }

    @Test
    void mixesAreBitIdenticalWithoutTheCacheWithItInProcessAndInRedisColdAndWarm() throws Exception {
        Map<String, CollectedMix> reference = new LinkedHashMap<>();
        withJob(Map.of(CacheOptions.ENABLED.key(), "false"), (p, c) -> reference.putAll(mix(p, c, "off")));

        String prefix = "test-" + UUID.randomUUID() + ":";
        CacheSettings memory = CacheSettings.defaults().withPrefix(prefix);
        FeatureCache inProcess = Caches.acquire(memory); // the job's own (one per JVM and settings): its counters
        try {
            withJob(Map.of(CacheOptions.KEY_PREFIX.key(), prefix), (p, c) -> {
                Map<String, CollectedMix> cold = mix(p, c, "cold");
                CacheStats before = inProcess.stats();
                Map<String, CollectedMix> warm = mix(p, c, "warm");
                CacheStats after = inProcess.stats();
                assertEquals(keysOfBoth(warm, "warm"), after.hits() - before.hits(), "every key found warm");
                assertEquals(0, after.misses() - before.misses());
                for (String which : List.of("song", "duel")) {
                    assertSameMix(reference.get("off-" + which), cold.get("cold-" + which), "in-process cold " + which);
                    assertSameMix(reference.get("off-" + which), warm.get("warm-" + which), "in-process warm " + which);
                }
            });
        } finally {
            Caches.release(memory);
        }

        try (RedisServer redis = new RedisServer(dir.resolve("redis"), 256L << 20)) {
            CacheSettings inRedis = CacheSettings.defaults().withRedis(redis.uri());
            FeatureCache shared = Caches.acquire(inRedis);
            try {
                withJob(Map.of(CacheOptions.REDIS.key(), redis.uri()), (p, c) -> {
                    Map<String, CollectedMix> cold = mix(p, c, "cold");
                    CacheStats before = shared.stats();
                    Map<String, CollectedMix> warm = mix(p, c, "warm");
                    CacheStats after = shared.stats();
                    assertEquals(keysOfBoth(warm, "warm"), after.hits() - before.hits(), "every key found warm");
                    for (String which : List.of("song", "duel")) {
                        assertSameMix(reference.get("off-" + which), cold.get("cold-" + which), "Redis cold " + which);
                        assertSameMix(reference.get("off-" + which), warm.get("warm-" + which), "Redis warm " + which);
                    }
                });
                long keys = Long.parseLong(redis.command("DBSIZE").substring(1));
                assertTrue(keys >= keysOfBoth(reference, "off"), keys + " keys in Redis");
            } finally {
                Caches.release(inRedis);
            }
        }
    }

    @Test
    void redisKilledMidMixLeavesMixesUncachedNotFailed() throws Exception {
        List<StemInput> longSong = JobTestSupport.stems(6, 30.0, 700);
        Path where = dir.resolve("redis-killed");
        RedisServer redis = new RedisServer(where, 256L << 20);
        try {
            String uri = redis.uri();
            RedisServer[] current = {redis};
            withJob(Map.of(CacheOptions.REDIS.key(), uri, CacheOptions.TIMEOUT.key(), "100 ms"), (p, c) -> {
                p.push(
                        StemProducer.request("k1", longSong, ModelSelections.champion()),
                        longSong,
                        3000,
                        SampleEncoding.PCM_F32LE,
                        null);
                AtomicBoolean killed = new AtomicBoolean();
                CollectedMix k1 = c.await(List.of("k1"), Duration.ofSeconds(120), new MixCollector.Listener() {
                            @Override
                            public void onProgress(MixProgress progress) {
                                if (killed.compareAndSet(false, true)) {
                                    try {
                                        current[0].kill();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            }
                        })
                        .get("k1");
                assertTrue(killed.get());
                assertEquals(MixStatus.COMPLETED, k1.result.getStatus(), k1.result.getErrorMessage());
                assertTrue(k1.errors.isEmpty(), k1.errors.toString());

                // with Redis still down, the same song again: computed, the same bits
                Map<String, CollectedMix> k2 =
                        JobTestSupport.pushAndAwait(p, c, Map.of("k2", longSong), id -> false, Duration.ofSeconds(120));
                assertEquals(MixStatus.COMPLETED, k2.get("k2").result.getStatus());
                assertSameMix(k1, k2.get("k2"), "uncached after the kill");

                // Redis back on its port: the job's client reconnects and mixes go on
                current[0] = new RedisServer(where, 256L << 20, current[0].port());
                Map<String, CollectedMix> k3 =
                        JobTestSupport.pushAndAwait(p, c, Map.of("k3", longSong), id -> false, Duration.ofSeconds(120));
                assertSameMix(k1, k3.get("k3"), "after Redis came back");
            });
            redis = current[0];
        } finally {
            redis.close();
        }
    }
}
