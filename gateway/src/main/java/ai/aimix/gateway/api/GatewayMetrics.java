package ai.aimix.gateway.api;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.util.function.DoubleSupplier;

/**
 * The gateway's metrics, in a registry of its own (the embedded stack's JVM also holds Flink's), served at {@code
 * /metrics} in Prometheus's text format: requests and their latency per route, open event streams, uploads in flight,
 * bytes received and forwarded to Kafka, mixes created.
 */
public final class GatewayMetrics {
    /** Latency buckets, seconds: from a fraction of a millisecond (reads) to minutes (long uploads). */
    static final double[] BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
    };

    private final CollectorRegistry registry = new CollectorRegistry();
    private final Counter requests = Counter.build(
                    "aimix_gateway_requests_total", "HTTP requests by route, method and status.")
            .labelNames("route", "method", "status")
            .register(registry);
    private final Histogram latency = Histogram.build(
                    "aimix_gateway_request_seconds", "HTTP request latency by route and method.")
            .labelNames("route", "method")
            .buckets(BUCKETS)
            .register(registry);
    public final Counter bytesReceived = Counter.build(
                    "aimix_gateway_upload_bytes_total", "Bytes of stem upload bodies received.")
            .register(registry);
    public final Counter bytesForwarded = Counter.build(
                    "aimix_gateway_forwarded_bytes_total", "Bytes of audio sent to audio.chunks.")
            .register(registry);
    public final Gauge uploadsInFlight = Gauge.build("aimix_gateway_uploads_in_flight", "Stem uploads being received.")
            .register(registry);
    public final Counter mixesCreated =
            Counter.build("aimix_gateway_mixes_created_total", "Mixes created.").register(registry);
    public final Counter webhookDeliveries = Counter.build(
                    "aimix_gateway_webhook_attempts_total",
                    "Webhook delivery attempts by outcome: delivered, retrying (failed, tried again later), failed"
                            + " (given up).")
            .labelNames("outcome")
            .register(registry);

    /**
     * @param openEventStreams the open events WebSockets, read at each scrape
     * @param mixesKept        the mixes this gateway keeps, read at each scrape
     */
    public GatewayMetrics(DoubleSupplier openEventStreams, DoubleSupplier mixesKept) {
        for (String outcome : new String[] {"delivered", "retrying", "failed"}) {
            webhookDeliveries.labels(outcome); // every outcome reported from the start, at 0
        }
        supplied("aimix_gateway_open_websockets", "Open event-stream WebSockets.", openEventStreams);
        supplied(
                "aimix_gateway_mixes", "Mixes this gateway keeps (running, or ended within the retention).", mixesKept);
    }

    private void supplied(String name, String help, DoubleSupplier value) {
        Gauge g = Gauge.build(name, help).register(registry);
        g.setChild(new Gauge.Child() {
            @Override
            public double get() {
                return value.getAsDouble();
            }
        });
    }

    /** One finished request. */
    public void request(String route, String method, int status, double seconds) {
        requests.labels(route, method, String.valueOf(status)).inc();
        latency.labels(route, method).observe(seconds);
    }

    /** The registry in Prometheus's text format 0.0.4. */
    public String scrape() throws IOException {
        StringWriter w = new StringWriter();
        TextFormat.write004(w, registry.metricFamilySamples());
        return w.toString();
    }

    public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;
}
