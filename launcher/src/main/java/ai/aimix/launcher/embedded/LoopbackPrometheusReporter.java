package ai.aimix.launcher.embedded;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Properties;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter (same metric names and labels, so dashboards and alert rules fit both), but listening on
 * one address, loopback unless configured otherwise: Flink's own {@code PrometheusReporter} binds every interface.
 * The embedded default uses it ({@code metrics.reporter.prom.factory.class:
 * ai.aimix.launcher.embedded.LoopbackPrometheusReporter$Factory}, {@code metrics.reporter.prom.host},
 * {@code metrics.reporter.prom.port}, a port or a range).
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
    /** Reporter option: the address to listen on. */
    static final String ARG_HOST = "host";
    /** Reporter option: the port, or a range such as 9249-9259 (the first free one is taken). */
    static final String ARG_PORT = "port";

    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_PORT = "9249";

    private final HTTPServer server;

    LoopbackPrometheusReporter(String host, PortRange ports) {
        CollectorRegistry registry = registryOf(this);
        HTTPServer started = null;
        IOException last = null;
        Iterator<Integer> it = ports.getPortsIterator();
        while (started == null && it.hasNext()) {
            int port = it.next();
            try {
                started = new HTTPServer(new InetSocketAddress(host, port), registry);
            } catch (IOException e) {
                last = e;
            }
        }
        if (started == null) {
            throw new IllegalStateException(
                    "no free port for the Prometheus reporter on " + host + " in " + ports, last);
        }
        this.server = started;
        log.info("Prometheus reporter listening on {}:{}", host, server.getPort());
    }

    /** The port the reporter listens on. */
    public int port() {
        return server.getPort();
    }

    /**
     * The registry the abstract reporter fills (a field of Flink's class without an accessor; read once, here, so the
     * metrics, their names and labels stay Flink's own).
     */
    private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
        try {
            Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
            f.setAccessible(true);
            return (CollectorRegistry) f.get(reporter);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Flink version's Prometheus reporter has no registry to serve", e);
        }
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /** Creates the reporter from {@code metrics.reporter.<name>.host} and {@code .port}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new LoopbackPrometheusReporter(
                    properties.getProperty(ARG_HOST, DEFAULT_HOST),
                    new PortRange(properties.getProperty(ARG_PORT, DEFAULT_PORT)));
        }
    }
}
