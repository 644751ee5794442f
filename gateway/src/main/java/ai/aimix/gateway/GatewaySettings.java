package ai.aimix.gateway;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.gateway.arena.ArenaSettings;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.gateway.webhooks.RetrySchedule;
import ai.aimix.schema.codec.Contract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a gateway needs: where to listen, the Kafka it talks to the jobs through, where its keys and mixed audio live.
 * Every default is declared here, once (the per-key limits: {@link ai.aimix.gateway.keys.KeyLimits}).
 *
 * @param host        the address to listen on (loopback by default: the embedded stack's API is local)
 * @param port        the port; 0 for any free one
 * @param kafka       the broker and client settings (the same pass-through settings as every client)
 * @param topics      the contract's topics
 * @param keysTopic   the compacted topic of the API keys
 * @param mixesTopic  the mixes every replica created, so that each answers for all ({@code kafka.ContractListener})
 * @param registryTopic  the model registry (compacted), for {@code GET /models}
 * @param standingsTopic the tournament's standings (compacted, keyed by league), for {@code GET /leagues/.../standings}
 * @param chunkFrames frames per chunk sent to audio.chunks
 * @param retention   how long a mix stays visible after it ended
 * @param storeDir    where mixed audio is kept while its mix is; null for a private temporary directory
 * @param sharedStoreDir what the replicas share: the stems as uploaded (renders read them on any replica) and saved
 *                    presets; a shared volume on a cluster; null for {@code storeDir}
 * @param deliveriesTopic the compacted topic of the webhook deliveries' state
 * @param webhookAllowList IP addresses callbacks may reach although private or loopback (SSRF guard)
 * @param webhookRetries when failed deliveries are tried again
 * @param seal        the gateway's secret: hashes API-key secrets, seals webhook secrets on the keys topic
 * @param arena       the listening arena's settings; null: this gateway runs no arena (its routes answer
 *                    {@code ARENA_UNAVAILABLE})
 */
public record GatewaySettings(
        String host,
        int port,
        KafkaConnection kafka,
        Topics topics,
        String keysTopic,
        String mixesTopic,
        String registryTopic,
        String standingsTopic,
        int chunkFrames,
        Duration retention,
        Path storeDir,
        Path sharedStoreDir,
        String deliveriesTopic,
        List<String> webhookAllowList,
        RetrySchedule webhookRetries,
        KeySeal seal,
        ArenaSettings arena) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    /** The API keys' topic: one partition, compacted. */
    public static final String DEFAULT_KEYS_TOPIC = "gateway.keys";

    /**
     * The mixes every replica created (each replica follows it to answer for all of them): one partition, kept a
     * day (read from its end: a replica knows the mixes created while it runs).
     */
    public static final String DEFAULT_MIXES_TOPIC = "gateway.mixes";

    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
    /** The webhook deliveries' topic: one partition, compacted. */
    public static final String DEFAULT_DELIVERIES_TOPIC = "webhooks.deliveries";

    /** The defaults, against {@code kafka} and the contract's default topics, with the gateway secret {@code seal}. */
    public static GatewaySettings defaults(KafkaConnection kafka, KeySeal seal) {
        return new GatewaySettings(
                DEFAULT_HOST,
                DEFAULT_PORT,
                kafka,
                Topics.defaults(),
                DEFAULT_KEYS_TOPIC,
                DEFAULT_MIXES_TOPIC,
                Contract.MODELS_REGISTRY,
                Contract.TOURNAMENT_STANDINGS,
                StemProducer.DEFAULT_CHUNK_FRAMES,
                DEFAULT_RETENTION,
                null,
                null,
                DEFAULT_DELIVERIES_TOPIC,
                List.of(),
                RetrySchedule.DEFAULT,
                seal,
                null);
    }

    public GatewaySettings withPort(int p) {
        return with(b -> b.port = p);
    }

    public GatewaySettings withTopics(Topics t) {
        return with(b -> b.topics = t);
    }

    public GatewaySettings withStoreDir(Path dir) {
        return with(b -> b.storeDir = dir);
    }

    /** The replicas' shared store (stems as uploaded, saved presets); null: the store directory itself. */
    public GatewaySettings withSharedStoreDir(Path dir) {
        return with(b -> b.sharedStoreDir = dir);
    }

    public GatewaySettings withHost(String h) {
        return with(b -> b.host = h);
    }

    /** Callbacks may reach these addresses (e.g. 127.0.0.1 in tests), and failed ones are retried on {@code r}. */
    public GatewaySettings withWebhooks(List<String> allow, RetrySchedule r) {
        return with(b -> {
            b.webhookAllowList = allow;
            b.webhookRetries = r;
        });
    }

    /** How long a mix stays visible (and its audio kept) after it ended. */
    public GatewaySettings withRetention(Duration r) {
        return with(b -> b.retention = r);
    }

    /** Runs the listening arena with {@code a}; null: none. */
    public GatewaySettings withArena(ArenaSettings a) {
        return with(b -> b.arena = a);
    }

    private GatewaySettings with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** A copy of the settings being changed (records have no withers). */
    private static final class Copy {
        String host;
        int port;
        Topics topics;
        Path storeDir;
        Path sharedStoreDir;
        List<String> webhookAllowList;
        RetrySchedule webhookRetries;
        ArenaSettings arena;
        Duration retention;
        private final GatewaySettings from;

        Copy(GatewaySettings s) {
            from = s;
            host = s.host;
            port = s.port;
            topics = s.topics;
            storeDir = s.storeDir;
            sharedStoreDir = s.sharedStoreDir;
            webhookAllowList = s.webhookAllowList;
            webhookRetries = s.webhookRetries;
            arena = s.arena;
            retention = s.retention;
        }

        GatewaySettings build() {
            return new GatewaySettings(
                    host,
                    port,
                    from.kafka,
                    topics,
                    from.keysTopic,
                    from.mixesTopic,
                    from.registryTopic,
                    from.standingsTopic,
                    from.chunkFrames,
                    retention,
                    storeDir,
                    sharedStoreDir,
                    from.deliveriesTopic,
                    webhookAllowList,
                    webhookRetries,
                    from.seal,
                    arena);
        }
    }
}
