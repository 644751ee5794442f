package ai.aimix.gateway;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.schema.codec.Contract;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a gateway needs: where to listen, the Kafka it talks to the jobs through, where its keys and mixed audio live.
 * Every default is declared here, once (the per-key limits: {@link ai.aimix.gateway.keys.KeyLimits}).
 *
 * @param host        the address to listen on (loopback by default: the embedded stack's API is local)
 * @param port        the port; 0 for any free one
 * @param kafka       the broker and client settings (the same pass-through settings as every client)
 * @param topics      the contract's topics
 * @param keysTopic   the compacted topic of the API keys
 * @param registryTopic  the model registry (compacted), for {@code GET /models}
 * @param standingsTopic the tournament's standings (compacted, keyed by league), for {@code GET /leagues/.../standings}
 * @param chunkFrames frames per chunk sent to audio.chunks
 * @param retention   how long a mix stays visible after it ended
 * @param storeDir    where mixed audio is kept while its mix is; null for a private temporary directory
 */
public record GatewaySettings(
        String host,
        int port,
        KafkaConnection kafka,
        Topics topics,
        String keysTopic,
        String registryTopic,
        String standingsTopic,
        int chunkFrames,
        Duration retention,
        Path storeDir) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    /** The API keys' topic: one partition, compacted. */
    public static final String DEFAULT_KEYS_TOPIC = "gateway.keys";

    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    /** The defaults, against {@code kafka} and the contract's default topics. */
    public static GatewaySettings defaults(KafkaConnection kafka) {
        return new GatewaySettings(
                DEFAULT_HOST,
                DEFAULT_PORT,
                kafka,
                Topics.defaults(),
                DEFAULT_KEYS_TOPIC,
                Contract.MODELS_REGISTRY,
                Contract.TOURNAMENT_STANDINGS,
                StemProducer.DEFAULT_CHUNK_FRAMES,
                DEFAULT_RETENTION,
                null);
    }

    public GatewaySettings withPort(int p) {
        return new GatewaySettings(
                host, p, kafka, topics, keysTopic, registryTopic, standingsTopic, chunkFrames, retention, storeDir);
    }

    public GatewaySettings withTopics(Topics t) {
        return new GatewaySettings(
                host, port, kafka, t, keysTopic, registryTopic, standingsTopic, chunkFrames, retention, storeDir);
    }

    public GatewaySettings withStoreDir(Path dir) {
        return new GatewaySettings(
                host, port, kafka, topics, keysTopic, registryTopic, standingsTopic, chunkFrames, retention, dir);
    }

    public GatewaySettings withHost(String h) {
        return new GatewaySettings(
                h, port, kafka, topics, keysTopic, registryTopic, standingsTopic, chunkFrames, retention, storeDir);
    }
}
