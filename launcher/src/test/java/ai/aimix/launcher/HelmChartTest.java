package ai.aimix.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.gateway.GatewayMain;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.launcher.embedded.FlinkConfigs;
import ai.aimix.launcher.embedded.FlinkConfigsTest;
import ai.aimix.schema.codec.Contract;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * helm/aimix, linted and rendered by Helm itself (helm-java bundles it): the kinds, names and labels of what it
 * renders, every flinkConfiguration key a real option, every topic of the code a KafkaTopic, and the image's paths
 * there after the build.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("..", "helm", "aimix");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String RELEASE = "aimix";

    /**
     * Options of the Flink Kubernetes Operator's autoscaler (its documentation's autoscaler configuration; the
     * operator's classes are not on Maven Central for this Flink version, so not on this class path).
     */
    private static final Set<String> AUTOSCALER_OPTIONS = Set.of(
            "job.autoscaler.enabled",
            "job.autoscaler.scaling.enabled",
            "job.autoscaler.target.utilization",
            "job.autoscaler.target.utilization.boundary",
            "job.autoscaler.metrics.window",
            "job.autoscaler.stabilization.interval",
            "job.autoscaler.catch-up.duration",
            "job.autoscaler.restart.time",
            "job.autoscaler.vertex.max-parallelism");

    /**
     * {@code helm lint --strict}, with the default values and with the production-like ones: helm-java's lint takes no
     * values file, so the second lints a copy of the chart whose values.yaml is values-production.yaml coalesced over
     * the defaults as Helm does with {@code -f} (maps merged key by key, anything else replaced).
     */
    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-production.yaml"})
    void lintsCleanEvenStrictly(String values, @TempDir Path tmp) throws Exception {
        Path chart = CHART;
        if (!values.equals("values.yaml")) {
            chart = tmp.resolve("aimix");
            try (var paths = Files.walk(CHART)) {
                for (Path from : paths.toList()) {
                    Path to = chart.resolve(CHART.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                }
            }
            JsonNode merged = coalesce(
                    YAML.readTree(CHART.resolve("values.yaml").toFile()),
                    YAML.readTree(CHART.resolve(values).toFile()));
            YAML.writeValue(chart.resolve("values.yaml").toFile(), merged);
            Files.delete(chart.resolve(values));
        }
        LintResult r = new Helm(chart).lint().strict().call();
        assertFalse(r.isFailed(), "helm lint --strict with " + values + ": " + r.getMessages());
    }

    /** Helm's coalescing of a values file over the chart's values: maps merged key by key, other values replaced. */
    static JsonNode coalesce(JsonNode base, JsonNode over) {
        if (base instanceof ObjectNode b && over instanceof ObjectNode o) {
            ObjectNode out = b.deepCopy();
            o.fields().forEachRemaining(e -> out.set(e.getKey(), coalesce(out.get(e.getKey()), e.getValue())));
            return out;
        }
        return over;
    }

    private static List<JsonNode> render(String valuesFile) throws Exception {
        var template = new Helm(CHART).template().withName(RELEASE);
        if (valuesFile != null) {
            template = template.withValuesFile(CHART.resolve(valuesFile));
        }
        String out = template.call();
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode d : YAML.readValues(YAML.getFactory().createParser(out), JsonNode.class)
                .readAll()) {
            if (d != null && !d.isNull() && !d.isEmpty()) {
                docs.add(d);
            }
        }
        return docs;
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d : docs) {
            if (kind.equals(d.path("kind").asText())) {
                out.add(d);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-production.yaml"})
    void rendersTheExpectedKindsNamesAndLabels(String values) throws Exception {
        List<JsonNode> docs = render(values);
        Map<String, Integer> kinds = new HashMap<>();
        for (JsonNode d : docs) {
            kinds.merge(d.path("kind").asText(), 1, Integer::sum);
            JsonNode labels = d.path("metadata").path("labels");
            assertEquals("aimix", labels.path("app.kubernetes.io/name").asText(), d.toString());
            assertEquals(RELEASE, labels.path("app.kubernetes.io/instance").asText());
            assertTrue(
                    d.path("metadata").path("name").asText().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"),
                    "a Kubernetes name: " + d.path("metadata").path("name"));
        }
        Map<String, Integer> expected = new HashMap<>(Map.of(
                "FlinkDeployment", 2,
                "KafkaTopic", 15,
                "PodMonitor", 2,
                "PrometheusRule", 1,
                "ConfigMap", 4,
                "Deployment", 1,
                "Service", 1,
                "HorizontalPodAutoscaler", 1));
        if (values.equals("values-production.yaml")) {
            expected.put("Ingress", 1);
        }
        assertEquals(expected, kinds);
        // the gateway: its process's main class, probes on the routes that exist, its port the one it listens on
        JsonNode gateway = ofKind(docs, "Deployment").get(0);
        JsonNode container = gateway.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
        assertEquals(
                "/readyz",
                container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals(
                "/healthz",
                container.path("livenessProbe").path("httpGet").path("path").asText());
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertEquals(
                0,
                new CommandLine(new GatewayMain())
                        .parseArgs(args.toArray(new String[0]))
                        .errors()
                        .size(),
                "the chart's arguments parse: " + args);
        // production shares the stem store between the replicas (a claim), the default keeps it per replica
        JsonNode podSpec = gateway.path("spec").path("template").path("spec");
        boolean shared = false;
        for (JsonNode v : podSpec.path("volumes")) {
            shared |= v.path("persistentVolumeClaim").path("claimName").asText().equals("aimix-gateway-shared");
        }
        assertEquals(values.equals("values-production.yaml"), shared, "the shared stem store's claim");
        assertEquals(shared, args.contains("--shared-store"), "the gateway is told of it: " + args);
        // the tournament's keys (the job's Secret) reach the gateway: it runs the arena with them
        String keysFile = args.get(args.indexOf("--tournament-keys-file") + 1);
        boolean keysMounted = false;
        for (JsonNode m : container.path("volumeMounts")) {
            keysMounted |= keysFile.startsWith(m.path("mountPath").asText() + "/");
        }
        assertTrue(keysMounted, "the tournament's keys are mounted where the gateway reads them: " + keysFile);
        assertEquals(
                container.path("ports").get(0).path("containerPort").asInt(),
                Integer.parseInt(args.get(args.indexOf("--port") + 1)));
        assertEquals(
                gateway.path("spec").path("selector").path("matchLabels"),
                ofKind(docs, "Service").get(0).path("spec").path("selector"));
        // the store on its volume, and the gateway secret from a Secret
        String store = args.get(args.indexOf("--store") + 1);
        boolean mounted = false;
        for (JsonNode m : container.path("volumeMounts")) {
            mounted |= m.path("mountPath").asText().equals(store);
        }
        assertTrue(mounted, "the store " + store + " is a mounted volume");
        JsonNode secretEnv = null;
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(KeySeal.ENV)) {
                secretEnv = e;
            }
        }
        assertTrue(
                secretEnv != null && secretEnv.path("valueFrom").has("secretKeyRef"),
                "the gateway secret comes from a Secret: " + container.path("env"));
        Map<String, JsonNode> deployments = new HashMap<>();
        for (JsonNode d : ofKind(docs, "FlinkDeployment")) {
            assertEquals("flink.apache.org/v1beta1", d.path("apiVersion").asText());
            deployments.put(d.path("metadata").path("name").asText(), d);
            JsonNode job = d.path("spec").path("job");
            assertEquals("savepoint", job.path("upgradeMode").asText());
            Class<?> entry = Class.forName(job.path("entryClass").asText());
            Method main = entry.getMethod("main", String[].class);
            assertTrue(Modifier.isStatic(main.getModifiers()), entry + " has a main");
        }
        assertEquals(Set.of("aimix-mix", "aimix-tournament"), deployments.keySet());
        JsonNode mix = deployments.get("aimix-mix").path("spec");
        assertEquals(
                "true",
                mix.path("flinkConfiguration").path("job.autoscaler.enabled").asText());
        int maxParallelism = mix.path("flinkConfiguration")
                .path("job.autoscaler.vertex.max-parallelism")
                .asInt();
        for (JsonNode t : ofKind(docs, "KafkaTopic")) {
            String name = t.path("spec").path("topicName").asText();
            if (name.equals(Contract.MIX_REQUESTS) || name.equals(Contract.AUDIO_CHUNKS)) {
                assertTrue(
                        maxParallelism <= t.path("spec").path("partitions").asInt(),
                        "the autoscaler's max parallelism must not exceed the partitions of " + name);
            }
        }
        // the cluster's logging: flink-conf/cluster's JSON-lines configuration, the same file in the chart
        String logging = Files.readString(Path.of("..", "flink-conf", "cluster", "log4j-console.properties"));
        assertEquals(logging, Files.readString(CHART.resolve("files/log4j-console.properties")));
        for (JsonNode d : deployments.values()) {
            assertEquals(
                    logging.strip(),
                    d.path("spec")
                            .path("logConfiguration")
                            .path("log4j-console.properties")
                            .asText()
                            .strip());
        }
        JsonNode tournament = deployments.get("aimix-tournament").path("spec");
        assertEquals(
                "/etc/aimix/tournament/keys",
                tournament
                        .path("flinkConfiguration")
                        .path("aimix.tournament.secret-keys-file")
                        .asText());
        // the PrometheusRule is files/alerts.yml, the file promtool tests
        JsonNode rule = ofKind(docs, "PrometheusRule").get(0);
        assertEquals(
                YAML.readTree(CHART.resolve("files/alerts.yml").toFile()).path("groups"),
                rule.path("spec").path("groups"));
        if (values.equals("values-production.yaml")) {
            assertEquals(
                    1,
                    mix.path("taskManager")
                            .path("podTemplate")
                            .path("spec")
                            .path("containers")
                            .get(0)
                            .path("resources")
                            .path("limits")
                            .path("nvidia.com/gpu")
                            .asInt());
            assertEquals(
                    "CUDA",
                    mix.path("flinkConfiguration")
                            .path("aimix.inference.device")
                            .asText());
            assertEquals(
                    "kube-prometheus-stack",
                    ofKind(docs, "PodMonitor")
                            .get(0)
                            .path("metadata")
                            .path("labels")
                            .path("release")
                            .asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-production.yaml"})
    void everyFlinkConfigurationKeyIsARealOption(String values) throws Exception {
        Set<String> known = FlinkConfigsTest.knownKeys();
        for (JsonNode d : ofKind(render(values), "FlinkDeployment")) {
            for (var it = d.path("spec").path("flinkConfiguration").fieldNames(); it.hasNext(); ) {
                String key = it.next();
                boolean ok = known.contains(key)
                        || AUTOSCALER_OPTIONS.contains(key)
                        || key.startsWith("metrics.reporter.")
                        || key.startsWith(KafkaConnection.PREFIX);
                assertTrue(ok, d.path("metadata").path("name").asText() + ": unknown option " + key);
            }
        }
    }

    @Test
    void theChartsDefaultsAreTheClusterConfigurations() throws Exception {
        Configuration cluster = FlinkConfigs.load(Path.of("..", "flink-conf", "cluster"), "cluster", Map.of());
        Map<String, String> clusterMap = cluster.toMap();
        JsonNode mix = ofKind(render(null), "FlinkDeployment").stream()
                .filter(d -> d.path("metadata").path("name").asText().equals("aimix-mix"))
                .findFirst()
                .orElseThrow();
        Set<String> differing = new TreeSet<>();
        for (var it = mix.path("spec").path("flinkConfiguration").fields(); it.hasNext(); ) {
            var e = it.next();
            String there = clusterMap.get(e.getKey());
            String here = e.getValue().asText();
            boolean placeholder = here.contains("CHANGE-ME") || (there != null && there.contains("CHANGE-ME"));
            if (there != null && !placeholder && !there.equals(here)) {
                differing.add(e.getKey() + ": chart " + here + ", flink-conf/cluster " + there);
            }
        }
        assertEquals(Set.of(), differing, "the chart's defaults drifted from flink-conf/cluster/config.yaml");
    }

    @Test
    void everyTopicOfTheCodeHasAKafkaTopicAndTheRegistryIsCompacted() throws Exception {
        Set<String> code = new TreeSet<>();
        for (Field f : Contract.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && f.get(null).toString().matches("(mix|audio|models|tournament)\\.[a-z.]+")) {
                code.add(f.get(null).toString());
            }
        }
        code.add(GatewaySettings.DEFAULT_KEYS_TOPIC);
        code.add(GatewaySettings.DEFAULT_DELIVERIES_TOPIC);
        code.add(GatewaySettings.DEFAULT_MIXES_TOPIC);
        assertTrue(code.size() >= 14, "the contract's topics and the gateway's: " + code);
        Map<String, JsonNode> topics = new HashMap<>();
        for (JsonNode t : ofKind(render(null), "KafkaTopic")) {
            assertEquals("kafka.strimzi.io/v1beta2", t.path("apiVersion").asText());
            assertEquals(
                    "aimix-kafka",
                    t.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            topics.put(t.path("spec").path("topicName").asText(), t);
        }
        assertEquals(code, new TreeSet<>(topics.keySet()), "one KafkaTopic per topic of the code, and no other");
        assertEquals(
                "compact",
                topics.get(GatewaySettings.DEFAULT_KEYS_TOPIC)
                        .path("spec")
                        .path("config")
                        .path("cleanup.policy")
                        .asText());
        assertEquals(
                "compact",
                topics.get(Contract.MODELS_REGISTRY)
                        .path("spec")
                        .path("config")
                        .path("cleanup.policy")
                        .asText());
    }

    @Test
    void theImageHoldsWhatTheChartPointsAt() throws Exception {
        String dockerfile = Files.readString(Path.of("..", "docker", "Dockerfile"));
        String jarUri = ofKind(render(null), "FlinkDeployment")
                .get(0)
                .path("spec")
                .path("job")
                .path("jarURI")
                .asText();
        assertTrue(jarUri.startsWith("local://"), jarUri);
        String inImage = jarUri.substring("local://".length());
        Map<String, String> args = new HashMap<>(); // ARG defaults, as docker build uses them without --build-arg
        Matcher arg = Pattern.compile("(?m)^ARG (\\w+)=(\\S+)$").matcher(dockerfile);
        while (arg.find()) {
            args.put(arg.group(1), arg.group(2));
        }
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
        Map<String, String> copies = new HashMap<>();
        while (copy.find()) {
            String source = copy.group(1);
            for (Map.Entry<String, String> a : args.entrySet()) {
                source = source.replace("${" + a.getKey() + "}", a.getValue());
            }
            copies.put(copy.group(2), source);
        }
        assertTrue(copies.containsKey(inImage), "the Dockerfile puts the job jar at " + inImage + ": " + copies);
        // the sources of the COPY lines exist after mvn package (the build before this module's tests)
        for (String source : copies.values()) {
            assertTrue(Files.isRegularFile(Path.of("..", source)), source + " is built");
        }
        Matcher ort = Pattern.compile("(?m)^ARG ORT_JAR=(\\S+)$").matcher(dockerfile);
        assertTrue(ort.find(), "the Dockerfile names the ONNX Runtime jar");
        assertTrue(
                Files.isRegularFile(Path.of("..", "flink-cluster", "target", "flink", "lib", ort.group(1))),
                "flink-cluster's lib/ holds " + ort.group(1));
    }

    /** docker/Dockerfile.gateway copies what the build makes and starts the gateway's main class. */
    @Test
    void theGatewayImageHoldsWhatItRuns() throws Exception {
        String dockerfile = Files.readString(Path.of("..", "docker", "Dockerfile.gateway"));
        Matcher arg = Pattern.compile("(?m)^ARG GATEWAY_JAR=(\\S+)$").matcher(dockerfile);
        assertTrue(arg.find(), "the Dockerfile names the gateway's jar");
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            Path source = Path.of("..", copy.group(1).replace("${GATEWAY_JAR}", arg.group(1)));
            assertTrue(Files.exists(source), source + " is built (or in the repository)");
            copies++;
        }
        assertEquals(3, copies, dockerfile);
        assertTrue(dockerfile.contains("\"" + GatewayMain.class.getName() + "\""), "the entry point's main class");
        String chartArgs = ofKind(render(null), "Deployment").get(0).toString();
        assertTrue(chartArgs.contains("/etc/aimix/kafka/client.properties"), "the chart hands over the Kafka settings");
    }
}
