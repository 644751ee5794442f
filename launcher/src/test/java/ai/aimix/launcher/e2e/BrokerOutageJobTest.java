package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.kafka.CollectedMix;
import ai.aimix.clients.kafka.MixCollector;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.ModelSelections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker stopped mid-load and started again (same port, same data): the mix job restarts from its last
 * checkpoint until the broker is back, a producer that sends during the outage has its records retried, and every
 * mix completes exactly once with its whole audio stream.
 */
class BrokerOutageJobTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobTestSupport.miniCluster();

    /** How long the broker is down: longer than several checkpoint intervals and restart delays. */
    static final Duration OUTAGE = Duration.ofSeconds(15);

    @Test
    void aBrokerOutageMidLoadLosesNothingAndDuplicatesNothing() throws Exception {
        Path dir = Files.createTempDirectory("aimix-kafka-outage-");
        AtomicReference<EmbeddedKafka> kafka = new AtomicReference<>(EmbeddedKafka.start(dir, true, 0));
        try {
            Configuration conf = JobTestSupport.jobConfig(kafka.get(), JobTestSupport.modelStore(), "outage");
            // the job restarts (from its last checkpoint) as often as it takes the broker to return
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
            JobTestSupport.createTopics(kafka.get(), conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            JobClient job = MixJob.onKafka(conf).executeAsync(env);
            Map<String, List<StemInput>> songs = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                songs.put("before-" + i, JobTestSupport.stems(4, 20.0, 800 + 10 * i));
            }
            List<StemInput> during = JobTestSupport.stems(3, 10.0, 900);
            try (MixCollector collector =
                            new MixCollector(kafka.get().bootstrapServers(), JobTestSupport.topics(), false);
                    StemProducer producer = new StemProducer(kafka.get().bootstrapServers(), JobTestSupport.topics());
                    StemProducer late = new StemProducer(kafka.get().bootstrapServers(), JobTestSupport.topics())) {
                for (Map.Entry<String, List<StemInput>> e : songs.entrySet()) {
                    producer.push(
                            StemProducer.request(e.getKey(), e.getValue(), ModelSelections.champion()),
                            e.getValue(),
                            3000,
                            SampleEncoding.PCM_F32LE,
                            null);
                }
                AtomicBoolean started = new AtomicBoolean();
                CompletableFuture<Void> outage = new CompletableFuture<>();
                CompletableFuture<Void> sentDuring = new CompletableFuture<>();
                List<String> all = new ArrayList<>(songs.keySet());
                all.add("during");
                Map<String, CollectedMix> mixes =
                        collector.await(all, Duration.ofMinutes(4), new MixCollector.Listener() {
                            @Override
                            public void onProgress(MixProgress p) {
                                if (!started.compareAndSet(false, true)) {
                                    return;
                                }
                                // the first progress: the mixes are in the job; the broker goes down now
                                CompletableFuture.runAsync(() -> {
                                    try {
                                        CompletableFuture.runAsync(() -> {
                                            try {
                                                Thread.sleep(2_000); // a producer sending while the broker is away
                                                late.push(
                                                        StemProducer.request(
                                                                "during", during, ModelSelections.champion()),
                                                        during,
                                                        3000,
                                                        SampleEncoding.PCM_F32LE,
                                                        null);
                                                sentDuring.complete(null);
                                            } catch (Exception e) {
                                                sentDuring.completeExceptionally(e);
                                            }
                                        });
                                        kafka.set(kafka.get().restart(OUTAGE));
                                        outage.complete(null);
                                    } catch (Exception e) {
                                        outage.completeExceptionally(e);
                                    }
                                });
                            }
                        });
                outage.get();
                sentDuring.get();
                assertTrue(started.get(), "the outage happened mid-load");
                for (String id : all) {
                    CollectedMix m = mixes.get(id);
                    MixResult r = m.result;
                    assertEquals(MixStatus.COMPLETED, r.getStatus(), id + " " + r.getErrorMessage());
                    assertTrue(m.errors.isEmpty(), id + " " + m.errors);
                    for (VariantResult v : r.getVariants()) {
                        assertEquals(List.of(), m.streamProblems(v.getVariant()), id);
                        assertEquals(2L * r.getFrames(), m.audio(v.getVariant()).length, id + " whole audio");
                    }
                }
                // exactly once: nothing more comes for these mixes (no result or chunk twice)
                assertEquals(0, collector.drain(Duration.ofSeconds(3)));
            } finally {
                job.cancel().get();
            }
        } finally {
            kafka.get().close();
        }
    }
}
