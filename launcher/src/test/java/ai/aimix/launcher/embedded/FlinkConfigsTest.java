package ai.aimix.launcher.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.jobs.JobOptions;
import ai.aimix.jobs.kafka.KafkaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.SecurityOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.WebOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both flink-conf files parse, say what the docs say, and contain no key that nothing reads (a typo). */
public class FlinkConfigsTest {
    private static final List<String> OPTION_CLASSES = List.of(
            "org.apache.flink.configuration.CoreOptions",
            "org.apache.flink.configuration.CheckpointingOptions",
            "org.apache.flink.configuration.StateBackendOptions",
            "org.apache.flink.configuration.StateRecoveryOptions",
            "org.apache.flink.configuration.RestOptions",
            "org.apache.flink.configuration.RestartStrategyOptions",
            "org.apache.flink.configuration.TaskManagerOptions",
            "org.apache.flink.configuration.JobManagerOptions",
            "org.apache.flink.configuration.PipelineOptions",
            "org.apache.flink.configuration.MetricOptions",
            "org.apache.flink.configuration.SecurityOptions",
            "org.apache.flink.configuration.WebOptions",
            "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
            "org.apache.flink.state.rocksdb.RocksDBOptions",
            "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions",
            "ai.aimix.jobs.kafka.KafkaOptions",
            "ai.aimix.jobs.registry.ModelStoreOptions",
            "ai.aimix.jobs.mix.MixJobOptions",
            "ai.aimix.jobs.tournament.TournamentJobOptions",
            "ai.aimix.jobs.training.TrainingJobOptions",
            "ai.aimix.launcher.embedded.ReadOnlyRest");

    /** Every key of the option classes the configurations may use (HelmChartTest checks the chart against it). */
    public static Set<String> knownKeys() throws Exception {
        Set<String> keys = new HashSet<>();
        for (String cls : OPTION_CLASSES) {
            for (ConfigOption<?> o : JobOptions.declaredIn(Class.forName(cls))) {
                keys.add(o.key());
                o.fallbackKeys().forEach(k -> keys.add(k.getKey()));
            }
        }
        return keys;
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "cluster"})
    void everyKeyIsOneSomethingReads(String name) throws Exception {
        Configuration conf = FlinkConfigs.load(Path.of("..", "flink-conf", name), name, Map.of());
        Set<String> known = knownKeys();
        for (String key : conf.keySet()) {
            if (key.startsWith("metrics.reporter.") || key.startsWith(KafkaConnection.PREFIX)) {
                continue; // reporter and Kafka client settings are read by prefix
            }
            assertTrue(known.contains(key), name + "/config.yaml: unknown key " + key);
        }
        assertEquals("rocksdb", conf.get(StateBackendOptions.STATE_BACKEND));
        assertTrue(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
        assertFalse(conf.get(PipelineOptions.GENERIC_TYPES));
        assertTrue(conf.get(KafkaOptions.TRANSACTION_TIMEOUT).compareTo(Duration.ofMinutes(15)) < 0);
        assertTrue(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                        .compareTo(conf.get(KafkaOptions.TRANSACTION_TIMEOUT))
                < 0);
    }

    /** Issue 14, finding 7: the embedded REST API cannot change jobs; a cluster's is behind mutual TLS. */
    @Test
    void theEmbeddedRestApiIsReadOnlyAndTheClusterOneNeedsClientCertificates() {
        Configuration embedded = FlinkConfigs.load(Path.of("..", "flink-conf", "embedded"), "embedded", Map.of());
        assertFalse(embedded.get(WebOptions.SUBMIT_ENABLE));
        assertFalse(embedded.get(WebOptions.CANCEL_ENABLE));
        assertTrue(embedded.get(ReadOnlyRest.READ_ONLY));
        assertEquals("127.0.0.1", embedded.get(RestOptions.BIND_ADDRESS));
        assertEquals(
                LoopbackPrometheusReporter.Factory.class.getName(),
                embedded.toMap().get("metrics.reporter.prom.factory.class"));
        assertEquals("127.0.0.1", embedded.toMap().get("metrics.reporter.prom.host"));
        Configuration cluster = FlinkConfigs.load(Path.of("..", "flink-conf", "cluster"), "cluster", Map.of());
        assertTrue(cluster.get(SecurityOptions.SSL_REST_ENABLED));
        assertTrue(cluster.get(SecurityOptions.SSL_REST_AUTHENTICATION_ENABLED));
        assertTrue(cluster.get(SecurityOptions.SSL_INTERNAL_ENABLED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded"})
    void thePackagedCopyIsTheSame(String name) {
        Configuration fromDir = FlinkConfigs.load(Path.of("..", "flink-conf", name), name, Map.of());
        Configuration packaged = FlinkConfigs.load(null, name, Map.of("parallelism.default", "7"));
        assertEquals(fromDir.keySet(), packaged.keySet());
        assertEquals("7", packaged.toMap().get("parallelism.default"));
    }
}
