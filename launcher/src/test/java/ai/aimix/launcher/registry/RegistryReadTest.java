package ai.aimix.launcher.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.jobs.registry.RegistryClient;
import ai.aimix.launcher.cli.CliRun;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.TopicLayout;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.testing.HostileRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records on models.registry that cannot be applied (undecodable, hostile length prefixes, invalid ids) are skipped,
 * warned about and counted by every reader outside Flink, as the jobs skip them: the embedded stack still
 * bootstraps (so {@code serve} starts) and every {@code models} command still works.
 */
class RegistryReadTest {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(TopicLayout.registry(new Configuration()), TopicLayout.registryConfigs());
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static void sendRaw(String key, byte[] value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Contract.MODELS_REGISTRY, key.getBytes(StandardCharsets.UTF_8), value));
            producer.flush();
        }
    }

    @Test
    void badRegistryRecordsAreSkippedWarnedAndCountedAndNothingStops() throws Exception {
        sendRaw("champion/main", "not avro".getBytes(StandardCharsets.UTF_8));
        sendRaw("champion/main", HostileRecords.registryEntryDeclaring(2_147_483_000L));
        sendRaw(
                "champion/evil",
                Contract.REGISTRY.encode(
                        new RegistryEntry(new ChampionAlias("evil", "../../etc/passwd", List.of(), 1L, null))));
        Path store = dir.resolve("store");
        ModelAdmin admin = new ModelAdmin(
                new ModelStore(store.toString()),
                new RegistryClient(kafka.bootstrapServers(), Contract.MODELS_REGISTRY, Duration.ofSeconds(30)),
                Clock.systemUTC());

        RegistryView bootstrapped = admin.bootstrap(); // what serve does before it starts the job
        assertEquals(
                ModelStore.SHIPPED_CHAMPION,
                bootstrapped.champion("main").orElseThrow().getModelId());
        RegistryView view = admin.view();
        assertEquals(3, view.skipped().size(), view.skipped().toString());
        assertTrue(view.champion("evil").isEmpty());

        CliRun list =
                CliRun.run("models", "list", "--bootstrap", kafka.bootstrapServers(), "--store", store.toString());
        assertEquals(0, list.code, list.toString());
        assertTrue(list.out.contains(ModelStore.SHIPPED_CHAMPION), list.out);
        assertEquals(
                3,
                list.err
                        .lines()
                        .filter(l -> l.startsWith("aimix models list: warning: skipped"))
                        .count(),
                list.err);
        assertTrue(list.err.lines().allMatch(l -> l.length() < 400), list.err);
    }
}
