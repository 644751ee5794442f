package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.cli.MixClient;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJob;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.registry.RegistryClient;
import ai.aimix.launcher.cli.CliRun;
import ai.aimix.launcher.embedded.EmbeddedKafka;
import ai.aimix.launcher.embedded.TopicLayout;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ModelSelections;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, finding 6: the service against a secured Kafka. A broker with SASL/PLAIN on every listener and Kafka's ACL
 * authorizer (nothing allowed without an ACL); the ACLs docs/SECURITY.md tells an operator to grant; the mix job
 * connecting as its own user through {@code aimix.kafka.client-config-file} and {@code aimix.kafka.client.*}; a
 * producer with rights mixing a song; one without rights refused.
 */
class SecuredKafkaTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobTestSupport.miniCluster();

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startSecured(
                Map.of("mixjob", "mixjob-secret", "producer", "producer-secret", "stranger", "stranger-secret"));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }

    /** What docs/SECURITY.md lists for the mix job's user. */
    static List<AclBinding> mixJobAcls(String user, Configuration c) {
        List<AclBinding> out = new ArrayList<>();
        for (String t : List.of(
                c.get(MixJobOptions.TOPIC_REQUESTS),
                c.get(MixJobOptions.TOPIC_CHUNKS),
                c.get(KafkaOptions.TOPIC_REGISTRY))) {
            out.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ));
        }
        for (String t : List.of(
                c.get(MixJobOptions.TOPIC_OUTPUT),
                c.get(MixJobOptions.TOPIC_PROGRESS),
                c.get(MixJobOptions.TOPIC_RESULTS),
                c.get(MixJobOptions.TOPIC_ERRORS))) {
            out.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE));
        }
        String group = c.get(MixJobOptions.GROUP_ID);
        out.add(allow(user, ResourceType.GROUP, group, PatternType.PREFIXED, AclOperation.READ));
        String tx = c.get(MixJobOptions.TRANSACTIONAL_ID_PREFIX);
        out.add(allow(user, ResourceType.TRANSACTIONAL_ID, tx, PatternType.PREFIXED, AclOperation.WRITE));
        out.add(allow(user, ResourceType.TRANSACTIONAL_ID, tx, PatternType.PREFIXED, AclOperation.DESCRIBE));
        return out;
    }

    /** What docs/SECURITY.md lists for a producer of mixes: write requests and chunks, read the four outputs. */
    static List<AclBinding> producerAcls(String user) {
        List<AclBinding> out = new ArrayList<>();
        for (String t : List.of(Contract.MIX_REQUESTS, Contract.AUDIO_CHUNKS)) {
            out.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE));
        }
        for (String t :
                List.of(Contract.MIX_OUTPUT, Contract.MIX_PROGRESS, Contract.MIX_RESULTS, Contract.MIX_ERRORS)) {
            out.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ));
        }
        return out;
    }

    /** A Kafka client properties file for {@code user}, as an operator hands one out. */
    static Path propertiesOf(String user) throws IOException {
        Path f = dir.resolve(user + ".properties");
        Properties p = new Properties();
        p.putAll(kafka.connection(user).settings());
        try (OutputStream out = Files.newOutputStream(f)) {
            p.store(out, null);
        }
        return f;
    }

    @Test
    void theJobRunsWithItsRightsAProducerWithRightsMixesAndOneWithoutIsRefused() throws Exception {
        // the job's own settings: the password in a client properties file, the mechanism as options
        KafkaConnection asJob = kafka.connection("mixjob");
        Path jobProperties = dir.resolve("mixjob.properties");
        Properties file = new Properties();
        file.setProperty("sasl.jaas.config", asJob.settings().get("sasl.jaas.config"));
        try (OutputStream out = Files.newOutputStream(jobProperties)) {
            file.store(out, "the mix job's Kafka credentials");
        }
        Configuration conf = JobTestSupport.jobConfig(kafka, dir.resolve("store"), "secured");
        conf.set(KafkaOptions.CLIENT_CONFIG_FILE, jobProperties.toString());
        conf.setString(KafkaConnection.PREFIX + "security.protocol", "SASL_PLAINTEXT");
        conf.setString(KafkaConnection.PREFIX + "sasl.mechanism", "PLAIN");
        assertEquals(asJob.settings(), KafkaOptions.connection(conf).settings());

        // as the super user: topics, ACLs and the registry
        kafka.createTopics(TopicLayout.of(conf, 2), TopicLayout.configs());
        kafka.createTopics(TopicLayout.registry(conf), TopicLayout.registryConfigs());
        try (Admin admin = kafka.admin()) {
            List<AclBinding> acls = new ArrayList<>(mixJobAcls("mixjob", conf));
            acls.addAll(producerAcls("producer"));
            admin.createAcls(acls).all().get();
        }
        new ModelAdmin(
                        new ModelStore(dir.resolve("store").toString()),
                        new RegistryClient(
                                kafka.connection(EmbeddedKafka.ADMIN),
                                Contract.MODELS_REGISTRY,
                                Duration.ofSeconds(30)),
                        Clock.systemUTC())
                .bootstrap();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        JobClient job = MixJob.onKafka(conf).executeAsync(env);
        try {
            List<StemInput> song = JobTestSupport.stems(2, 3.0, 1500);
            MixClient.Outcome o = new MixClient(kafka.connection("producer"), Topics.defaults())
                    .run(
                            StemProducer.request("secured-mix", song, ModelSelections.champion()),
                            song,
                            4096,
                            SampleEncoding.PCM_S16LE,
                            Duration.ofSeconds(120),
                            null);
            assertEquals(MixStatus.COMPLETED, o.mix.result.getStatus(), o.mix.result.getErrorMessage());
            assertEquals(
                    ModelStore.SHIPPED_CHAMPION,
                    o.mix.result.getVariants().get(0).getModelVersion());

            // without rights: refused by the broker, with the reason, and nothing reaches the job
            try (StemProducer stranger = new StemProducer(kafka.connection("stranger"), Topics.defaults())) {
                stranger.send(StemProducer.request("stranger-mix", song, ModelSelections.champion()));
                IllegalStateException e = assertThrows(IllegalStateException.class, stranger::flush);
                assertTrue(e.getCause() instanceof TopicAuthorizationException, e.toString());
            }
            // with a wrong password: not even connected
            KafkaConnection wrong = new KafkaConnection(
                    kafka.bootstrapServers(),
                    Map.of(
                            "security.protocol",
                            "SASL_PLAINTEXT",
                            "sasl.mechanism",
                            "PLAIN",
                            "sasl.jaas.config",
                            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"producer\" "
                                    + "password=\"guess\";"));
            try (StemProducer guesser = new StemProducer(wrong, Topics.defaults())) {
                guesser.send(StemProducer.request("guess-mix", song, ModelSelections.champion()));
                assertThrows(IllegalStateException.class, guesser::flush);
            }
            // the mix job's user cannot produce requests itself (least privilege)
            try (StemProducer jobAsProducer = new StemProducer(asJob, Topics.defaults())) {
                jobAsProducer.send(StemProducer.request("job-mix", song, ModelSelections.champion()));
                assertThrows(IllegalStateException.class, jobAsProducer::flush);
            }
            // the command line, with a client properties file per user
            Path stems = Files.createDirectories(dir.resolve("stems"));
            for (StemInput s : song) {
                Wav.write(stems.resolve(s.name + ".wav"), s.audio, Wav.Encoding.FLOAT_32);
            }
            CliRun mixed = CliRun.run(
                    "mix",
                    "--stems",
                    stems.toString(),
                    "--out",
                    dir.resolve("mix.wav").toString(),
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--kafka-config",
                    propertiesOf("producer").toString(),
                    "--timeout",
                    "120");
            assertEquals(0, mixed.code, mixed.toString());
            assertTrue(Files.size(dir.resolve("mix.wav")) > 0);
            CliRun refused = CliRun.run(
                    "mix",
                    "--stems",
                    stems.toString(),
                    "--out",
                    dir.resolve("refused.wav").toString(),
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--kafka-config",
                    propertiesOf("stranger").toString(),
                    "--timeout",
                    "30");
            assertEquals(3, refused.code, refused.toString());
            assertEquals(
                    1,
                    refused.err
                            .strip()
                            .lines()
                            .filter(l -> l.startsWith("aimix mix: error: "))
                            .count(),
                    refused.err);
            assertTrue(refused.err.toLowerCase(Locale.ROOT).contains("not authorized"), refused.err);
            CliRun models = CliRun.run(
                    "models",
                    "list",
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--kafka-config",
                    propertiesOf(EmbeddedKafka.ADMIN).toString());
            assertEquals(0, models.code, models.toString());
            assertTrue(models.out.contains(ModelStore.SHIPPED_CHAMPION), models.out);
            CliRun noRights = CliRun.run(
                    "models",
                    "list",
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--kafka-config",
                    propertiesOf("producer").toString());
            assertEquals(3, noRights.code, noRights.toString());
            assertTrue(noRights.err.contains("Kafka refused this client"), noRights.err);
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
        } finally {
            job.cancel().get();
        }
    }
}
