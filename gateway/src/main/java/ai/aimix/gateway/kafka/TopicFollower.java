package ai.aimix.gateway.kafka;

import ai.aimix.clients.kafka.KafkaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer thread that follows whole topics without a consumer group (every gateway replica reads everything): it
 * waits for the topics to exist, assigns all their partitions, lets the subclass position it, then hands each poll
 * to the subclass until closed.
 */
public abstract class TopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    /** How long one poll waits. */
    static final Duration POLL = Duration.ofMillis(200);
    /** How long to wait before looking again for topics that are not there yet. */
    static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

    protected final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param readCommitted read only committed transactions' records */
    protected TopicFollower(KafkaConnection kafka, List<String> topics, String name, boolean readCommitted) {
        Properties p = kafka.properties();
        if (readCommitted) {
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = List.copyOf(topics);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Where the topics ended when they were read from their beginning ({@link #fromBeginning}). */
    private Map<TopicPartition, Long> end;

    /** Positions the consumer at the beginning, noting where the topics end now (for {@link #readToStartEnd}). */
    protected final void fromBeginning(List<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
        end = consumer.endOffsets(partitions);
    }

    /** The consumer has read everything the topics held when {@link #fromBeginning} was called. */
    protected final boolean readToStartEnd() {
        return end != null && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Every partition of the topics is assigned: position the consumer (seek to the end, the beginning, ...). */
    protected abstract void assigned(List<TopicPartition> partitions);

    /** One poll's records (possibly none). */
    protected abstract void polled(ConsumerRecords<byte[], byte[]> records);

    /** The thread has stopped (closed, or failed): the follower is no longer ready. */
    protected abstract void stopped();

    private void run() {
        try {
            List<TopicPartition> parts = new ArrayList<>();
            boolean told = false;
            while (running && parts.isEmpty()) {
                for (String t : topics) {
                    List<PartitionInfo> info = consumer.partitionsFor(t, Duration.ofSeconds(10));
                    if (info == null || info.isEmpty()) {
                        parts.clear();
                        if (!told) {
                            LOG.warn("Topic {} is not there yet; looking again every {} ms", t, TOPIC_RETRY.toMillis());
                            told = true;
                        }
                        Thread.sleep(TOPIC_RETRY.toMillis());
                        break;
                    }
                    info.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
            consumer.assign(parts);
            assigned(parts);
            while (running) {
                polled(consumer.poll(POLL));
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{} stopped: {}", thread.getName(), e.toString(), e);
        } finally {
            stopped();
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
