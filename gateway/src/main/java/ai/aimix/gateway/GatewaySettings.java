package ai.aimix.gateway;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.schema.codec.ContractLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a gateway needs: where to listen, the Kafka it talks to the jobs through, and its limits. Every default is
 * declared here, once.
 *
 * @param host           the address to listen on (loopback by default: the embedded stack's API is local)
 * @param port           the port; 0 for any free one
 * @param kafka          the broker and client settings (the same pass-through settings as every client)
 * @param topics         the contract's topics
 * @param chunkFrames    frames per chunk sent to audio.chunks
 * @param maxUploadBytes the largest stem upload (refused from its Content-Length before the body is read)
 * @param maxStems       most stems a mix may have
 * @param maxSeconds     longest song accepted
 * @param retention      how long a mix stays visible after it ended
 * @param storeDir       where mixed audio is kept while its mix is; null for a private temporary directory
 */
public record GatewaySettings(
        String host,
        int port,
        KafkaConnection kafka,
        Topics topics,
        int chunkFrames,
        long maxUploadBytes,
        int maxStems,
        int maxSeconds,
        Duration retention,
        Path storeDir) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    /** 1 GiB: ten minutes of 96 kHz stereo float, with room to spare. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 1L << 30;

    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    /** The defaults, against {@code kafka} and the contract's default topics. */
    public static GatewaySettings defaults(KafkaConnection kafka) {
        return new GatewaySettings(
                DEFAULT_HOST,
                DEFAULT_PORT,
                kafka,
                Topics.defaults(),
                StemProducer.DEFAULT_CHUNK_FRAMES,
                DEFAULT_MAX_UPLOAD_BYTES,
                ContractLimits.DEFAULT_MAX_STEMS,
                ContractLimits.DEFAULT_MAX_TRACK_SECONDS,
                DEFAULT_RETENTION,
                null);
    }

    public GatewaySettings withPort(int p) {
        return new GatewaySettings(
                host, p, kafka, topics, chunkFrames, maxUploadBytes, maxStems, maxSeconds, retention, storeDir);
    }

    public GatewaySettings withTopics(Topics t) {
        return new GatewaySettings(
                host, port, kafka, t, chunkFrames, maxUploadBytes, maxStems, maxSeconds, retention, storeDir);
    }

    public GatewaySettings withMaxUploadBytes(long bytes) {
        return new GatewaySettings(
                host, port, kafka, topics, chunkFrames, bytes, maxStems, maxSeconds, retention, storeDir);
    }

    public GatewaySettings withStoreDir(Path dir) {
        return new GatewaySettings(
                host, port, kafka, topics, chunkFrames, maxUploadBytes, maxStems, maxSeconds, retention, dir);
    }
}
