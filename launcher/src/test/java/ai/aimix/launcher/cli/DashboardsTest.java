package ai.aimix.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.cli.MixCommand;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Grafana dashboards (helm/aimix/files/dashboards) against a real Prometheus (Debian's prometheus binary; .ci/run
 * installs it when missing) scraping the embedded stack's reporter: after a mix, every query of every panel returns
 * data. A renamed metric or label leaves a panel empty; this catches it.
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
        assertTrue(queries.size() >= 20, queries.size() + " queries");

        int kafkaPort = CommonOptions.freePort();
        int uiPort = CommonOptions.freePort();
        int metricsPort = CommonOptions.freePort();
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
                        "      - targets: ['127.0.0.1:" + metricsPort + "']",
                        ""));
        Process serve = CommandLineTest.startServe(tmp, kafkaPort, uiPort, metricsPort);
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
            assertEquals(List.of(), empty, "panels without data (their queries: see the dashboards)");
        } finally {
            prometheus.destroy();
            serve.destroy();
            prometheus.waitFor(20, TimeUnit.SECONDS);
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
