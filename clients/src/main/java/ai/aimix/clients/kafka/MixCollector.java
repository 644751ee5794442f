package ai.aimix.clients.kafka;

import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's output topics (read_committed, so only what the job committed) for a set of mixes. Created
 * before the mixes are pushed, it starts at the topics' current ends and misses nothing of them.
 */
public final class MixCollector implements AutoCloseable {
    /** Most bytes one fetch brings, per partition and in all. */
    static final int FETCH_BYTES = 8 << 20;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private boolean keepAudio = true;

    /** What a caller wants to hear about while it waits. */
    public interface Listener {
        default void onProgress(MixProgress p) {}

        default void onError(MixError e) {}

        default void onChunk(MixOutputChunk c) {}

        /** Why waiting is pointless (e.g. sending the mix failed), or null to go on waiting. */
        default Throwable failure() {
            return null;
        }
    }

    public MixCollector(String bootstrapServers, Topics topics, boolean fromBeginning) {
        this(KafkaConnection.plain(bootstrapServers), topics, fromBeginning);
    }

    public MixCollector(KafkaConnection kafka, Topics topics, boolean fromBeginning) {
        String bootstrapServers = kafka.bootstrap();
        Properties p = kafka.properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        // one poll holds at most this much (Kafka's default is 50 MB): a client collects in bounded memory
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "aimix-mix-collector");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : List.of(topics.output, topics.progress, topics.results, topics.errors)) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + t + " does not exist on " + bootstrapServers);
            }
            for (PartitionInfo pi : infos) {
                partitions.add(new TopicPartition(t, pi.partition()));
            }
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        for (TopicPartition tp : partitions) {
            consumer.position(tp); // resolve the positions now, before anything is pushed
        }
    }

    /**
     * Whether output chunks are kept in the {@link CollectedMix} (default) or only checked and handed to the listener
     * (for long mixes written to a file as they arrive).
     */
    public MixCollector keepAudio(boolean keep) {
        this.keepAudio = keep;
        return this;
    }

    /**
     * Waits until every mix has its result. Dead letters without a mix id are passed to the listener only.
     *
     * @throws TimeoutException when the results do not all come in time
     */
    public Map<String, CollectedMix> await(Collection<String> mixIds, Duration timeout, Listener listener)
            throws TimeoutException {
        return await(mixIds, timeout, listener, CollectedMix::done);
    }

    /** Waits until {@code done} holds for every mix (e.g. a record that never becomes a mix: its error arrived). */
    public Map<String, CollectedMix> await(
            Collection<String> mixIds, Duration timeout, Listener listener, Predicate<CollectedMix> done)
            throws TimeoutException {
        Map<String, CollectedMix> mixes = new HashMap<>();
        for (String id : mixIds) {
            mixes.put(id, new CollectedMix(id));
        }
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (!mixes.values().stream().allMatch(done)) {
            Throwable failed = listener.failure();
            if (failed != null) {
                throw new IllegalStateException(failed.getMessage(), failed);
            }
            if (System.currentTimeMillis() > deadline) {
                List<String> missing = new ArrayList<>();
                mixes.values().stream().filter(m -> !m.done()).forEach(m -> missing.add(m.mixId));
                throw new TimeoutException("no result within " + timeout.toSeconds() + " s for " + missing);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                CollectedMix mix = key == null ? null : mixes.get(key);
                try {
                    if (r.topic().equals(topics.errors)) {
                        MixError e = Contract.ERROR.decode(r.value());
                        if (mix != null) {
                            mix.errors.add(e);
                        }
                        if (mix != null || key == null) {
                            listener.onError(e);
                        }
                        continue;
                    }
                    if (mix == null) {
                        continue;
                    }
                    if (r.topic().equals(topics.output)) {
                        MixOutputChunk c = Contract.OUTPUT.decode(r.value());
                        mix.add(c, keepAudio);
                        long now = System.currentTimeMillis();
                        if (mix.firstOutputAtMillis == 0) {
                            mix.firstOutputAtMillis = now;
                        }
                        mix.lastOutputAtMillis = now;
                        listener.onChunk(c);
                    } else if (r.topic().equals(topics.progress)) {
                        MixProgress p = Contract.PROGRESS.decode(r.value());
                        mix.progress.add(p);
                        listener.onProgress(p);
                    } else if (r.topic().equals(topics.results)) {
                        mix.result = Contract.RESULT.decode(r.value());
                    }
                } catch (DecodeException e) {
                    throw new IllegalStateException(
                            "undecodable record on " + r.topic() + "@" + r.offset() + ": " + e.getMessage(), e);
                }
            }
        }
        return mixes;
    }

    /** Reads whatever else arrives within {@code quiet} (tests use it to prove nothing more comes). */
    public int drain(Duration quiet) {
        int n = 0;
        long end = System.currentTimeMillis() + quiet.toMillis();
        while (System.currentTimeMillis() < end) {
            n += consumer.poll(Duration.ofMillis(100)).count();
        }
        return n;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
