package ai.aimix.launcher.embedded;

import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;

/**
 * The Kafka broker of {@code ./aimix cluster up}, in a process of its own (the Flink processes are separate too):
 * the in-process KRaft broker on a fixed loopback port with its data in a directory that outlives it, the mix,
 * tournament and registry topics, and the registry bootstrapped with the shipped models. Prints {@code ready} and
 * runs until it is killed.
 */
public final class KafkaProcess {
    /** The line the process prints once the broker, the topics and the registry are ready. */
    public static final String READY = "ready";

    private KafkaProcess() {}

    /** Arguments: the data directory, the port, the model store directory. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KafkaProcess DATA_DIR PORT MODEL_STORE");
            System.exit(2);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), false, Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-shutdown"));
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(ModelStoreOptions.MODEL_STORE, args[2]);
        kafka.createTopics(TopicLayout.of(c, 2), TopicLayout.configs());
        kafka.createTopics(TopicLayout.tournament(c, 2), TopicLayout.configs());
        kafka.createTopics(TopicLayout.registry(c), TopicLayout.registryConfigs());
        EmbeddedStack.admin(c).bootstrap();
        System.out.println(READY + " " + kafka.bootstrapServers());
        System.out.flush();
        Thread.currentThread().join();
    }
}
