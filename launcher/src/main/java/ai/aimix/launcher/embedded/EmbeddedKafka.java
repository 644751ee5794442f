package ai.aimix.launcher.embedded;

import ai.aimix.clients.kafka.KafkaConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, broker and controller in one) inside this JVM, on loopback ports: the broker of the
 * embedded default. Its log directory is formatted on start and deleted on close unless it was given.
 *
 * <p>{@link #startSecured} starts it as a secured cluster is run: SASL/PLAIN on every listener (clients, between
 * broker and controller), Kafka's ACL authorizer, nothing allowed that an ACL does not allow, one super user
 * ({@value #ADMIN}) that sets up topics and ACLs, and the given users.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    /** The super user of a secured broker. */
    public static final String ADMIN = "admin";

    private final Path dataDir;
    private final boolean ownsDir;
    private final int brokerPort;
    private final KafkaRaftServer server;
    /** User to password of a secured broker (the admin included); empty for a plaintext one. */
    private final Map<String, String> users;

    private EmbeddedKafka(
            Path dataDir, boolean ownsDir, int brokerPort, KafkaRaftServer server, Map<String, String> users) {
        this.dataDir = dataDir;
        this.ownsDir = ownsDir;
        this.brokerPort = brokerPort;
        this.server = server;
        this.users = users;
    }

    /** Starts a broker with its data in a fresh temporary directory (deleted on close). */
    public static EmbeddedKafka start() throws Exception {
        return start(Files.createTempDirectory("aimix-kafka-"), true, 0);
    }

    /**
     * Starts a broker.
     *
     * @param port the broker's port, 0 for any free one
     */
    public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, int port) throws Exception {
        return start(dataDir, deleteOnClose, port, Map.of());
    }

    /**
     * Starts a secured broker (SASL/PLAIN, ACLs) in a fresh temporary directory, with these users and passwords
     * besides its super user; {@link #connection(String)} connects as one of them.
     */
    public static EmbeddedKafka startSecured(Map<String, String> users) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(users);
        byte[] password = new byte[24];
        new SecureRandom().nextBytes(password);
        all.put(ADMIN, Base64.getEncoder().encodeToString(password));
        return start(Files.createTempDirectory("aimix-kafka-"), true, 0, all);
    }

    /**
     * The log cleaner's key map for the compacted topics (keys, webhook deliveries, the registry, standings), held on
     * the heap. Kafka's default, 128 MiB, is sized for a shared broker; here it was the largest single object in
     * {@code serve}'s heap. 16 MiB holds about 700,000 keys (24 bytes each), far more than these topics carry.
     */
    private static final long CLEANER_DEDUPE_BUFFER_BYTES = 16L << 20;

    private static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, int port, Map<String, String> users)
            throws Exception {
        long t0 = System.nanoTime();
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Path logDir = dataDir.resolve("log");
        Files.createDirectories(logDir);

        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        if (users.isEmpty()) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            p.put(
                    "listeners",
                    "SASL_PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
            p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("sasl.mechanism.controller.protocol", "PLAIN");
            StringBuilder jaas = new StringBuilder(
                    PLAIN_LOGIN + " required username=\"" + ADMIN + "\" password=\"" + users.get(ADMIN) + "\"");
            users.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            jaas.append(';');
            p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.toString());
            p.put("listener.name.controller.plain.sasl.jaas.config", jaas.toString());
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:" + ADMIN);
            p.put("allow.everyone.if.no.acl.found", "false");
        }
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(CLEANER_DEDUPE_BUFFER_BYTES));
        KafkaConfig config = KafkaConfig.fromProps(p, false);

        boolean formatted;
        try (Stream<Path> files = Files.list(logDir)) {
            formatted = files.anyMatch(f -> f.getFileName().toString().equals("meta.properties"));
        }
        if (!formatted) {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, deleteOnClose, brokerPort, server, Map.copyOf(users));
        kafka.awaitReady();
        LOG.info("Embedded Kafka ready at {} in {} ms", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
        return kafka;
    }

    private void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        try (Admin admin = admin()) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get();
                    return;
                } catch (ExecutionException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** An admin client (on a secured broker, as its super user). */
    public Admin admin() {
        return Admin.create(connection(ADMIN).properties());
    }

    /**
     * How a client connects, as {@code user} on a secured broker (the pass-through settings a client of the service
     * is given), or plainly.
     */
    public KafkaConnection connection(String user) {
        if (users.isEmpty()) {
            return KafkaConnection.plain(bootstrapServers());
        }
        String password = users.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no user " + user + " on this broker");
        }
        return new KafkaConnection(
                bootstrapServers(),
                Map.of(
                        "security.protocol",
                        "SASL_PLAINTEXT",
                        "sasl.mechanism",
                        "PLAIN",
                        "sasl.jaas.config",
                        PLAIN_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";"));
    }

    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    /**
     * Creates topics (existing ones are left alone) and waits until every partition has a leader, so the first
     * sends do not fail.
     */
    public void createTopics(Map<String, Integer> partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            partitions.forEach((name, n) -> topics.add(new NewTopic(name, n, (short) 1).configs(configs)));
            try {
                admin.createTopics(topics).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            long deadline = System.currentTimeMillis() + Duration.ofSeconds(30).toMillis();
            while (true) {
                boolean ready = true;
                try {
                    for (TopicDescription d : admin.describeTopics(partitions.keySet())
                            .allTopicNames()
                            .get()
                            .values()) {
                        ready &= d.partitions().stream()
                                .allMatch(pi ->
                                        pi.leader() != null && !pi.leader().isEmpty());
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    ready = false; // created, but the metadata has not reached the broker's cache yet
                }
                if (ready) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("topics " + partitions.keySet() + " have no leaders after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Stops the broker, waits {@code down}, and starts it again on the same port with the same data (a broker outage,
     * for fault tests and {@code ./aimix load --fault}); the returned broker replaces this one.
     */
    public EmbeddedKafka restart(Duration down) throws Exception {
        server.shutdown();
        server.awaitShutdown();
        Thread.sleep(down.toMillis());
        return start(dataDir, ownsDir, brokerPort, users);
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (ownsDir) {
                deleteQuietly(dataDir);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Removes a directory tree as far as it can (best effort: what cannot be removed stays). */
    public static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
