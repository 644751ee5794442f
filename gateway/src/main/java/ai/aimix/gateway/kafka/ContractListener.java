package ai.aimix.gateway.kafka;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.gateway.mix.GatewayRecord;
import ai.aimix.gateway.mix.MixBook;
import ai.aimix.gateway.mix.MixRecord;
import ai.aimix.gateway.mix.MixState;
import ai.aimix.gateway.mix.StemRecord;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read_committed consumer per gateway process on mix.output, mix.progress, mix.results and mix.errors, from their
 * ends at start (the mixes this process creates come later): each record about a mix this gateway knows updates it;
 * the rest are skipped. It also follows the gateway's mixes topic, adopting each mix another replica creates (before
 * the same poll's records about it), and mix.requests, so a replica taking a stem of such a mix knows whether its
 * request was sent. It assigns partitions itself (no consumer group: every replica reads everything).
 */
public final class ContractListener extends TopicFollower {
    private static final Logger LOG = LoggerFactory.getLogger(ContractListener.class);

    private final Topics topics;
    private final String mixesTopic;
    /** This process's replica id: the mixes it created itself are in its book already. */
    private final String replica;
    /**
     * Whether a record on the mixes topic (its value, its tag header) was written by a replica with this gateway's
     * secret ({@code KeySeal.recordTagged}).
     */
    private final BiPredicate<byte[], String> signed;

    private final MixBook mixes;
    private final Clock clock;
    private volatile boolean assigned;
    private volatile long lastPollMillis;
    /** Polls done so far (guarded by this; waited on by {@link #awaitPolls}). */
    private long polls;

    public ContractListener(
            KafkaConnection kafka,
            Topics topics,
            String mixesTopic,
            String replica,
            BiPredicate<byte[], String> signed,
            MixBook mixes,
            Clock clock) {
        super(
                kafka,
                List.of(topics.output, topics.progress, topics.results, topics.errors, topics.requests, mixesTopic),
                "aimix-gateway-listener",
                true);
        this.topics = topics;
        this.mixesTopic = mixesTopic;
        this.replica = replica;
        this.signed = signed;
        this.mixes = mixes;
        this.clock = clock;
    }

    /** The partitions are assigned and the consumer polled within the last few seconds. */
    /**
     * Waits until the consumer has finished {@code n} more polls (so it has read what was on its topics when this was
     * called, give or take a fetch), or {@code timeout} has passed; false then. A mix created a moment ago on another
     * replica is known here after it.
     */
    public boolean awaitPolls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            long target = polls + n;
            while (polls < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !assigned) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }
    }

    public boolean ready() {
        return assigned && clock.millis() - lastPollMillis < 10_000;
    }

    @Override
    protected void assigned(List<TopicPartition> parts) {
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end now: later records are ours
        assigned = true;
    }

    @Override
    protected void polled(ConsumerRecords<byte[], byte[]> records) {
        lastPollMillis = clock.millis();
        // mixes other replicas created first: this poll's records may be about them
        for (ConsumerRecord<byte[], byte[]> r : records.records(mixesTopic)) {
            adopt(r);
        }
        // a transaction's records on the four topics come in no order: audio first, the result last
        for (String topic : List.of(topics.requests, topics.output, topics.progress, topics.errors, topics.results)) {
            for (ConsumerRecord<byte[], byte[]> r : records.records(topic)) {
                apply(r);
            }
        }
        synchronized (this) {
            polls++;
            notifyAll();
        }
    }

    @Override
    protected void stopped() {
        assigned = false;
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
            if (r.topic().equals(topics.requests)) {
                m.requestSeen(Contract.REQUEST.decode(r.value()));
            } else if (r.topic().equals(topics.output)) {
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

    private void adopt(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        Header tag = r.headers().lastHeader(ContractProducer.TAG_HEADER);
        if (tag == null || !signed.test(r.value(), new String(tag.value(), StandardCharsets.US_ASCII))) {
            LOG.warn(
                    "A record on {} at offset {} is not signed with this gateway's secret: ignored",
                    r.topic(),
                    r.offset());
            return;
        }
        try {
            GatewayRecord record = GatewayRecord.parse(r.value());
            if (record.origin().equals(replica)) {
                return; // this replica's own: applied when it was made
            }
            if (record instanceof MixRecord mix) {
                mixes.adopt(mix);
            } else if (record instanceof StemRecord stem) {
                MixState m = mixes.get(stem.id());
                if (m != null) {
                    m.remote(stem, clock.millis());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("A record on {} at offset {} is not a mix's: {}", r.topic(), r.offset(), e.toString());
        }
    }
}
