package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.launcher.bench.BenchGateway;
import ai.aimix.launcher.embedded.FlinkConfigs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.Test;

/**
 * The broker down while clients use the gateway: a mix created then is refused with a clear, typed answer that says
 * when to try again (503 KAFKA_UNAVAILABLE, {@code Retry-After}); tried again after the broker is back it is taken
 * and completes, and a mix whose stems were uploaded just before the outage completes too.
 */
class GatewayBrokerOutageTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int RATE = 22_050;
    /** Longer than the gateway's wait for the mix's record (10 s), so a creation meanwhile is refused. */
    static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void aCreationDuringAnOutageIsRefusedWithRetryAfterAndSucceedsWhenTriedAgain() throws Exception {
        int ui;
        try (ServerSocket s = new ServerSocket(0)) {
            ui = s.getLocalPort();
        }
        Configuration conf = FlinkConfigs.load(
                Path.of("..", "flink-conf", "embedded"),
                "embedded",
                Map.of(RestOptions.PORT.key(), String.valueOf(ui)));
        try (BenchGateway g = BenchGateway.start(conf, KeyLimits.defaults())) {
            String base = "http://127.0.0.1:" + g.gateway.port() + Gateway.API;
            List<StemInput> song = new SongGenerator(71, RATE).generate(6, 5).subList(0, 3);
            String before = createAndUpload(g, base, song);

            CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
                try {
                    g.stack.restartKafka(OUTAGE);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(2_000); // the broker is down now
            HttpResponse<String> refused = create(g, base, song);
            assertEquals(503, refused.statusCode(), refused.body());
            JsonNode problem = JSON.readTree(refused.body());
            assertEquals(ApiError.KAFKA_UNAVAILABLE.name(), problem.path("code").asText(), refused.body());
            assertEquals(
                    String.valueOf(ApiError.BROKER_RETRY_AFTER_SECONDS),
                    refused.headers().firstValue("Retry-After").orElse(""),
                    "the answer says when to try again");
            outage.get();

            // as a client does: tried again after Retry-After until taken
            String after = null;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (after == null && System.nanoTime() < deadline) {
                Thread.sleep(1000 * ApiError.BROKER_RETRY_AFTER_SECONDS);
                HttpResponse<String> r = create(g, base, song);
                if (r.statusCode() == 201) {
                    after = upload(g, base, JSON.readTree(r.body()), song);
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                }
            }
            assertTrue(after != null, "taken once the broker was back");
            for (String id : List.of(before, after)) {
                JsonNode m = awaitEnd(g, base, id);
                assertEquals("COMPLETED", m.path("status").asText(), id + ": " + m);
            }
        }
    }

    static HttpResponse<String> create(BenchGateway g, String base, List<StemInput> song) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/mixes"))
                        .header("Authorization", "Bearer " + g.token)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                BenchGateway.mixBody(song).toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String createAndUpload(BenchGateway g, String base, List<StemInput> song) throws Exception {
        HttpResponse<String> r = create(g, base, song);
        assertEquals(201, r.statusCode(), r.body());
        return upload(g, base, JSON.readTree(r.body()), song);
    }

    static String upload(BenchGateway g, String base, JsonNode created, List<StemInput> song) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < song.size(); i++) {
            StemInput s = song.get(i);
            byte[] wav = GatewayTest.wav(s.audio, Wav.Encoding.PCM_16);
            puts.add(HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.gateway.port()
                                    + created.path("stems")
                                            .get(i)
                                            .path("uploadUrl")
                                            .asText()))
                            .header("Authorization", "Bearer " + g.token)
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(wav))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> p : puts) {
            HttpResponse<String> r = p.get();
            assertEquals(200, r.statusCode(), r.body());
        }
        return created.path("id").asText();
    }

    static JsonNode awaitEnd(BenchGateway g, String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode m = null;
        while (System.nanoTime() < deadline) {
            m = JSON.readTree(HTTP.send(
                            HttpRequest.newBuilder(URI.create(base + "/mixes/" + id))
                                    .header("Authorization", "Bearer " + g.token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            String status = m.path("status").asText();
            if (status.equals("COMPLETED") || status.equals("FAILED")) {
                return m;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(id + " did not end: " + m);
    }
}
