package ai.aimix.launcher.embedded;

import ai.aimix.clients.kafka.Topics;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.registry.RegistryClient;
import ai.aimix.jobs.tournament.TournamentJob;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.launcher.cluster.FlinkRest;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.auth.TournamentKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: an in-process Kafka broker with the contract's topics, a model store, and a local Flink
 * cluster with its web UI running the mix job, all in this JVM and on loopback. {@link #start} returns once the
 * job's tasks are all running, i.e. once the stack accepts work.
 */
public final class EmbeddedStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);
    private static final Path SHORT_TMP = Path.of("/tmp");

    private final Configuration config;
    private volatile EmbeddedKafka kafka;
    private final JobClient job;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Path localDir;
    private JobClient tournament;
    private TournamentKeys tournamentKeys;

    private EmbeddedStack(
            Configuration config,
            EmbeddedKafka kafka,
            JobClient job,
            Path dataDir,
            boolean ownsDataDir,
            Path localDir) {
        this.config = config;
        this.kafka = kafka;
        this.job = job;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.localDir = localDir;
    }

    /**
     * @param config    the embedded Flink configuration (flink-conf/embedded plus overrides)
     * @param dataDir   where the broker's log, checkpoints and (unless configured) the model store live; null for a
     *                  temporary directory removed on close
     * @param kafkaPort the broker's port, 0 for any free port
     */
    public static EmbeddedStack start(Configuration config, Path dataDir, int kafkaPort) throws Exception {
        boolean temp = dataDir == null;
        Path data = temp ? Files.createTempDirectory("aimix-") : dataDir;
        Files.createDirectories(data);
        Configuration conf = new Configuration(config);
        if (!conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)) {
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    data.resolve("checkpoints").toUri().toString());
        }
        // RocksDB's working files, the web UI's files and REST uploads: a private (owner-only), unpredictable
        // directory of this process, on a short path (RocksDB's limit on path length bites under long temporary
        // directories)
        Path local = Files.createTempDirectory(
                Files.isDirectory(SHORT_TMP) ? SHORT_TMP : Path.of(System.getProperty("java.io.tmpdir")),
                "aimix-local-");
        conf.setString(
                "state.backend.rocksdb.localdir",
                Files.createDirectory(local.resolve("rocksdb")).toString());
        conf.set(WebOptions.TMP_DIR, Files.createDirectory(local.resolve("web")).toString());
        if (!conf.contains(WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            // Flink answers any origin ("*") by default: a web page the user visits could read the REST API
            conf.set(
                    WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN,
                    "http://" + conf.get(RestOptions.ADDRESS) + ":" + conf.get(RestOptions.PORT));
        }
        if (!conf.getOptional(ModelStoreOptions.MODEL_STORE).isPresent()) {
            conf.set(ModelStoreOptions.MODEL_STORE, data.resolve("models").toString());
        }
        EmbeddedKafka kafka = null;
        JobClient job = null;
        try {
            kafka = EmbeddedKafka.start(data.resolve("kafka"), temp, kafkaPort);
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            kafka.createTopics(TopicLayout.of(conf, conf.get(CoreOptions.DEFAULT_PARALLELISM)), TopicLayout.configs());
            kafka.createTopics(TopicLayout.registry(conf), TopicLayout.registryConfigs());
            kafka.createTopics(TopicLayout.gatewayTopics(), TopicLayout.registryConfigs());
            kafka.createTopics(TopicLayout.gatewayMixes(), TopicLayout.configs());
            admin(conf).bootstrap();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            job = MixJob.onKafka(conf).executeAsync(env);
            EmbeddedStack stack = new EmbeddedStack(conf, kafka, job, data, temp, local);
            stack.awaitRunning(Duration.ofSeconds(120));
            return stack;
        } catch (Exception | Error e) {
            if (job != null) {
                try {
                    job.cancel().get();
                } catch (Exception cancel) {
                    LOG.debug("Cancelling the mix job after a failed start: {}", cancel.toString());
                }
            }
            if (kafka != null) {
                kafka.close();
            }
            EmbeddedKafka.deleteQuietly(local);
            if (temp) {
                EmbeddedKafka.deleteQuietly(data);
            }
            throw e;
        }
    }

    /** Model administration against this configuration's store and registry topic. */
    public static ModelAdmin admin(ReadableConfig conf) {
        return new ModelAdmin(
                new ModelStore(conf.get(ModelStoreOptions.MODEL_STORE)),
                new RegistryClient(
                        KafkaOptions.connection(conf), conf.get(KafkaOptions.TOPIC_REGISTRY), Duration.ofSeconds(30)),
                Clock.systemUTC());
    }

    /** Waits until the job and each of its tasks report RUNNING (through the REST API the web UI uses). */
    private void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        FlinkRest rest = new FlinkRest(URI.create(uiUrl()));
        String id = job.getJobID().toString();
        while (true) {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the mix job ended while starting: " + status);
            }
            try {
                if (status == JobStatus.RUNNING && rest.allRunning(id)) {
                    return;
                }
            } catch (IOException e) {
                LOG.debug("REST not up yet: {}", e.getMessage());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(
                        "the mix job did not reach RUNNING within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Starts the tournament job next to the mix job, with its topics: on its own local cluster in this JVM (the web UI
     * shows the mix job; this one's REST endpoint takes any free port). {@code overrides} are its options on top of
     * the stack's configuration (e.g. which leagues evolve).
     */
    public synchronized JobClient startTournament(Map<String, String> overrides) throws Exception {
        if (tournament != null) {
            throw new IllegalStateException("the tournament job is running already");
        }
        Configuration conf = new Configuration(config);
        overrides.forEach(conf::setString);
        conf.set(RestOptions.BIND_PORT, "0");
        if (conf.get(TournamentJobOptions.AUTHENTICATE) && TournamentJobOptions.keys(conf) == null) {
            // the launcher is the authenticator here: a key of this run, handed to the job and to the simulation
            conf.set(
                    TournamentJobOptions.SECRET_KEYS,
                    TournamentKeys.generate("embedded").specs());
        }
        tournamentKeys = TournamentJobOptions.keys(conf);
        kafka.createTopics(
                TopicLayout.tournament(conf, conf.get(CoreOptions.DEFAULT_PARALLELISM)), TopicLayout.configs());
        tournament = TournamentJob.onKafka(conf).executeAsync(StreamExecutionEnvironment.createLocalEnvironment(conf));
        return tournament;
    }

    /** A broker outage: stops the broker, waits {@code down}, starts it again on the same port with the same data. */
    public synchronized void restartKafka(Duration down) throws Exception {
        kafka = kafka.restart(down);
    }

    /** Creates topics on the stack's broker (partitions by name), with the contract's topic settings. */
    public void createTopics(Map<String, Integer> topics) throws Exception {
        kafka.createTopics(topics, TopicLayout.configs());
    }

    public Configuration config() {
        return config;
    }

    /**
     * The keys the tournament job verifies votes and opens battle seals with (those configured, or one drawn for this
     * run): whoever plays the authenticator and the battle scheduler here signs and seals with them. Null before the
     * tournament job starts, or when it does not authenticate.
     */
    public synchronized TournamentKeys tournamentKeys() {
        return tournamentKeys;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String uiUrl() {
        return "http://" + config.get(RestOptions.ADDRESS) + ":" + config.get(RestOptions.PORT);
    }

    public JobClient job() {
        return job;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Topics topics() {
        return new Topics(
                config.get(MixJobOptions.TOPIC_REQUESTS),
                config.get(MixJobOptions.TOPIC_CHUNKS),
                config.get(MixJobOptions.TOPIC_OUTPUT),
                config.get(MixJobOptions.TOPIC_PROGRESS),
                config.get(MixJobOptions.TOPIC_RESULTS),
                config.get(MixJobOptions.TOPIC_ERRORS));
    }

    @Override
    public void close() {
        if (tournament != null) {
            try {
                tournament.cancel().get();
            } catch (Exception e) {
                LOG.warn("Cancelling the tournament job failed: {}", e.toString());
            }
        }
        try {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        } catch (Exception e) {
            LOG.warn("Cancelling the mix job failed: {}", e.toString());
        }
        kafka.close();
        EmbeddedKafka.deleteQuietly(localDir);
        if (ownsDataDir) {
            EmbeddedKafka.deleteQuietly(dataDir);
        }
    }
}
