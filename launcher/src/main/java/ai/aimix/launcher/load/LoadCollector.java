package ai.aimix.launcher.load;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows mix.output and mix.results (read_committed, as a client sees them) for every mix at once, noting when
 * each mix's first mixed audio and its result arrived. Output chunks are not decoded: their key is the mix id.
 */
final class LoadCollector implements AutoCloseable {
    /** When a mix's first output and its result were seen (nanoTime), and how it ended. */
    static final class Seen {
        volatile long firstAudioNanos;
        volatile long resultNanos;
        /** When the job wrote the result (its record's timestamp, set by the job's producer; epoch millis). */
        volatile long resultWrittenMillis;

        volatile MixStatus status;
        volatile String error;
        /** Results seen for the mix beyond the first (exactly once: always 0). */
        volatile int duplicateResults;
    }

    /** Records seen on mix.errors (refused requests and chunks, failed mixes). */
    private final AtomicLong errorRecords = new AtomicLong();

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final Thread thread;
    private volatile boolean running = true;
    /** Until when (nanoTime) the reader is stopped: a slow consumer, not polling at all. */
    private volatile long stoppedUntil;

    LoadCollector(KafkaConnection kafka, Topics topics) {
        this.topics = topics;
        Properties p = kafka.properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "aimix-load-" + System.nanoTime());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.output, topics.results, topics.errors));
        // join the group and take the end offsets before the first mix is sent
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        thread = new Thread(this::loop, "aimix-load-collector");
        thread.setDaemon(true);
        thread.start();
    }

    long errorRecords() {
        return errorRecords.get();
    }

    /**
     * Stops reading for {@code length} (a slow consumer: no poll at all, shorter than the consumer's poll interval
     * so it keeps its partitions), then reads on from where it was.
     */
    void stopReading(Duration length) {
        stoppedUntil = System.nanoTime() + length.toNanos();
    }

    Seen expect(String mixId) {
        return seen.computeIfAbsent(mixId, k -> new Seen());
    }

    private void loop() {
        while (running) {
            long stopped = stoppedUntil - System.nanoTime();
            if (stopped > 0) {
                try {
                    Thread.sleep(Math.min(stopped / 1_000_000 + 1, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.topic().equals(topics.errors)) {
                    errorRecords.incrementAndGet();
                    continue;
                }
                if (r.key() == null) {
                    continue;
                }
                long now = System.nanoTime();
                Seen s = seen.get(new String(r.key(), StandardCharsets.UTF_8));
                if (s == null) {
                    continue;
                }
                if (r.topic().equals(topics.output)) {
                    if (s.firstAudioNanos == 0) {
                        s.firstAudioNanos = now;
                    }
                } else if (s.resultNanos != 0) {
                    s.duplicateResults++;
                } else {
                    try {
                        MixResult result = Contract.RESULT.decode(r.value());
                        s.status = result.getStatus();
                        s.error = result.getErrorCode() == null
                                ? null
                                : result.getErrorCode() + ": " + result.getErrorMessage();
                    } catch (DecodeException e) {
                        s.error = "undecodable result: " + e.getMessage();
                    }
                    s.resultWrittenMillis = r.timestamp();
                    s.resultNanos = now;
                }
            }
        }
        consumer.close();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
