package ai.aimix.gateway;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.gateway.arena.ArenaSettings;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.schema.auth.TournamentKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway as a process of its own (its container on a cluster: docker/Dockerfile.gateway, the chart's gateway
 * Deployment): until SIGTERM, then it stops taking requests, closes its consumers and its producer.
 */
@Command(
        name = "aimix-gateway",
        mixinStandardHelpOptions = true,
        description = "The AI Mixer HTTP + WebSocket API, talking to the jobs through Kafka.")
public final class GatewayMain implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--kafka-config",
            description = "A properties file of Kafka client settings (SASL, TLS), as every AI Mixer client takes.")
    Path kafkaConfig;

    @Option(
            names = "--host",
            defaultValue = "0.0.0.0",
            description = "The address to listen on. Default ${DEFAULT-VALUE} (a container's).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "" + GatewaySettings.DEFAULT_PORT,
            description = "The port. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--store",
            description = "Where mixed audio is kept while its mix is (a volume); default a temporary directory.")
    Path store;

    @Option(
            names = "--shared-store",
            description = "A directory every replica shares (a ReadWriteMany volume): the stems as uploaded, so any"
                    + " replica renders any mix, and the saved presets; default the --store directory.")
    Path sharedStore;

    @Option(
            names = "--secret-file",
            description = "A file holding the gateway secret, when " + KeySeal.ENV + " is not set (a mounted Secret);"
                    + " it hashes API keys and seals their webhook secrets.")
    Path secretFile;

    /** The environment variable of the tournament's keys (as the tournament job's secret-keys), for the arena. */
    public static final String TOURNAMENT_KEYS_ENV = "AIMIX_TOURNAMENT_KEYS";

    @Option(
            names = "--tournament-keys-file",
            description =
                    "A file of the tournament's keys, ID:BASE64 separated by ';' or new lines, the signing one first (the"
                            + " tournament job's aimix.tournament.secret-keys), when " + TOURNAMENT_KEYS_ENV + " (comma"
                            + " separated) is not set. With them the gateway runs the listening arena; without, its routes"
                            + " answer ARENA_UNAVAILABLE.")
    Path tournamentKeysFile;

    @Override
    public Integer call() throws Exception {
        KafkaConnection kafka =
                new KafkaConnection(bootstrap, kafkaConfig == null ? Map.of() : KafkaConnection.readFile(kafkaConfig));
        KeySeal seal;
        try {
            seal = KeySeal.load(secretFile, false);
        } catch (IllegalArgumentException e) {
            System.err.println("aimix-gateway: error: " + e.getMessage());
            return 2;
        }
        ArenaSettings arena;
        try {
            TournamentKeys keys = tournamentKeys();
            arena = keys == null ? null : ArenaSettings.defaults(keys);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("aimix-gateway: error: the tournament's keys: " + e.getMessage());
            return 2;
        }
        GatewaySettings settings = GatewaySettings.defaults(kafka, seal)
                .withHost(host)
                .withPort(port)
                .withStoreDir(store)
                .withSharedStoreDir(sharedStore)
                .withArena(arena);
        Gateway gateway = Gateway.start(settings, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            gateway.close();
                            stopped.countDown();
                        },
                        "aimix-gateway-shutdown"));
        System.out.println("ready api=" + gateway.url());
        stopped.await();
        return 0;
    }

    /** The tournament's keys from the environment, else from the file; null when neither is given. */
    private TournamentKeys tournamentKeys() throws IOException {
        String env = System.getenv(TOURNAMENT_KEYS_ENV);
        if (env != null && !env.isBlank()) {
            return TournamentKeys.parse(specs(env));
        }
        if (tournamentKeysFile == null) {
            return null;
        }
        return TournamentKeys.parse(specs(Files.readString(tournamentKeysFile, StandardCharsets.UTF_8)));
    }

    /** Key specs separated by ';', ',' or new lines (as the tournament job reads its keys file). */
    static List<String> specs(String text) {
        return Arrays.stream(text.split("[;,\\r\\n]+"))
                .map(String::strip)
                .filter(x -> !x.isEmpty())
                .toList();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatewayMain()).execute(args));
    }
}
