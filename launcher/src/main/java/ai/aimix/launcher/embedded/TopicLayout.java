package ai.aimix.launcher.embedded;

import ai.aimix.gateway.GatewaySettings;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ReadableConfig;

/** The topics the embedded default creates, with partition counts. */
public final class TopicLayout {
    private TopicLayout() {}

    public static Map<String, Integer> of(ReadableConfig c, int partitions) {
        Map<String, Integer> t = new LinkedHashMap<>();
        t.put(c.get(MixJobOptions.TOPIC_REQUESTS), partitions);
        t.put(c.get(MixJobOptions.TOPIC_CHUNKS), partitions);
        t.put(c.get(MixJobOptions.TOPIC_OUTPUT), partitions);
        t.put(c.get(MixJobOptions.TOPIC_PROGRESS), partitions);
        t.put(c.get(MixJobOptions.TOPIC_RESULTS), partitions);
        t.put(c.get(MixJobOptions.TOPIC_ERRORS), partitions);
        return t;
    }

    /** Topic settings: messages up to 2 MiB (chunks stay under 1 MB; headroom for batching), 1 h retention. */
    public static Map<String, String> configs() {
        return Map.of("max.message.bytes", String.valueOf(2 << 20), "retention.ms", String.valueOf(3_600_000));
    }

    /**
     * The registry topic: one partition (one order for every key, so replaying it always gives the same view),
     * compacted (the latest value per key is kept forever).
     */
    public static Map<String, Integer> registry(ReadableConfig c) {
        return Map.of(c.get(KafkaOptions.TOPIC_REGISTRY), 1);
    }

    /** The tournament job's topics: battles and votes with {@code partitions}, its outputs with one each. */
    public static Map<String, Integer> tournament(ReadableConfig c, int partitions) {
        Map<String, Integer> t = new LinkedHashMap<>();
        t.put(c.get(TournamentJobOptions.TOPIC_BATTLES), partitions);
        t.put(c.get(TournamentJobOptions.TOPIC_VOTES), partitions);
        t.put(c.get(TournamentJobOptions.TOPIC_STANDINGS), 1);
        t.put(c.get(TournamentJobOptions.TOPIC_ERRORS), 1);
        t.put(c.get(TournamentJobOptions.TOPIC_EVOLUTION), 1);
        return t;
    }

    /** The gateway's API keys and webhook deliveries: one partition each, compacted, like the registry. */
    public static Map<String, Integer> gatewayTopics() {
        return Map.of(GatewaySettings.DEFAULT_KEYS_TOPIC, 1, GatewaySettings.DEFAULT_DELIVERIES_TOPIC, 1);
    }

    /** The mixes every gateway replica created: one partition, kept as the contract's topics are (not compacted). */
    public static Map<String, Integer> gatewayMixes() {
        return Map.of(GatewaySettings.DEFAULT_MIXES_TOPIC, 1);
    }

    public static Map<String, String> registryConfigs() {
        return Map.of("cleanup.policy", "compact", "retention.ms", "-1");
    }
}
