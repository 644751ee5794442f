package ai.aimix.launcher.cli.models;

import ai.aimix.clients.cli.ServeInfo;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.jobs.registry.RegistryClient;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.codec.Contract;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the registry and the store are: a running {@code ./aimix serve}, or given explicitly. */
public final class ModelsTarget {
    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the running ./aimix serve).")
    String bootstrap;

    @Option(
            names = "--store",
            description = "Model store root, a Flink file system URI or a local path (default: the "
                    + "running ./aimix serve's). Needed to write models (import, quantize).")
    String store;

    @Option(
            names = "--registry-topic",
            description = "The registry topic (default: the serve's, or " + Contract.MODELS_REGISTRY + ").")
    String topic;

    @Option(
            names = "--timeout",
            defaultValue = "30",
            description = "Seconds to wait for Kafka. Default ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties for a secured Kafka "
                    + "(security.protocol, sasl.*, ssl.*), as Kafka's own tools take them.")
    Path kafkaConfig;

    /** Thrown when there is nothing to talk to; the message is one line. */
    public static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    ModelAdmin admin() throws Unreachable {
        return admin(bootstrap, store, topic, Duration.ofSeconds(timeoutSeconds), kafkaConfig);
    }

    /**
     * The registry and store to administer: those given, else the running {@code ./aimix serve}'s (its store only
     * when no other Kafka was given). The store is null when neither names one.
     *
     * @throws Unreachable when there is no Kafka to talk to
     */
    public static ModelAdmin admin(String bootstrap, String store, String topic, Duration timeout, Path kafkaConfig)
            throws Unreachable {
        ServeInfo serve = ServeInfo.find();
        String servers = bootstrap != null ? bootstrap : serve != null ? serve.bootstrap : null;
        if (servers == null) {
            throw new Unreachable("no running ./aimix serve found; start one or pass --bootstrap host:port");
        }
        String root = store != null ? store : serve != null && bootstrap == null ? serve.models : null;
        String registryTopic = topic != null
                ? topic
                : serve != null && bootstrap == null
                        ? serve.topics.getOrDefault("registry", Contract.MODELS_REGISTRY)
                        : Contract.MODELS_REGISTRY;
        ModelStore modelStore = root == null ? null : new ModelStore(root);
        KafkaConnection kafka;
        try {
            kafka = new KafkaConnection(
                    servers, kafkaConfig == null ? Map.of() : KafkaConnection.readFile(kafkaConfig));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--kafka-config: " + e.getMessage()); // bad input: exit 2
        }
        return new ModelAdmin(modelStore, new RegistryClient(kafka, registryTopic, timeout), Clock.systemUTC());
    }
}
