package ai.aimix.launcher.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Flink standalone session cluster of separate JVM processes on this machine: one JobManager and any number of
 * TaskManagers, started the way Flink's own scripts start them ({@code StandaloneSessionClusterEntrypoint},
 * {@code TaskManagerRunner}, {@code --configDir}) from a {@code lib/} directory (the one {@code flink-cluster/}
 * assembles), every address bound to loopback. Jobs are submitted through its REST API ({@link FlinkRest}), as an
 * operator or the Kubernetes operator would.
 */
public final class StandaloneCluster implements AutoCloseable {
    /** What the JVMs of a Flink 2.2 distribution get on Java 17 (its config.yaml's env.java.default-opts.all). */
    static final List<String> JAVA17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * What our jobs add (as the Helm chart's env.java.opts.taskmanager does): the tournament job's quality gate
     * synthesises its benchmark songs with the JDK's MIDI synthesizer.
     */
    static final List<String> AIMIX_OPTS = List.of("--add-exports=java.desktop/com.sun.media.sound=ALL-UNNAMED");

    /** The TaskManagers' memory, set component by component so the JVM flags below match what Flink computes. */
    private static final Map<String, String> TASK_MANAGER_MEMORY = Map.of(
            "taskmanager.memory.framework.heap.size", "128m",
            "taskmanager.memory.task.heap.size", "640m",
            "taskmanager.memory.managed.size", "256m",
            "taskmanager.memory.framework.off-heap.size", "128m",
            "taskmanager.memory.task.off-heap.size", "64m",
            "taskmanager.memory.network.min", "64m",
            "taskmanager.memory.network.max", "64m",
            "taskmanager.memory.jvm-metaspace.size", "256m",
            "taskmanager.memory.jvm-overhead.min", "192m",
            "taskmanager.memory.jvm-overhead.max", "192m");

    private static final List<String> TASK_MANAGER_JVM =
            List.of("-Xms768m", "-Xmx768m", "-XX:MaxDirectMemorySize=256m", "-XX:MaxMetaspaceSize=256m");
    private static final List<String> JOB_MANAGER_JVM = List.of("-Xmx512m", "-XX:MaxMetaspaceSize=256m");

    private final Path lib;
    private final Path home;
    private final int restPort;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int started;

    private StandaloneCluster(Path lib, Path home, int restPort, Process jobManager) {
        this.lib = lib;
        this.home = home;
        this.restPort = restPort;
        this.jobManager = jobManager;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers and waits until all are registered.
     *
     * @param lib a Flink distribution's lib/ (flink-cluster/target/flink/lib)
     * @param home the cluster's directory: conf/, log/, checkpoints/, savepoints/, uploads, temporary files
     * @param slots task slots per TaskManager
     * @param config more Flink options for conf/config.yaml (state backend, restart strategy, ...)
     */
    public static StandaloneCluster start(Path lib, Path home, int taskManagers, int slots, Map<String, String> config)
            throws IOException, InterruptedException {
        return start(lib, home, taskManagers, slots, config, null);
    }

    /**
     * As {@link #start(Path, Path, int, int, Map)}, the processes logging with {@code log4jConfiguration} (e.g.
     * flink-conf/cluster/log4j-console.properties: JSON lines on the console, in log/NAME.out) instead of to files.
     */
    public static StandaloneCluster start(
            Path lib, Path home, int taskManagers, int slots, Map<String, String> config, Path log4jConfiguration)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(lib.resolve("flink-runtime-" + flinkVersion(lib) + ".jar"))) {
            throw new IllegalArgumentException(lib + " is not a Flink lib/ directory (build flink-cluster first)");
        }
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("log"));
        int rpcPort = freePort();
        int restPort = freePort();
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("jobmanager.memory.process.size", "1024m");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", String.valueOf(restPort));
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        conf.put("taskmanager.cpu.cores", String.valueOf(slots)); // what Flink's start scripts pass a TaskManager
        conf.putAll(TASK_MANAGER_MEMORY);
        conf.put("web.upload.dir", home.resolve("uploads").toString());
        conf.put("io.tmp.dirs", home.resolve("tmp").toString());
        conf.put(
                "execution.checkpointing.dir",
                home.resolve("checkpoints").toUri().toString());
        conf.put(
                "execution.checkpointing.savepoint-dir",
                home.resolve("savepoints").toUri().toString());
        conf.put("state.backend.type", "rocksdb");
        conf.put("execution.checkpointing.incremental", "true");
        conf.putAll(config);
        Files.createDirectories(home.resolve("uploads"));
        Files.createDirectories(home.resolve("tmp"));
        StringBuilder yaml = new StringBuilder("# written by StandaloneCluster\n");
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
        Files.writeString(home.resolve("conf/config.yaml"), yaml.toString());
        if (log4jConfiguration != null) {
            Files.copy(log4jConfiguration, home.resolve("conf/log4j.properties"), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.writeString(
                    home.resolve("conf/log4j.properties"),
                    String.join(
                            "\n",
                            "rootLogger.level = INFO",
                            "rootLogger.appenderRef.file.ref = file",
                            "appender.file.type = File",
                            "appender.file.name = file",
                            "appender.file.fileName = ${sys:log.file}",
                            "appender.file.layout.type = PatternLayout",
                            "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                            ""));
        }
        Process jm = launch(
                lib,
                home,
                "jobmanager",
                JOB_MANAGER_JVM,
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        StandaloneCluster cluster = new StandaloneCluster(lib, home, restPort, jm);
        try {
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            try {
                cluster.rest().awaitTaskManagers(taskManagers, Duration.ofSeconds(90));
            } catch (IOException e) {
                throw new IOException(e.getMessage() + cluster.exited(), e);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts one more TaskManager (it registers with the JobManager by itself). */
    public Process startTaskManager() throws IOException {
        Process tm = launch(
                lib,
                home,
                "taskmanager-" + started++,
                TASK_MANAGER_JVM,
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        taskManagers.add(tm);
        return tm;
    }

    /** The JobManager process. */
    public Process jobManager() {
        return jobManager;
    }

    /** The TaskManager processes started so far (killed ones included). */
    public List<Process> taskManagers() {
        return List.copyOf(taskManagers);
    }

    /** Kills a TaskManager as a crash would: SIGKILL, no shutdown hooks. */
    public void kill(Process taskManager) throws InterruptedException {
        taskManager.destroyForcibly();
        taskManager.waitFor(30, TimeUnit.SECONDS);
    }

    public URI restAddress() {
        return URI.create("http://127.0.0.1:" + restPort);
    }

    public FlinkRest rest() {
        return new FlinkRest(restAddress());
    }

    public Path home() {
        return home;
    }

    /** Which processes ended, each with the last lines of its log: why a cluster did not come up. */
    private String exited() {
        StringBuilder s = new StringBuilder();
        List<Process> all = new ArrayList<>(taskManagers);
        all.add(0, jobManager);
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).isAlive()) {
                String name = i == 0 ? "jobmanager" : "taskmanager-" + (i - 1);
                s.append("; ")
                        .append(name)
                        .append(" exited with ")
                        .append(all.get(i).exitValue());
                try {
                    Path log = home.resolve("log/" + name + ".log"); // with console logging: the .out file
                    List<String> lines =
                            Files.readAllLines(Files.exists(log) ? log : home.resolve("log/" + name + ".out"));
                    lines.stream()
                            .filter(l -> l.contains("Exception") || l.contains("ERROR"))
                            .reduce((a, b) -> b)
                            .ifPresent(l -> s.append(": ").append(l));
                } catch (IOException e) {
                    s.append(" (no log)");
                }
            }
        }
        return s.toString();
    }

    private static Process launch(Path lib, Path home, String name, List<String> jvm, String mainClass)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-XX:+UseParallelGC");
        cmd.addAll(JAVA17_OPTS);
        cmd.addAll(AIMIX_OPTS);
        cmd.add("-Dlog.file=" + home.resolve("log/" + name + ".log"));
        cmd.add("-Dlog4j.configurationFile="
                + home.resolve("conf/log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(lib.toAbsolutePath() + "/*");
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(home.resolve("conf").toString());
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("log/" + name + ".out").toFile())
                .start();
    }

    private static String flinkVersion(Path lib) throws IOException {
        try (var files = Files.list(lib)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("flink-runtime-") && n.endsWith(".jar") && !n.contains("web"))
                    .map(n -> n.substring("flink-runtime-".length(), n.length() - ".jar".length()))
                    .findFirst()
                    .orElse("?");
        }
    }

    private static String quote(String v) {
        return v.matches("[A-Za-z0-9_./:,=-]*") && !v.isEmpty() ? v : "'" + v.replace("'", "''") + "'";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops every process (TaskManagers first), waiting for each. */
    @Override
    public void close() {
        for (Process tm : taskManagers) {
            tm.destroy();
        }
        jobManager.destroy();
        for (Process p : taskManagers) {
            awaitOrKill(p);
        }
        awaitOrKill(jobManager);
    }

    private static void awaitOrKill(Process p) {
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
