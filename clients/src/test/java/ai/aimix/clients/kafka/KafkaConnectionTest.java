package ai.aimix.clients.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka pass-through (issue 14, finding 6): what passes, what the service keeps for itself, what is shown. */
class KafkaConnectionTest {

    @Test
    void everyReservedSettingIsRefusedByName() {
        for (String key : KafkaConnection.RESERVED) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> new KafkaConnection("k:9092", Map.of(key, "x")), key);
            assertEquals(
                    "the Kafka client setting " + key + " is set by the service itself and cannot be passed "
                            + "through",
                    e.getMessage());
        }
        assertTrue(KafkaConnection.RESERVED.containsAll(
                List.of("group.id", "transactional.id", "isolation.level", "enable.idempotence", "key.deserializer")));
    }

    @Test
    void securitySettingsPassThroughAndPasswordsAreNeverShown() {
        KafkaConnection c = new KafkaConnection(
                "k:9093",
                Map.of(
                        "security.protocol",
                        "SASL_SSL",
                        "sasl.mechanism",
                        "SCRAM-SHA-512",
                        "sasl.jaas.config",
                        "... password=\"hunter2\";"));
        Properties p = c.properties();
        assertEquals("k:9093", p.getProperty("bootstrap.servers"));
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertEquals("... password=\"hunter2\";", p.getProperty("sasl.jaas.config"));
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertTrue(c.toString().contains("sasl.jaas.config"), c.toString());
        assertEquals(c.settings(), c.withBootstrap("other:9093").settings());
        assertThrows(IllegalArgumentException.class, () -> KafkaConnection.plain(" "));
    }

    @Test
    void prefixedOptionsBecomeSettings() {
        assertEquals(
                Map.of("security.protocol", "SSL", "ssl.truststore.location", "/t"),
                KafkaConnection.fromPrefixed(Map.of(
                        "aimix.kafka.client.security.protocol",
                        "SSL",
                        "aimix.kafka.client.ssl.truststore.location",
                        "/t",
                        "aimix.kafka.client.",
                        "ignored",
                        "aimix.kafka.bootstrap-servers",
                        "not a setting")));
    }

    @Test
    void onlyARegularSmallPropertiesFileIsRead(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("client.properties");
        Files.writeString(good, "# a comment\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism = PLAIN\n");
        assertEquals(
                Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN"),
                KafkaConnection.readFile(good));
        Path big = dir.resolve("big.properties");
        Files.write(big, new byte[(1 << 20) + 1]);
        assertTrue(assertThrows(IOException.class, () -> KafkaConnection.readFile(big))
                .getMessage()
                .contains("larger than"));
        assertTrue(assertThrows(IOException.class, () -> KafkaConnection.readFile(dir))
                .getMessage()
                .contains("not a regular file"));
        assertTrue(assertThrows(IOException.class, () -> KafkaConnection.readFile(Path.of("/dev/zero")))
                .getMessage()
                .contains("not a regular file"));
        Path malformed = dir.resolve("bad.properties");
        Files.writeString(malformed, "a=\\uZZZZ\n");
        assertTrue(assertThrows(IOException.class, () -> KafkaConnection.readFile(malformed))
                .getMessage()
                .contains("not a properties file"));
    }
}
