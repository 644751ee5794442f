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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
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
import org.eclipse.jetty.client.ContentResponse;
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

    private void attempt(String id) {
        Delivery d = deliveries.get(id);
        if (d == null || !d.status().equals(Delivery.PENDING)) {
            return;
        }
        long now = clock.millis();
        int code = 0;
        String error = null;
        String why = null;
        URI url = null;
        try {
            url = UrlGuard.checkedUri(d.url());
        } catch (UrlGuard.Refused e) {
            why = e.getMessage();
        }
        String secret = secretOfKey.apply(d.keyId());
        if (why != null) {
            error = "refused: " + why;
        } else if (secret == null) {
            error = "the API key has no webhook secret (or is gone)";
        } else {
            try {
                long t = now / 1000;
                ContentResponse r = http.newRequest(url)
                        .method(HttpMethod.POST)
                        .timeout(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .headers(h -> h.put("User-Agent", "aimix-gateway")
                                .put("Idempotency-Key", d.id())
                                .put(Signatures.HEADER, Signatures.header(secret, t, d.body())))
                        .body(new StringRequestContent("application/json", d.body(), StandardCharsets.UTF_8))
                        .send();
                code = r.getStatus();
                if (code / 100 == 2) {
                    save(d.attempted(Delivery.DELIVERED, 0, code, null));
                    outcome.accept(1);
                    return;
                }
                error = "HTTP " + code;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof UrlGuard.Refused) {
                    why = cause.getMessage(); // the name resolved to a forbidden address on connecting
                    error = "refused: " + why;
                } else {
                    error = describe(cause);
                }
            } catch (Exception e) {
                error = describe(e);
            }
        }
        Duration next = why != null || secret == null
                ? null
                : schedule.next(d.attempts() + 1, Duration.ofMillis(now - d.firstAtMillis()), random);
        if (next == null) {
            save(d.attempted(Delivery.FAILED, 0, code, error));
            outcome.accept(-1);
            LOG.info(
                    "Webhook delivery {} of mix {} given up after {} attempts: {}",
                    id,
                    d.mixId(),
                    d.attempts() + 1,
                    error);
            return;
        }
        save(d.attempted(Delivery.PENDING, now + next.toMillis(), code, error));
        outcome.accept(0);
        timer.schedule(() -> attempt(id), next.toMillis(), TimeUnit.MILLISECONDS);
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
