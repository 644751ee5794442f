package ai.aimix.clients.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * How every Kafka client of the service connects (the jobs' sources and sinks, the command line, the clients of
 * the contract, the gateway): the bootstrap servers and the settings passed through to every producer, consumer and
 * admin client, for a secured Kafka ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...). In a Flink
 * configuration they are the options {@code aimix.kafka.client.<kafka setting>} (and a properties file named by
 * {@code aimix.kafka.client-config-file}); on the command line a Kafka client properties file ({@code --kafka-config}),
 * the same format Kafka's own tools take. Settings the service must own for its guarantees (serializers, group ids,
 * transactions, isolation, idempotence) cannot be passed through: naming one is an error that names it.
 */
public final class KafkaConnection implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The prefix of pass-through settings in a Flink configuration. */
    public static final String PREFIX = "aimix.kafka.client.";
    /** Settings a client of the service sets itself. */
    public static final Set<String> RESERVED = Set.of(
            "bootstrap.servers",
            "key.serializer",
            "value.serializer",
            "key.deserializer",
            "value.deserializer",
            "group.id",
            "group.instance.id",
            "transactional.id",
            "isolation.level",
            "enable.auto.commit",
            "enable.idempotence",
            "auto.offset.reset");
    /** Largest client properties file read. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    private final String bootstrap;
    private final Map<String, String> settings;

    /**
     * @throws IllegalArgumentException when a setting is reserved, naming it
     */
    public KafkaConnection(String bootstrap, Map<String, String> settings) {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers");
        }
        requireNotReserved(settings);
        this.bootstrap = bootstrap;
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** @throws IllegalArgumentException naming the first of {@code settings} the service sets itself */
    public static void requireNotReserved(Map<String, String> settings) {
        for (String key : new TreeMap<>(settings).keySet()) {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("the Kafka client setting " + key + " is set by the service "
                        + "itself and cannot be passed through");
            }
        }
    }

    /** A connection without extra settings (a plaintext Kafka, such as the embedded one). */
    public static KafkaConnection plain(String bootstrap) {
        return new KafkaConnection(bootstrap, Map.of());
    }

    /** The pass-through settings in a Flink configuration's entries: {@value #PREFIX}KEY = VALUE. */
    public static Map<String, String> fromPrefixed(Map<String, String> entries) {
        Map<String, String> out = new TreeMap<>();
        entries.forEach((k, v) -> {
            if (k.startsWith(PREFIX) && k.length() > PREFIX.length()) {
                out.put(k.substring(PREFIX.length()), v);
            }
        });
        return out;
    }

    /**
     * A Kafka client properties file (regular files only, at most 1 MiB).
     *
     * @throws IOException naming the file when it cannot be read as one
     */
    public static Map<String, String> readFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not a regular file");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a Kafka client config");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a properties file (" + e.getMessage() + ")");
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** This connection to other servers (the same settings). */
    public KafkaConnection withBootstrap(String servers) {
        return new KafkaConnection(servers, settings);
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** The pass-through settings (without the bootstrap servers). */
    public Map<String, String> settings() {
        return settings;
    }

    /** Bootstrap servers and pass-through settings, for a client to add its own settings to. */
    public Properties properties() {
        Properties p = new Properties();
        p.putAll(settings);
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    @Override
    public String toString() {
        return bootstrap + (settings.isEmpty() ? "" : " " + settings.keySet()); // never the values (passwords)
    }
}
