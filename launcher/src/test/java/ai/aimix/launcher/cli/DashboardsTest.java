package ai.aimix.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.cli.MixCommand;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.schema.Battle;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.auth.BattleSeals;
import ai.aimix.schema.auth.TournamentKeys;
import ai.aimix.schema.auth.VoterTokens;
import ai.aimix.schema.codec.Contract;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Grafana dashboards (helm/aimix/files/dashboards) against a real Prometheus (Debian's prometheus binary; .ci/run
 * installs it when missing) scraping the reporters of {@code ./aimix serve}'s mix and tournament jobs: after a mix
 * and a battle's votes, every query of every panel returns data, and every metric an alert rule names is in the
 * scrapes. A renamed metric or label leaves a panel empty or an alert that never fires; this catches it.
 */
class DashboardsTest {
    private static final Path DASHBOARDS = Path.of("..", "helm", "aimix", "files", "dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyPanelQueryReturnsDataAfterAMix(@TempDir Path tmp) throws Exception {
        Path prometheusBinary = Path.of("/usr/bin/prometheus");
        assertTrue(
                Files.isExecutable(prometheusBinary),
                "prometheus is missing: apt-get install prometheus (.ci/run does)");
        Map<String, String> queries = new LinkedHashMap<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = JSON.readTree(f.toFile());
                for (JsonNode panel : d.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        queries.put(
                                f.getFileName() + " / " + panel.path("title").asText() + " / "
                                        + target.path("refId").asText(),
                                target.path("expr").asText());
                    }
                }
            }
        }
        assertTrue(queries.size() >= 55, queries.size() + " queries");

        int kafkaPort = CommonOptions.freePort();
        int uiPort = CommonOptions.freePort();
        int metricsPort = CommonOptions.freePort();
        int tournamentMetricsPort = CommonOptions.freePort();
        int apiPort = CommonOptions.freePort();
        int prometheusPort = CommonOptions.freePort();
        Path config = tmp.resolve("prometheus.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "scrape_configs:",
                        "  - job_name: aimix",
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + metricsPort + "', '127.0.0.1:" + tournamentMetricsPort + "']",
                        "  - job_name: gateway",
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + apiPort + "']",
                        ""));
        // the tournament job verifies votes with these keys; the test signs as the gateway will
        TournamentKeys keys = TournamentKeys.generate("dashboards");
        Path keysFile = tmp.resolve("tournament-keys");
        Files.writeString(keysFile, String.join(";", keys.specs()));
        Process serve = CommandLineTest.startServe(
                tmp,
                kafkaPort,
                uiPort,
                metricsPort + "," + tournamentMetricsPort,
                "-D" + TournamentJobOptions.SECRET_KEYS_FILE.key() + "=" + keysFile,
                "--api-port",
                String.valueOf(apiPort));
        Process prometheus = new ProcessBuilder(
                        prometheusBinary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("prometheus.log").toFile())
                .start();
        try {
            CommandLineTest.readyLine(serve);
            Path stems = Files.createDirectories(tmp.resolve("stems"));
            for (StemInput s : new SongGenerator(3, 22050).generate(4, 5)) {
                Wav.write(stems.resolve(s.name + ".wav"), s.audio, Wav.Encoding.PCM_16);
            }
            int code = new CommandLine(new MixCommand())
                    .execute(
                            "--stems",
                            stems.toString(),
                            "--out",
                            tmp.resolve("mix.wav").toString(),
                            "--bootstrap",
                            "127.0.0.1:" + kafkaPort,
                            "--timeout",
                            "120");
            assertEquals(0, code, "the mix");
            castVotes(keys, "127.0.0.1:" + kafkaPort);
            HttpClient http = HttpClient.newHttpClient();
            URI api = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=");
            // scrapes every second: wait until the mix's counters and the last checkpoint are in
            List<String> empty = new ArrayList<>(queries.keySet());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!empty.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                List<String> still = new ArrayList<>();
                for (String name : empty) {
                    String q = URLEncoder.encode(queries.get(name), StandardCharsets.UTF_8);
                    HttpResponse<String> r;
                    try {
                        r = http.send(
                                HttpRequest.newBuilder(URI.create(api + q))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                    } catch (ConnectException e) {
                        still.add(name); // Prometheus is still starting
                        continue;
                    }
                    JsonNode body = JSON.readTree(r.body());
                    assertEquals("success", body.path("status").asText(), name + ": " + r.body());
                    if (body.path("data").path("result").isEmpty()) {
                        still.add(name);
                    }
                }
                empty = still;
            }
            String scrapes = scrape(http, metricsPort) + scrape(http, tournamentMetricsPort) + scrape(http, apiPort);
            assertEquals(
                    List.of(),
                    empty,
                    "panels without data (their queries: see the dashboards); the jobs' own metrics now:\n"
                            + scrapes.lines()
                                    .filter(l -> (l.startsWith("flink_taskmanager_job_task_operator_")
                                                    || l.startsWith("aimix_gateway_"))
                                            && !l.contains("KafkaSourceReader")
                                            && !l.contains("KafkaProducer"))
                                    .map(l -> l.replaceAll("\\{.*}", ""))
                                    .distinct()
                                    .collect(Collectors.joining("\n")));
            assertAlertRulesNameRealMetrics(scrapes);
        } finally {
            prometheus.destroy();
            serve.destroy();
            prometheus.waitFor(20, TimeUnit.SECONDS);
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A sealed battle on tournament.battles, then six listeners' signed votes and one repeated vote (refused as
     * DUPLICATE_VOTE) on tournament.votes, as the gateway will send them.
     */
    static void castVotes(TournamentKeys keys, String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long now = System.currentTimeMillis();
        String id = "dashboards-battle";
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
            Battle battle = BattleSeals.sealed(
                    keys,
                    new Battle(id, "main", "song-1", "mix-1", "m-a", "m-b", 20_000L, now, null, List.of(), null, null),
                    null);
            p.send(new ProducerRecord<>(Contract.TOURNAMENT_BATTLES, key, Contract.BATTLE.encode(battle)))
                    .get();
            Thread.sleep(1000); // the battle before its votes
            for (int v = 0; v < 6; v++) {
                Vote vote = VoterTokens.signed(
                        keys,
                        new Vote(id, "voter-" + v, v % 3 == 0 ? VoteOutcome.B : VoteOutcome.A, 25_000L, now, null));
                p.send(new ProducerRecord<>(Contract.TOURNAMENT_VOTES, key, Contract.VOTE.encode(vote)));
            }
            Vote again = VoterTokens.signed(keys, new Vote(id, "voter-0", VoteOutcome.A, 25_000L, now, null));
            p.send(new ProducerRecord<>(Contract.TOURNAMENT_VOTES, key, Contract.VOTE.encode(again)));
            p.flush();
        }
    }

    static String scrape(HttpClient http, int port) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /**
     * Every metric and label value the alert rules (helm/aimix/files/alerts.yml) select by is in the scrapes of the
     * jobs: a renamed metric or operator would leave an alert that never fires.
     */
    static void assertAlertRulesNameRealMetrics(String scrape) throws IOException {
        // expressions, not comments
        String rules = Files.readString(Path.of("..", "helm", "aimix", "files", "alerts.yml"))
                .replaceAll("(?m)^\\s*#.*$", "");
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("(flink|aimix_gateway)_[A-Za-z0-9_]+").matcher(rules);
        while (m.find()) {
            named.add(m.group());
        }
        assertTrue(named.size() >= 11, "metrics named by the rules: " + named);
        for (String metric : named) {
            assertTrue(scrape.contains("\n" + metric + "{"), metric + " is not in the scrapes");
        }
        assertTrue(scrape.contains("job_name=\"AI_Mixer:_mix_job\""), "the rules' job_name");
        assertTrue(scrape.contains("operator_name=\"Source:_Kafka:_mix_requests"), "the rules' source operator_name");
    }
}
