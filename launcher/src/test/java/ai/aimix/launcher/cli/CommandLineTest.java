package ai.aimix.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.audio.WavFile;
import ai.aimix.clients.cli.MixCommand;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.model.store.ModelStore;
import ai.aimix.operators.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands a user runs, end to end: demo in-process, serve as a real process with mix against it. */
class CommandLineTest {

    @Test
    void demoWritesStemsMixAndReport(@TempDir Path out) throws Exception {
        int code = new CommandLine(new AimixCli())
                .execute(
                        "demo",
                        "--seconds",
                        "6",
                        "--stems",
                        "6",
                        "--ui-port",
                        String.valueOf(CommonOptions.freePort()),
                        "--out",
                        out.toString());
        assertEquals(0, code);
        try (var files = Files.list(out.resolve("stems"))) {
            assertEquals(6, files.count());
        }
        Audio mix = Wav.read(out.resolve("mix.wav"));
        assertEquals(2, mix.channels());
        assertEquals(44100, mix.sampleRate());
        assertEquals(6 * 44100, mix.frames());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals("COMPLETED", report.path("status").asText());
        JsonNode v = report.path("variants").get(0);
        assertEquals(ModelStore.SHIPPED_CHAMPION, v.path("modelVersion").asText());
        assertEquals(6, v.path("stems").size());
        assertTrue(v.path("loudness").path("integratedLufs").isNumber());
        assertTrue(v.path("loudness").path("truePeakDbtp").asDouble() <= -1.0 + 0.05);
        assertTrue(report.path("timings").path("jobMillis").path("mel").asDouble() > 0);
        assertEquals(
                v.path("stems").get(0).path("automation").size(),
                report.path("segments").asInt());
    }

    @Test
    void serveReportsReadyAndMixesFoldersForOtherProcesses(@TempDir Path tmp) throws Exception {
        int kafkaPort = CommonOptions.freePort();
        int uiPort = CommonOptions.freePort();
        int metricsPort = CommonOptions.freePort();
        Process serve = startServe(tmp, kafkaPort, uiPort, metricsPort + "," + CommonOptions.freePort());
        try {
            String ready = readyLine(serve);
            assertTrue(ready.contains("bootstrap=127.0.0.1:" + kafkaPort), ready);
            assertTrue(
                    ready.contains("topics=mix.requests,audio.chunks,mix.output,mix.progress,mix.results,mix.errors"),
                    ready);
            assertTrue(ready.contains("ui=http://127.0.0.1:" + uiPort), ready);
            Matcher api =
                    Pattern.compile("api=(http://127\\.0\\.0\\.1:\\d+)/api/v1").matcher(ready);
            assertTrue(api.find(), ready);
            assertEquals(
                    200,
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(api.group(1) + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode(),
                    "the API's health");
            // serve's own key opens the API; ./aimix keys makes, lists and revokes others
            Matcher key = Pattern.compile("key=(amx_\\S+)").matcher(ready);
            assertTrue(key.find(), ready);
            HttpResponse<String> unknownMix = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(api.group(1) + "/api/v1/mixes/mix_none"))
                                    .header("Authorization", "Bearer " + key.group(1))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknownMix.statusCode(), unknownMix.body());
            assertTrue(unknownMix.body().contains("\"code\":\"MIX_NOT_FOUND\""), unknownMix.body());
            String bootstrap = "127.0.0.1:" + kafkaPort;
            // the gateway secret serve keeps in its home: keys are hashed and sealed with it
            String secret = tmp.resolve("home").resolve("gateway-secret").toString();
            assertTrue(Files.exists(Path.of(secret)), "serve made its gateway secret");
            CliRun created = CliRun.run(
                    "keys",
                    "create",
                    "--name",
                    "ci",
                    "--max-stems",
                    "4",
                    "--bootstrap",
                    bootstrap,
                    "--secret-file",
                    secret);
            assertEquals(0, created.code, created.toString());
            String id = created.out.trim().substring(4, 20);
            CliRun listed = CliRun.run("keys", "list", "--bootstrap", bootstrap, "--secret-file", secret);
            assertEquals(0, listed.code, listed.toString());
            assertTrue(listed.out.contains("\"id\":\"" + id + "\",\"name\":\"ci\""), listed.out);
            assertTrue(listed.out.contains("\"maxStems\":4"), listed.out);
            assertTrue(!listed.out.contains("secretSha256"), "list shows no hash");
            CliRun revoked = CliRun.run("keys", "revoke", id, "--bootstrap", bootstrap, "--secret-file", secret);
            assertEquals(0, revoked.code, revoked.toString());
            assertTrue(CliRun.run("keys", "list", "--bootstrap", bootstrap, "--secret-file", secret)
                    .out
                    .contains("\"revoked\":true"));
            CliRun unknown =
                    CliRun.run("keys", "revoke", "0000000000000000", "--bootstrap", bootstrap, "--secret-file", secret);
            assertEquals(1, unknown.code);
            assertEquals("aimix keys revoke: error: no key 0000000000000000\n", unknown.err);
            assertTrue(Files.exists(tmp.resolve("home").resolve("serve.json")));

            Path stems = Files.createDirectories(tmp.resolve("stems"));
            for (StemInput s : new SongGenerator(3, 22050).generate(5, 5)) {
                Wav.write(stems.resolve(s.name + ".wav"), s.audio, Wav.Encoding.PCM_16);
            }
            Path mixed = tmp.resolve("out").resolve("song.wav");
            int code = new CommandLine(new MixCommand())
                    .execute(
                            "--stems",
                            stems.toString(),
                            "--out",
                            mixed.toString(),
                            "--bootstrap",
                            "127.0.0.1:" + kafkaPort,
                            "--report",
                            tmp.resolve("report.json").toString(),
                            "--timeout",
                            "120");
            assertEquals(0, code);
            Audio a = Wav.read(mixed);
            assertEquals(5 * 22050, a.frames());
            assertEquals(22050, a.sampleRate());
            assertTrue(Files.exists(tmp.resolve("report.json")));

            // long stems are streamed both ways (issue 14, finding 8): 2 stems of 3 minutes, 127 MB of float audio,
            // mixed by a client process with a 96 MB heap, which could hold neither the stems nor the mix
            Path longStems = Files.createDirectories(tmp.resolve("long"));
            for (int i = 0; i < 2; i++) {
                Wav.write(
                        longStems.resolve((i == 0 ? "bass" : "keys") + ".wav"),
                        new Audio(44100, 2, Fixtures.stemAudio(180 * 44100, 2, 44100, 40 + i)),
                        Wav.Encoding.FLOAT_32);
            }
            Path longMix = tmp.resolve("long-mix.wav");
            Process client = new ProcessBuilder(
                            javaCommand(),
                            "-Xmx96m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-Daimix.log.file=" + tmp.resolve("client.log"),
                            AimixCli.class.getName(),
                            "mix",
                            "--stems",
                            longStems.toString(),
                            "--out",
                            longMix.toString(),
                            "--bits",
                            "16",
                            "--upload",
                            "f32",
                            "--bootstrap",
                            "127.0.0.1:" + kafkaPort,
                            "--timeout",
                            "300")
                    .redirectErrorStream(true)
                    .start();
            String clientOutput = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(client.waitFor(300, TimeUnit.SECONDS), "the client did not finish");
            // on failure, what serve was doing too: the client alone cannot say why a result did not come
            assertEquals(
                    0,
                    client.exitValue(),
                    () -> clientOutput + "\n--- serve's output (warnings and errors) ---\n" + warnings(serve));
            WavFile longOut = WavFile.open(longMix);
            assertEquals(180L * 44100, longOut.frames());
            assertEquals(2, longOut.channels());

            // the embedded REST API is read-only: no jar upload, no cancelling (issue 14, finding 7)
            HttpClient http = HttpClient.newHttpClient();
            String rest = "http://127.0.0.1:" + uiPort;
            JsonNode jobs = new ObjectMapper()
                    .readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(rest + "/jobs"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body());
            String jobId = jobs.path("jobs").get(0).path("id").asText();
            // a job submission with a file (jar upload itself is off: Flink refuses uploads to routes without one)
            String jar = "--x\r\nContent-Disposition: form-data; name=\"file_0\"; filename=\"a.jar\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\nPK\r\n--x--\r\n";
            int upload = http.send(
                            HttpRequest.newBuilder(URI.create(rest + "/jobs"))
                                    .header("Content-Type", "multipart/form-data; boundary=x")
                                    .POST(HttpRequest.BodyPublishers.ofString(jar))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            assertEquals(403, upload, "job submission");
            int cancel = http.send(
                            HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
                                    .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            assertEquals(403, cancel, "cancel");
            int getCancel = http.send(
                            HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "/yarn-cancel"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            assertEquals(403, getCancel, "cancel through GET");
            JsonNode job = new ObjectMapper()
                    .readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body());
            assertEquals("RUNNING", job.path("state").asText());
            // Prometheus metrics on loopback, and on no other address of this machine
            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("flink_"), metrics.length() + " bytes of metrics");
            for (InetAddress other : nonLoopbackAddresses()) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(other, metricsPort), 2000);
                    throw new AssertionError("the metrics port answers on " + other);
                } catch (IOException expected) {
                    // refused: the reporter listens on loopback only
                }
            }
        } finally {
            serve.destroy(); // SIGTERM: the shutdown hook stops the job and the broker and removes serve.json
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
        assertTrue(!Files.exists(tmp.resolve("home").resolve("serve.json")), "serve.json left behind");
    }

    /**
     * A serve whose job ends stops, saying so, instead of advertising a service that no longer runs (issue 14,
     * finding 1). Its job is cancelled through REST, which only a serve started with the read-only REST off allows.
     */
    @Test
    void serveStopsWithAnErrorWhenItsJobEnds(@TempDir Path tmp) throws Exception {
        int uiPort = CommonOptions.freePort();
        Process serve = startServe(
                tmp,
                CommonOptions.freePort(),
                uiPort,
                CommonOptions.freePort() + "," + CommonOptions.freePort(),
                "-Daimix.rest.read-only=false");
        try {
            readyLine(serve);
            assertTrue(Files.exists(tmp.resolve("home").resolve("serve.json")));
            HttpClient http = HttpClient.newHttpClient();
            String rest = "http://127.0.0.1:" + uiPort;
            String jobId = new ObjectMapper()
                    .readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(rest + "/jobs"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("jobs")
                    .get(0)
                    .path("id")
                    .asText();
            int cancel = http.send(
                            HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
                                    .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            assertEquals(202, cancel);
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop after its job ended");
            String after = outputAfterExit(serve);
            assertEquals(1, serve.exitValue(), after);
            assertTrue(after.contains("aimix serve: error: the mix job ended ("), after);
            assertTrue(!Files.exists(tmp.resolve("home").resolve("serve.json")), "serve.json left behind");
        } finally {
            serve.destroyForcibly();
        }
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The WARN and ERROR lines of serve's output so far, for a failure message (a serve started from the tests logs
     * to its console with the tests' log configuration).
     */
    private static String warnings(Process serve) {
        return output(serve)
                .lines()
                .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                .limit(200)
                .collect(Collectors.joining("\n"));
    }

    /**
     * {@code aimix serve} in a process of its own, its home and log under {@code tmp}; {@code metricsPorts}: the
     * Prometheus reporters' ports, the mix job's first, the tournament job's second (e.g. {@code "9249,9250"}).
     */
    static Process startServe(Path tmp, int kafkaPort, int uiPort, String metricsPorts, String... options)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                javaCommand(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                "-Daimix.log.file=" + tmp.resolve("serve.log"),
                AimixCli.class.getName(),
                "serve",
                "--port",
                String.valueOf(kafkaPort),
                "--ui-port",
                String.valueOf(uiPort),
                "-Dmetrics.reporter.prom.port=" + metricsPorts));
        if (!List.of(options).contains("--api-port")) {
            command.addAll(List.of("--api-port", String.valueOf(CommonOptions.freePort())));
        }
        command.addAll(List.of(options));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("AIMIX_HOME", tmp.resolve("home").toString());
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /**
     * Reads {@code serve}'s output up to its ready line, and returns that line. The output is read a byte at a time
     * (no buffering beyond the line), so what follows can still be read from the process's stream.
     */
    static String readyLine(Process serve) throws IOException {
        List<String> seen = new ArrayList<>();
        InputStream in = serve.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.startsWith("ready ")) {
                drain(serve, in);
                return text;
            }
            seen.add(text);
            line.reset();
        }
        throw new AssertionError("no ready line; output: " + seen);
    }

    /** What each serve process wrote after its ready line, read as it comes (see {@link #drain}). */
    private static final Map<Process, Drain> OUTPUT = new ConcurrentHashMap<>();

    private record Drain(ByteArrayOutputStream out, Thread reader) {}

    /**
     * Reads the rest of serve's output as it comes, on a thread of its own: a child whose pipe nobody reads blocks in
     * its next write once the pipe's buffer (64 KiB on Linux) is full — a serve logging a failover's warnings and
     * stack traces would stop mixing in the middle of a test, inside a log call.
     */
    private static void drain(Process serve, InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(
                () -> {
                    try {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // the stream was closed: what came is kept
                    }
                },
                "serve-output");
        reader.setDaemon(true);
        OUTPUT.put(serve, new Drain(out, reader));
        reader.start();
    }

    /** Serve's output after its ready line, so far. */
    static String output(Process serve) {
        Drain d = OUTPUT.get(serve);
        return d == null ? "" : d.out().toString(StandardCharsets.UTF_8);
    }

    /** All of serve's output after its ready line, once it has ended and its stream has been read to the end. */
    static String outputAfterExit(Process serve) throws InterruptedException {
        serve.waitFor();
        Drain d = OUTPUT.remove(serve);
        if (d == null) {
            return "";
        }
        d.reader().join(TimeUnit.SECONDS.toMillis(10));
        return d.out().toString(StandardCharsets.UTF_8);
    }

    static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
