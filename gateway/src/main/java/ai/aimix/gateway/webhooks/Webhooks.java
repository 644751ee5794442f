package ai.aimix.gateway.webhooks;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.gateway.kafka.TopicFollower;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook deliveries: a POST to a mix's callback URL when it completes or fails, signed ({@link Signatures}), with an
 * Idempotency-Key, retried on the {@link RetrySchedule}. Every change of a delivery is written to the compacted
 * deliveries topic (key: the delivery's id), which the gateway reads from the beginning when it starts: deliveries
 * still pending then are resumed, so a restart loses none (with several replicas each resumes them; the receiver's
 * idempotency key makes the second one harmless).
 */
public final class Webhooks extends TopicFollower {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one attempt may take. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final String topic;
    private final UrlGuard guard;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final Function<String, String> secretOfKey;
    private final IntConsumer outcome;
    private final KafkaProducer<byte[], byte[]> producer;
    /** Connects only to addresses the guard checked ({@link UrlGuard#resolver()}); follows no redirects. */
    private final HttpClient http = new HttpClient();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aimix-gateway-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final SplittableRandom random = new SplittableRandom();
    private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;

    /**
     * @param secretOfKey an API key's webhook secret by the key's id (null when the key has none)
     * @param outcome     told each attempt's outcome: 1 delivered, 0 to be retried, -1 given up (the metric)
     */
    public Webhooks(
            KafkaConnection kafka,
            String topic,
            UrlGuard guard,
            RetrySchedule schedule,
            Clock clock,
            Function<String, String> secretOfKey,
            IntConsumer outcome) {
        super(kafka, List.of(topic), "aimix-gateway-webhooks", false);
        this.topic = topic;
        this.guard = guard;
        this.schedule = schedule;
        this.clock = clock;
        this.secretOfKey = secretOfKey;
        this.outcome = outcome;
        Properties p = kafka.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "aimix-gateway-webhooks");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("aimix-gateway-webhooks-http");
        threads.setDaemon(true);
        http.setExecutor(threads);
        http.setSocketAddressResolver(guard.resolver());
        http.setFollowRedirects(false);
        http.setConnectTimeout(ATTEMPT_TIMEOUT.toMillis());
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the webhook client", e);
        }
    }

    /** Why the URL may not be called (SSRF), or null. */
    public String problem(String url) {
        return guard.problem(url);
    }

    /** The deliveries have been read back from the topic (pending ones resumed). */
    public boolean ready() {
        return caughtUp;
    }

    /** Starts following the deliveries topic, and the hourly pruning of ended deliveries. */
    @Override
    public void start() {
        super.start();
        timer.scheduleWithFixedDelay(
                this::prune, PRUNE_EVERY.toMillis(), PRUNE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Queues a delivery of {@code body} for the mix's event; the first attempt comes at once. */
    public Delivery enqueue(String keyId, String mixId, String event, String url, String body) {
        long now = clock.millis();
        Delivery d = new Delivery(
                UUID.randomUUID().toString(), keyId, mixId, event, url, body, Delivery.PENDING, 0, now, now, 0, null);
        save(d);
        timer.execute(() -> attempt(d.id()));
        return d;
    }

    /** The key's deliveries, newest first. */
    public List<Delivery> of(String keyId) {
        return deliveries.values().stream()
                .filter(d -> d.keyId().equals(keyId))
                .sorted(Comparator.comparingLong(Delivery::firstAtMillis).reversed())
                .toList();
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * One attempt of a pending delivery: sent without blocking the timer (the response is handled on the HTTP client's
     * threads), so one slow receiver does not hold back the others' deliveries.
     */
    private void attempt(String id) {
        Delivery d = deliveries.get(id);
        if (d == null || !d.status().equals(Delivery.PENDING)) {
            return;
        }
        long now = clock.millis();
        URI url;
        try {
            url = UrlGuard.checkedUri(d.url());
        } catch (UrlGuard.Refused e) {
            settle(d, now, 0, "refused: " + e.getMessage(), false);
            return;
        }
        String secret = secretOfKey.apply(d.keyId());
        if (secret == null) {
            settle(d, now, 0, "the API key has no webhook secret (or is gone)", false);
            return;
        }
        try {
            http.newRequest(url)
                    .method(HttpMethod.POST)
                    .timeout(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.put("User-Agent", "aimix-gateway")
                            .put("Idempotency-Key", d.id())
                            .put(Signatures.HEADER, Signatures.header(secret, now / 1000, d.body())))
                    .body(new StringRequestContent("application/json", d.body(), StandardCharsets.UTF_8))
                    .send(result -> {
                        if (result.isFailed()) {
                            Throwable cause = result.getFailure();
                            // a name that resolved to a forbidden address on connecting: not retried
                            boolean refused = cause instanceof UrlGuard.Refused;
                            settle(d, now, 0, refused ? "refused: " + cause.getMessage() : describe(cause), !refused);
                        } else {
                            int code = result.getResponse().getStatus();
                            settle(d, now, code, code / 100 == 2 ? null : "HTTP " + code, true);
                        }
                    });
        } catch (RuntimeException e) {
            settle(d, now, 0, describe(e), true);
        }
    }

    /** An attempt's outcome: delivered (no error), retried on the schedule, or given up. */
    private void settle(Delivery d, long startedAt, int code, String error, boolean retriable) {
        if (error == null) {
            save(d.attempted(Delivery.DELIVERED, 0, code, null));
            outcome.accept(1);
            return;
        }
        Duration next = retriable
                ? schedule.next(d.attempts() + 1, Duration.ofMillis(startedAt - d.firstAtMillis()), random)
                : null;
        if (next == null) {
            save(d.attempted(Delivery.FAILED, 0, code, error));
            outcome.accept(-1);
            LOG.info(
                    "Webhook delivery {} of mix {} given up after {} attempts: {}",
                    d.id(),
                    d.mixId(),
                    d.attempts() + 1,
                    error);
            return;
        }
        save(d.attempted(Delivery.PENDING, startedAt + next.toMillis(), code, error));
        outcome.accept(0);
        try {
            timer.schedule(() -> attempt(d.id()), next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: the delivery stays pending on the topic, and the next start resumes it
        }
    }

    /** How long a delivered or given-up delivery stays listed (and on the compacted topic) after it was queued. */
    public static final Duration RETENTION = Duration.ofDays(7);
    /** How often ended deliveries older than {@link #RETENTION} are dropped. */
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    /** Drops ended deliveries older than {@link #RETENTION}: from memory, and from the topic by a tombstone. */
    public void prune() {
        long before = clock.millis() - RETENTION.toMillis();
        for (Delivery d : deliveries.values()) {
            if (!d.status().equals(Delivery.PENDING) && d.firstAtMillis() < before) {
                deliveries.remove(d.id());
                producer.send(new ProducerRecord<>(topic, d.id().getBytes(StandardCharsets.UTF_8), null));
            }
        }
    }

    private void save(Delivery d) {
        deliveries.put(d.id(), d);
        producer.send(new ProducerRecord<>(
                topic,
                d.id().getBytes(StandardCharsets.UTF_8),
                d.toJson(true).toString().getBytes(StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------------------------------------ restart

    @Override
    protected void assigned(List<TopicPartition> parts) {
        fromBeginning(parts);
    }

    @Override
    protected void polled(ConsumerRecords<byte[], byte[]> records) {
        if (caughtUp) {
            return; // after the read-back this process's own writes are already in memory
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                deliveries.remove(new String(r.key(), StandardCharsets.UTF_8)); // pruned
                continue;
            }
            try {
                Delivery d = Delivery.fromJson(JSON.readTree(r.value()));
                deliveries.merge(d.id(), d, (mine, read) -> mine.attempts() >= read.attempts() ? mine : read);
            } catch (Exception e) {
                LOG.warn("Skipping a record on {} that is not a delivery: {}", topic, e.toString());
            }
        }
        if (readToStartEnd()) {
            caughtUp = true;
            long now = clock.millis();
            for (Delivery d : deliveries.values()) {
                if (d.status().equals(Delivery.PENDING)) {
                    timer.schedule(() -> attempt(d.id()), Math.max(0, d.nextAtMillis() - now), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @Override
    protected void stopped() {
        caughtUp = false;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the webhook client", e);
        }
        super.close();
        producer.close();
    }
}
