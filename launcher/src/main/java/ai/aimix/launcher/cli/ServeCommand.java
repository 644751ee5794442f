package ai.aimix.launcher.cli;

import ai.aimix.clients.cli.ServeInfo;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.arena.ArenaSettings;
import ai.aimix.gateway.keys.ApiKey;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.keys.KeyRing;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.model.store.ModelStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./aimix serve}: the embedded stack for outside producers and consumers, until stopped. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Run the in-process Kafka, the mix job, the tournament job and the HTTP API for outside "
                + "producers and consumers. Prints a line starting with 'ready' (bootstrap address, topics, web UI, "
                + "API) once it accepts work.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Kafka port. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--ui-port", defaultValue = "8081", description = "Flink web UI port. Default ${DEFAULT-VALUE}.")
    int uiPort;

    @Option(
            names = "--api-port",
            defaultValue = "" + GatewaySettings.DEFAULT_PORT,
            description = "HTTP API (gateway) port, on 127.0.0.1. Default ${DEFAULT-VALUE}.")
    int apiPort;

    @Option(
            names = "--data",
            description =
                    "Keep Kafka's log, checkpoints and models here across restarts (default: a temporary folder).")
    Path data;

    @Mixin
    CommonOptions common;

    /** How long serve waits for its gateway to read the key it created. */
    static final Duration KEY_WAIT = Duration.ofSeconds(30);

    /** How often serve checks that its job still runs. */
    static final Duration JOB_CHECK = Duration.ofSeconds(1);

    /** The arena of serve's gateway: the tournament job's key, topics and minimum listening (none without a key). */
    public static ArenaSettings arena(EmbeddedStack stack) {
        Configuration c = stack.config();
        if (stack.tournamentKeys() == null) {
            return null;
        }
        return ArenaSettings.defaults(stack.tournamentKeys())
                .withTopics(
                        c.get(TournamentJobOptions.TOPIC_BATTLES),
                        c.get(TournamentJobOptions.TOPIC_VOTES),
                        c.get(TournamentJobOptions.TOPIC_EVOLUTION))
                .withMinListenShare(c.get(TournamentJobOptions.MIN_LISTEN_SHARE));
    }

    @Override
    public Integer call() throws Exception {
        for (int p : new int[] {port, uiPort, apiPort}) {
            if (!CommonOptions.portFree(p)) {
                System.err.println(
                        "aimix serve: error: port " + p + " is in use; pass --port / --ui-port / --api-port");
                return 2;
            }
        }
        EmbeddedStack stack =
                EmbeddedStack.start(common.config(Map.of("rest.port", String.valueOf(uiPort))), data, port);
        JobClient tournament;
        Gateway gateway;
        ApiKey.Issued key;
        KeySeal seal;
        try {
            tournament = stack.startTournament(Map.of());
            // one gateway secret per home (or AIMIX_GATEWAY_SECRET): ./aimix keys uses the same one
            seal = KeySeal.load(KeysCommand.secretFile(), true);
            gateway = Gateway.start(
                    GatewaySettings.defaults(KafkaOptions.connection(stack.config()), seal)
                            .withPort(apiPort)
                            .withTopics(stack.topics())
                            .withStoreDir(data == null ? null : data.resolve("gateway"))
                            .withArena(arena(stack)),
                    Clock.systemUTC());
            // a key of this run for whoever runs serve (others: ./aimix keys create)
            key = ApiKey.issue("serve " + Instant.now(), KeyLimits.defaults(), System.currentTimeMillis(), seal);
            KeyRing.publish(
                    KafkaOptions.connection(stack.config()), GatewaySettings.DEFAULT_KEYS_TOPIC, key.key(), seal);
            if (!gateway.awaitKey(key.key().id(), KEY_WAIT)) {
                throw new IllegalStateException(
                        "the gateway did not see its key within " + KEY_WAIT.toSeconds() + " s");
            }
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
        long pid = ProcessHandle.current().pid();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (closed.compareAndSet(false, true)) {
                ServeInfo.remove(pid);
                // this run's key ends with it: with --data the keys topic outlives the run, its token must not
                try {
                    KeyRing.publish(
                            KafkaOptions.connection(stack.config()),
                            GatewaySettings.DEFAULT_KEYS_TOPIC,
                            key.key().revoke(),
                            seal);
                } catch (Exception e) {
                    System.err.println("aimix serve: could not revoke this run's key "
                            + key.key().id() + ": " + e);
                }
                gateway.close();
                stack.close();
            }
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "aimix-serve-shutdown"));
        Topics t = stack.topics();
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("requests", t.requests);
        topics.put("chunks", t.chunks);
        topics.put("output", t.output);
        topics.put("progress", t.progress);
        topics.put("results", t.results);
        topics.put("errors", t.errors);
        topics.put("registry", stack.config().get(KafkaOptions.TOPIC_REGISTRY));
        topics.put("battles", stack.config().get(TournamentJobOptions.TOPIC_BATTLES));
        topics.put("votes", stack.config().get(TournamentJobOptions.TOPIC_VOTES));
        topics.put("standings", stack.config().get(TournamentJobOptions.TOPIC_STANDINGS));
        topics.put("tournamentErrors", stack.config().get(TournamentJobOptions.TOPIC_ERRORS));
        topics.put("evolution", stack.config().get(TournamentJobOptions.TOPIC_EVOLUTION));
        new ServeInfo(
                        stack.bootstrapServers(),
                        stack.uiUrl(),
                        pid,
                        new ModelStore(stack.config().get(ModelStoreOptions.MODEL_STORE)).root(),
                        topics)
                .write(topics);
        System.out.println(
                "ready bootstrap=" + stack.bootstrapServers() + " topics=" + String.join(",", topics.values())
                        + " ui=" + stack.uiUrl() + " api=" + gateway.url() + " key=" + key.token() + " webhook-secret="
                        + key.key().webhookSecret() + " models="
                        + stack.config().get(ModelStoreOptions.MODEL_STORE)
                        + (AimixCli.logFile() == null ? "" : " log=" + AimixCli.logFile())
                        + " studio=" + StudioMix.address(gateway.url(), key.token(), null)
                        + " arena=" + gateway.url().replace(Gateway.API, "") + "/arena.html");
        System.out.flush();
        // a serve whose job has ended must not go on advertising itself: stop, and say why
        Map<String, JobWatch> watches = new LinkedHashMap<>();
        watches.put("mix", new JobWatch(stack.job()));
        watches.put("tournament", new JobWatch(tournament));
        while (!stopped.await(JOB_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
            for (Map.Entry<String, JobWatch> w : watches.entrySet()) {
                Optional<String> ended = w.getValue().ended();
                if (ended.isPresent() && stopped.getCount() > 0) {
                    System.err.println("aimix serve: error: the " + w.getKey() + " job ended (" + ended.get()
                            + "); stopping"
                            + (AimixCli.logFile() == null ? "" : " (details: " + AimixCli.logFile() + ")"));
                    shutdown.run();
                    return 1;
                }
            }
        }
        return 0;
    }
}
