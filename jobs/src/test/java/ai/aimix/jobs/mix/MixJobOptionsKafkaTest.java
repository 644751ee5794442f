package ai.aimix.jobs.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.jobs.kafka.KafkaOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs' Kafka settings (issue 14, finding 6): a reserved setting stops the job before it starts, named. */
class MixJobOptionsKafkaTest {

    @Test
    void aReservedSettingAsAnOptionIsNamed() {
        Configuration c = new Configuration();
        c.setString(KafkaConnection.PREFIX + "isolation.level", "read_uncommitted");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MixJobOptions.validate(c));
        assertEquals(
                "aimix.kafka.client.*: the Kafka client setting isolation.level is set by the service itself "
                        + "and cannot be passed through",
                e.getMessage());
    }

    @Test
    void aReservedSettingInTheFileIsNamedWithTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SSL\ntransactional.id=mine\n");
        Configuration c = new Configuration();
        c.set(KafkaOptions.CLIENT_CONFIG_FILE, file.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MixJobOptions.validate(c));
        assertTrue(
                e.getMessage().startsWith(KafkaOptions.CLIENT_CONFIG_FILE.key() + ": ")
                        && e.getMessage().contains("transactional.id"),
                e.getMessage());
    }

    @Test
    void optionsOverrideTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SSL\nssl.truststore.location=/file\n");
        Configuration c = new Configuration();
        c.set(KafkaOptions.CLIENT_CONFIG_FILE, file.toString());
        c.setString(KafkaConnection.PREFIX + "ssl.truststore.location", "/option");
        KafkaConnection k = KafkaOptions.connection(c);
        assertEquals("SSL", k.settings().get("security.protocol"));
        assertEquals("/option", k.settings().get("ssl.truststore.location"));
    }
}
