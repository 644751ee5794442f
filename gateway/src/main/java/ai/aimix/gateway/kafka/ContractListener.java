package ai.aimix.gateway.kafka;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.gateway.mix.MixBook;
import ai.aimix.gateway.mix.MixState;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read_committed consumer per gateway process on mix.output, mix.progress, mix.results and mix.errors, from their ends at
 * start (the mixes this process creates come later): each record about a mix this gateway knows updates it; the
 * rest are skipped. It assigns partitions itself (no consumer group: every replica reads everything).
 */
public final class ContractListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContractListener.class);
    /** How long one poll waits. */
    static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final MixBook mixes;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean assigned;
    private volatile boolean running = true;
    private volatile long lastPollMillis;

    public ContractListener(KafkaConnection kafka, Topics topics, MixBook mixes, Clock clock) {
        Properties p = kafka.properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "aimix-gateway-listener");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.mixes = mixes;
        this.clock = clock;
        this.thread = new Thread(this::run, "aimix-gateway-listener");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The partitions are assigned and the consumer polled within the last few seconds. */
    public boolean ready() {
        return assigned && clock.millis() - lastPollMillis < 10_000;
    }

    private void run() {
        try {
            while (running && !assigned) {
                List<TopicPartition> parts = new ArrayList<>();
                for (String t : List.of(topics.output, topics.progress, topics.results, topics.errors)) {
                    List<PartitionInfo> info = consumer.partitionsFor(t, Duration.ofSeconds(10));
                    if (info == null || info.isEmpty()) {
                        parts.clear();
                        break;
                    }
                    info.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                }
                if (parts.isEmpty()) {
                    LOG.warn("The contract's topics are not there yet; retrying");
                    Thread.sleep(1000);
                    continue;
                }
                consumer.assign(parts);
                consumer.seekToEnd(parts);
                parts.forEach(consumer::position); // resolve the end now: later records are ours
                assigned = true;
            }
            while (running) {
                var records = consumer.poll(POLL);
                lastPollMillis = clock.millis();
                // a transaction's records on the four topics come in no order: audio first, the result last
                for (String topic : List.of(topics.output, topics.progress, topics.errors, topics.results)) {
                    for (ConsumerRecord<byte[], byte[]> r : records.records(topic)) {
                        apply(r);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("The contract listener stopped: {}", e.toString(), e);
        } finally {
            assigned = false;
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return;
        }
        MixState m = mixes.get(new String(r.key(), StandardCharsets.UTF_8));
        if (m == null) {
            return;
        }
        long now = clock.millis();
        try {
            if (r.topic().equals(topics.output)) {
                m.output(Contract.OUTPUT.decode(r.value()));
            } else if (r.topic().equals(topics.progress)) {
                MixProgress p = Contract.PROGRESS.decode(r.value());
                m.progress(p);
            } else if (r.topic().equals(topics.results)) {
                MixResult res = Contract.RESULT.decode(r.value());
                m.result(res, now);
            } else {
                MixError e = Contract.ERROR.decode(r.value());
                m.error(e, now);
            }
        } catch (DecodeException e) {
            LOG.warn("A record on {} for mix {} does not decode: {}", r.topic(), m.id, e.getMessage());
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
