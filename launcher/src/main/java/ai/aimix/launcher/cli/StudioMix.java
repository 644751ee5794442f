package ai.aimix.launcher.cli;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.gateway.Gateway;
import ai.aimix.launcher.bench.BenchGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A song mixed through a gateway's HTTP API, as any client would (create, upload every stem in parallel, wait for the
 * end), so that it is there to open in the studio: {@code ./aimix demo --keep-running} and {@code ./aimix serve}
 * print its address.
 */
final class StudioMix {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often the mix's state is read while waiting for its end. */
    private static final Duration POLL = Duration.ofMillis(200);

    private StudioMix() {}

    /** Mixes {@code song} through the gateway at {@code port} with {@code token}; returns the mix's id once COMPLETED. */
    static String mix(int port, String token, List<StemInput> song, Duration timeout) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://127.0.0.1:" + port;
        ObjectNode body = BenchGateway.mixBody(song);
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(base + Gateway.API + "/mixes"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("the gateway refused the mix: " + created.body());
        }
        JsonNode m = JSON.readTree(created.body());
        String id = m.path("id").asText();
        List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
        for (int i = 0; i < song.size(); i++) {
            uploads.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base
                                    + m.path("stems").get(i).path("uploadUrl").asText()))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "audio/wav")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(wav(song.get(i))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> u : uploads) {
            HttpResponse<String> r = u.get();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("an upload was refused: " + r.body());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode state = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(base + Gateway.API + "/mixes/" + id))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            String status = state.path("status").asText();
            if (status.equals("COMPLETED")) {
                return id;
            }
            if (status.equals("FAILED") || System.nanoTime() > deadline) {
                throw new IllegalStateException("the studio's mix " + id + " did not complete: " + state.path("error"));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The {@code POST /mixes} body for a song's stems: its rate, each stem's name, role and channels. */
    private static byte[] wav(StemInput s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wav.write(out, s.audio, Wav.Encoding.PCM_24);
        return out.toByteArray();
    }

    /** The studio's address for {@code token}, opening {@code mixId} when not null. */
    static String address(String apiUrl, String token, String mixId) {
        String root = apiUrl.substring(0, apiUrl.length() - Gateway.API.length());
        return root + "/#key=" + token + (mixId == null ? "" : "&mix=" + mixId);
    }
}
