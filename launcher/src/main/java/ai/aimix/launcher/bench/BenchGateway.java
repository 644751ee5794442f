package ai.aimix.launcher.bench;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.keys.ApiKey;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.keys.KeyRing;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.launcher.embedded.EmbeddedStack;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/** A bench's embedded stack with a gateway on a free port and a key of its own (a fresh secret each run). */
public final class BenchGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long the gateway may take to read the bench's key. */
    public static final Duration KEY_WAIT = Duration.ofSeconds(30);

    public final EmbeddedStack stack;
    public final Gateway gateway;
    public final String token;

    private BenchGateway(EmbeddedStack stack, Gateway gateway, String token) {
        this.stack = stack;
        this.gateway = gateway;
        this.token = token;
    }

    public static BenchGateway start(Configuration config, KeyLimits limits) throws Exception {
        return start(config, limits, GatewaySettings.DEFAULT_RETENTION);
    }

    /** @param retention how long the gateway keeps an ended mix (and its audio) */
    public static BenchGateway start(Configuration config, KeyLimits limits, Duration retention) throws Exception {
        KeySeal seal = KeySeal.of(KeySeal.randomSecret());
        EmbeddedStack stack = EmbeddedStack.start(config, null, 0);
        Gateway gateway = null;
        try {
            gateway = Gateway.start(
                    GatewaySettings.defaults(KafkaConnection.plain(stack.bootstrapServers()), seal)
                            .withPort(0)
                            .withTopics(stack.topics())
                            .withRetention(retention),
                    Clock.systemUTC());
            ApiKey.Issued key = ApiKey.issue("bench", limits, 0, seal);
            KeyRing.publish(
                    KafkaConnection.plain(stack.bootstrapServers()),
                    GatewaySettings.DEFAULT_KEYS_TOPIC,
                    key.key(),
                    seal);
            if (!gateway.awaitKey(key.key().id(), KEY_WAIT)) {
                throw new IllegalStateException("the gateway did not see the bench's key");
            }
            return new BenchGateway(stack, gateway, key.token());
        } catch (Exception | Error e) {
            if (gateway != null) {
                gateway.close();
            }
            stack.close();
            throw e;
        }
    }

    /** The body of {@code POST /mixes} for these stems: the sample rate and each stem's name, role and channels. */
    public static ObjectNode mixBody(List<StemInput> song) {
        ObjectNode body = JSON.createObjectNode();
        body.put("sampleRate", song.get(0).sampleRate());
        ArrayNode stems = body.putArray("stems");
        for (StemInput s : song) {
            stems.addObject().put("name", s.name).put("role", s.role.name()).put("channels", s.channels());
        }
        return body;
    }

    @Override
    public void close() {
        gateway.close();
        stack.close();
    }
}
