package ai.aimix.launcher.cli;

import ai.aimix.jobs.JobArguments;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.tournament.TournamentJob;
import ai.aimix.jobs.training.TrainingJob;
import ai.aimix.launcher.cluster.FlinkRest;
import ai.aimix.launcher.cluster.StandaloneCluster;
import ai.aimix.launcher.embedded.KafkaProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./aimix cluster up|submit|status|down}: a Flink standalone session cluster of separate processes on this
 * machine (a JobManager, TaskManagers) with a Kafka broker in a process of its own, and the job jar submitted to it
 * through Flink's REST API: what a cluster deployment does, by hand. docs/OPERATIONS.md walks through it.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "A Flink cluster of separate processes on this machine, and the jobs submitted to it.",
        subcommands = {
            ClusterCommand.Up.class,
            ClusterCommand.Submit.class,
            ClusterCommand.Status.class,
            ClusterCommand.Down.class
        })
public final class ClusterCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The file in the cluster's directory that names its processes and addresses. */
    static final String STATE = "cluster.json";
    /** Where ./aimix runs from (the aimix script sets it). */
    static final String HOME_PROPERTY = "aimix.home";

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static Path root() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            throw new IllegalStateException("-D" + HOME_PROPERTY + " is not set (run through ./aimix)");
        }
        return Path.of(home);
    }

    /** The {@code --dir} every subcommand takes: where the cluster's processes, data and {@value #STATE} are. */
    static final class ClusterDir {
        @Option(
                names = "--dir",
                defaultValue = "aimix-cluster",
                description = "The cluster's directory. Default ${DEFAULT-VALUE}.")
        Path dir;

        Path path() {
            return dir.toAbsolutePath();
        }

        JsonNode state() throws IOException {
            return ClusterCommand.state(path());
        }

        @Override
        public String toString() {
            return dir.toString();
        }
    }

    static JsonNode state(Path dir) throws IOException {
        Path f = dir.resolve(STATE);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no cluster in " + dir + " (./aimix cluster up --dir " + dir + ")");
        }
        return JSON.readTree(f.toFile());
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** {@code ./aimix cluster up}. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Start a Kafka broker, a Flink JobManager and TaskManagers as separate processes, bound to "
                    + "127.0.0.1; they keep running after this command returns (./aimix cluster down stops them).")
    public static final class Up implements Callable<Integer> {
        @Mixin
        ClusterDir dir;

        @Option(names = "--task-managers", defaultValue = "2", description = "TaskManagers. Default ${DEFAULT-VALUE}.")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "2", description = "Slots per TaskManager. Default ${DEFAULT-VALUE}.")
        int slots;

        @Option(
                names = "--kafka-port",
                defaultValue = "9092",
                description = "The broker's port. Default ${DEFAULT-VALUE}.")
        int kafkaPort;

        @Override
        public Integer call() throws Exception {
            if (taskManagers < 1 || slots < 1) {
                throw new IllegalArgumentException("--task-managers and --slots must be at least 1");
            }
            Path d = dir.path();
            if (Files.isRegularFile(d.resolve(STATE))) {
                JsonNode s = state(d);
                for (JsonNode pid : s.path("pids")) {
                    if (alive(pid.asLong())) {
                        throw new IllegalArgumentException("a cluster runs in " + d + " (./aimix cluster down first)");
                    }
                }
            }
            Files.createDirectories(d.resolve("log"));
            Path models = Files.createDirectories(d.resolve("models"));
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g",
                    "-cp",
                    System.getProperty("java.class.path"),
                    KafkaProcess.class.getName(),
                    d.resolve("kafka").toString(),
                    String.valueOf(kafkaPort),
                    models.toString()));
            Path kafkaLog = d.resolve("log/kafka.out");
            Process kafka = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(kafkaLog.toFile())
                    .start();
            String bootstrap = awaitReady(kafka, kafkaLog, Duration.ofSeconds(90));
            StandaloneCluster flink = StandaloneCluster.start(
                    root().resolve("flink-cluster/target/flink/lib"),
                    d.resolve("flink"),
                    taskManagers,
                    slots,
                    Map.of());
            List<Long> pids = new ArrayList<>();
            pids.add(kafka.pid());
            pids.add(flink.jobManager().pid());
            flink.taskManagers().forEach(p -> pids.add(p.pid()));
            ObjectNode s = JSON.createObjectNode();
            s.put("rest", flink.restAddress().toString());
            s.put("bootstrap", bootstrap);
            s.put("models", models.toString());
            s.set("pids", JSON.valueToTree(pids));
            JSON.writeValue(d.resolve(STATE).toFile(), s);
            System.out.println("cluster up in " + d);
            System.out.println("  Flink web UI and REST: " + flink.restAddress() + "  (" + taskManagers
                    + " TaskManagers x " + slots + " slots)");
            System.out.println("  Kafka: " + bootstrap + "  model store: " + models);
            System.out.println("  logs: " + d.resolve("log") + ", " + d.resolve("flink/log"));
            System.out.println("next: ./aimix cluster submit --dir " + dir + "   then: ./aimix mix --bootstrap "
                    + bootstrap + " --stems FOLDER");
            return 0;
        }

        private static String awaitReady(Process kafka, Path log, Duration timeout) throws Exception {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                if (!kafka.isAlive()) {
                    throw new IllegalStateException("the Kafka process exited (" + kafka.exitValue() + "), see " + log);
                }
                Optional<String> ready = Files.readAllLines(log).stream()
                        .filter(l -> l.startsWith(KafkaProcess.READY + " "))
                        .findFirst();
                if (ready.isPresent()) {
                    return ready.get()
                            .substring(KafkaProcess.READY.length() + 1)
                            .trim();
                }
                Thread.sleep(200);
            }
            kafka.destroyForcibly();
            throw new IllegalStateException("Kafka was not ready within " + timeout.toSeconds() + " s, see " + log);
        }
    }

    /** {@code ./aimix cluster submit}. */
    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description = "Upload the job jar (jobs/target) to the cluster's REST API and run a job with the cluster's "
                    + "Kafka and model store, checkpoints every 2 s, and any -D options on top.")
    public static final class Submit implements Callable<Integer> {
        @Mixin
        ClusterDir dir;

        @Option(
                names = "--job",
                defaultValue = "mix",
                description = "mix, tournament or training. Default ${DEFAULT-VALUE}.")
        String job;

        @Option(names = "--parallelism", defaultValue = "2", description = "Default ${DEFAULT-VALUE}.")
        int parallelism;

        @Option(names = "--from-savepoint", description = "Start from this savepoint (as an upgrade does).")
        String savepoint;

        @Option(names = "-D", description = "A Flink or aimix.* option, e.g. -Daimix.inference.batch-segments=32.")
        Map<String, String> options = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            JsonNode s = dir.state();
            String entry;
            switch (job) {
                case "mix":
                    entry = MixJob.class.getName();
                    break;
                case "tournament":
                    entry = TournamentJob.class.getName();
                    break;
                case "training":
                    entry = TrainingJob.class.getName();
                    break;
                default:
                    throw new IllegalArgumentException("--job must be mix, tournament or training, not '" + job + "'");
            }
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put(KafkaOptions.BOOTSTRAP_SERVERS.key(), s.path("bootstrap").asText());
            conf.put(ModelStoreOptions.MODEL_STORE.key(), s.path("models").asText());
            conf.put("execution.checkpointing.interval", "2 s");
            conf.put("execution.checkpointing.mode", "EXACTLY_ONCE");
            conf.put("pipeline.generic-types", "false");
            conf.putAll(options);
            FlinkRest rest = new FlinkRest(URI.create(s.path("rest").asText()));
            String jar = rest.uploadJar(jobJar());
            String id = rest.run(jar, entry, JobArguments.of(conf), parallelism, savepoint);
            rest.awaitRunning(id, Duration.ofSeconds(120));
            System.out.println(
                    job + " job " + id + " running: " + s.path("rest").asText() + "/#/job/running/" + id);
            return 0;
        }

        private static Path jobJar() throws IOException {
            Path target = root().resolve("jobs/target");
            try (Stream<Path> files = Files.list(target)) {
                return files.filter(p -> {
                            String n = p.getFileName().toString();
                            return n.startsWith("aimix-jobs-") && n.endsWith(".jar") && !n.endsWith("-classes.jar");
                        })
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("no job jar in " + target + " (mvn package)"));
            }
        }
    }

    /** {@code ./aimix cluster status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Which of the cluster's processes run.")
    public static final class Status implements Callable<Integer> {
        @Mixin
        ClusterDir dir;

        @Override
        public Integer call() throws Exception {
            JsonNode s = dir.state();
            int running = 0;
            for (JsonNode pid : s.path("pids")) {
                boolean up = alive(pid.asLong());
                running += up ? 1 : 0;
                System.out.println("  pid " + pid.asLong() + (up ? " running" : " gone"));
            }
            System.out.println(running + " of " + s.path("pids").size() + " processes running; REST "
                    + s.path("rest").asText() + ", Kafka " + s.path("bootstrap").asText());
            return running == s.path("pids").size() ? 0 : 1;
        }
    }

    /** {@code ./aimix cluster down}. */
    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description =
                    "Stop the cluster's processes (its directory, with checkpoints, savepoints and Kafka's data, stays).")
    public static final class Down implements Callable<Integer> {
        @Mixin
        ClusterDir dir;

        @Override
        public Integer call() throws Exception {
            Path d = dir.path();
            JsonNode s = state(d);
            List<ProcessHandle> stopping = new ArrayList<>();
            for (JsonNode pid : s.path("pids")) {
                ProcessHandle.of(pid.asLong()).ifPresent(p -> {
                    p.destroy();
                    stopping.add(p);
                });
            }
            for (ProcessHandle p : stopping) {
                try {
                    p.onExit().get(30, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    p.destroyForcibly();
                }
            }
            Files.delete(d.resolve(STATE));
            System.out.println(
                    "cluster in " + d + " stopped (" + stopping.size() + " processes); its data stays there");
            return 0;
        }
    }
}
