package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.OfflineRenderer;
import ai.aimix.dsp.mix.ProcessedStem;
import ai.aimix.dsp.resample.Resampler;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.GatewayMain;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.api.GatewayMetrics;
import ai.aimix.gateway.audio.AudioStore;
import ai.aimix.gateway.audio.GainReduction;
import ai.aimix.gateway.audio.OggOpusFile;
import ai.aimix.gateway.audio.StemRender;
import ai.aimix.gateway.kafka.ContractProducer;
import ai.aimix.gateway.keys.ApiKey;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.keys.KeyRing;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.gateway.mix.MixBook;
import ai.aimix.gateway.mix.MixRecord;
import ai.aimix.gateway.mix.MixSpec;
import ai.aimix.gateway.mix.MixState;
import ai.aimix.gateway.upload.Uploads;
import ai.aimix.gateway.webhooks.RetrySchedule;
import ai.aimix.gateway.webhooks.Signatures;
import ai.aimix.gateway.webhooks.UrlGuard;
import ai.aimix.gateway.webhooks.Webhooks;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.embedded.FlinkConfigs;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Standings;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.Pcm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.flink.configuration.RestOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API on the embedded stack (in-process Kafka and the mix job on a local cluster): mixes created over HTTP,
 * their stems streamed in parallel as WAV bodies, their state read back; and every kind of bad input answered with
 * its problem response while the good mixes carry on.
 */
class GatewayTest {
    static final int RATE = 22050;
    /** The gateway secret of the tests' gateways. */
    static final String SECRET = KeySeal.randomSecret();

    static final KeySeal SEAL = KeySeal.of(SECRET);
    /** Small, so an oversize upload is cheap to send. */
    static final long MAX_UPLOAD = 4L << 20;

    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedStack stack;
    /** The token of the key the tests use. */
    static String TOKEN;

    static Gateway gateway;
    /** The stem store this test's gateways share, as replicas on a cluster share a volume. */
    static Path SHARED_STORE;

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        MAIN = null; // another class (StudioTest) may have started and stopped a stack before
        int ui;
        try (ServerSocket s = new ServerSocket(0)) {
            ui = s.getLocalPort();
        }
        stack = EmbeddedStack.start(
                FlinkConfigs.load(
                        Path.of("..", "flink-conf", "embedded"),
                        "embedded",
                        Map.of(RestOptions.PORT.key(), String.valueOf(ui))),
                null,
                0);
        SHARED_STORE = Files.createTempDirectory("gateway-test-shared");
        gateway = Gateway.start(
                GatewaySettings.defaults(KafkaConnection.plain(stack.bootstrapServers()), SEAL)
                        .withPort(0)
                        .withTopics(stack.topics())
                        .withSharedStoreDir(SHARED_STORE)
                        // callbacks to this machine's receiver, retried fast
                        .withWebhooks(
                                List.of("127.0.0.1"),
                                new RetrySchedule(
                                        Duration.ofMillis(200), Duration.ofSeconds(1), 0.2, Duration.ofSeconds(30))),
                Clock.systemUTC());
        KeyLimits d = KeyLimits.defaults();
        TOKEN = key(new KeyLimits(d.mixesPerHour(), d.concurrentMixes(), MAX_UPLOAD, d.maxStems(), d.maxSeconds()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (get("/readyz").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "the gateway never got ready");
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (SHARED_STORE != null) {
            try (Stream<Path> paths = Files.walk(SHARED_STORE)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static URI uri(String path) {
        String base = "http://127.0.0.1:" + gateway.port();
        return URI.create(
                path.startsWith("/api")
                                || List.of("/healthz", "/readyz", "/metrics").contains(path)
                        ? base + path
                        : base + Gateway.API + path);
    }

    /** A new key with these limits, known to the gateway; returns its token. */
    static String key(KeyLimits limits) throws Exception {
        ApiKey.Issued k = ApiKey.issue("test", limits, System.currentTimeMillis(), SEAL);
        KeyRing.publish(
                KafkaConnection.plain(stack.bootstrapServers()), GatewaySettings.DEFAULT_KEYS_TOPIC, k.key(), SEAL);
        assertTrue(gateway.awaitKey(k.key().id(), Duration.ofSeconds(30)));
        if (MAIN == null) {
            MAIN = k;
        }
        return k.token();
    }

    /** The key the tests use, with its webhook secret. */
    static ApiKey.Issued MAIN;

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A request with a JSON body (or none). */
    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(
                request(path)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> put(String path, byte[] body) {
        return HTTP.sendAsync(
                request(path)
                        .header("Content-Type", "audio/wav")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static byte[] wav(Audio a, Wav.Encoding enc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wav.write(out, a, enc);
        return out.toByteArray();
    }

    /** The create body for these stems. */
    static String createBody(List<StemInput> stems, int rate) {
        ObjectNode o = JSON.createObjectNode();
        o.put("sampleRate", rate);
        ArrayNode a = o.putArray("stems");
        for (StemInput s : stems) {
            a.addObject().put("name", s.name).put("role", s.role.name()).put("channels", s.channels());
        }
        return o.toString();
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The response is the problem with this code and status, as RFC 9457 asks. */
    static void assertProblem(ApiError expected, HttpResponse<String> r) throws IOException {
        assertEquals(expected.status, r.statusCode(), r.body());
        assertEquals(
                "application/problem+json",
                r.headers().firstValue("Content-Type").orElse("").split(";")[0],
                r.headers().map().toString());
        JsonNode p = json(r);
        assertEquals(expected.name(), p.path("code").asText(), r.body());
        assertEquals(expected.status, p.path("status").asInt());
        assertEquals(expected.type(), p.path("type").asText());
        assertTrue(
                !p.path("title").asText().isEmpty()
                        && !p.path("detail").asText().isEmpty(),
                r.body());
    }

    static JsonNode awaitEnd(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode m = json(get("/mixes/" + id));
            String status = m.path("status").asText();
            if (status.equals("COMPLETED") || status.equals("FAILED")) {
                return m;
            }
            assertTrue(System.nanoTime() < deadline, "mix " + id + " still " + m);
            Thread.sleep(200);
        }
    }

    /** A mix created over HTTP, every stem uploaded in parallel. */
    static String mixOverHttp(List<StemInput> stems) throws Exception {
        HttpResponse<String> created = post("/mixes", createBody(stems, RATE));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode m = json(created);
        String id = m.path("id").asText();
        assertEquals(
                Gateway.API + "/mixes/" + id,
                created.headers().firstValue("Location").orElse(""));
        assertEquals("AWAITING_UPLOAD", m.path("status").asText());
        List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
        for (int i = 0; i < stems.size(); i++) {
            String url = m.path("stems").get(i).path("uploadUrl").asText();
            uploads.add(put(url, wav(stems.get(i).audio, i % 2 == 0 ? Wav.Encoding.PCM_16 : Wav.Encoding.FLOAT_32)));
        }
        for (int i = 0; i < uploads.size(); i++) {
            HttpResponse<String> r = uploads.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(stems.get(i).frames(), json(r).path("frames").asLong());
        }
        return id;
    }

    @Test
    void twoMixesUploadedAsParallelStreamsCompleteWhileBadRequestsAreRefused() throws Exception {
        List<StemInput> a = new SongGenerator(11, RATE).generate(6, 5);
        List<StemInput> b = new SongGenerator(12, RATE).generate(5, 6);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> call(() -> mixOverHttp(a)));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> call(() -> mixOverHttp(b)));

        // meanwhile, bad input of every kind, each answered with its problem
        assertProblem(ApiError.INVALID_JSON, post("/mixes", "{\"sampleRate\": 44100, \"stems\": ["));
        assertProblem(ApiError.INVALID_MIX_REQUEST, post("/mixes", "{\"sampleRate\": 5, \"stems\": []}"));
        // a gateway without the tournament's key runs no arena, and says so
        assertProblem(ApiError.ARENA_UNAVAILABLE, get("/arena/next"));
        HttpResponse<String> unknownField = post("/mixes", "{\"sampleRate\": 44100, \"stemz\": []}");
        assertProblem(ApiError.INVALID_MIX_REQUEST, unknownField);
        assertTrue(json(unknownField).path("detail").asText().startsWith("/stemz"), unknownField.body());
        assertProblem(ApiError.MIX_NOT_FOUND, get("/mixes/mix_0000"));
        assertProblem(ApiError.NOT_FOUND, get("/nothing-here"));
        assertProblem(
                ApiError.METHOD_NOT_ALLOWED,
                HTTP.send(request("/mixes").DELETE().build(), HttpResponse.BodyHandlers.ofString()));

        List<StemInput> c = new SongGenerator(13, RATE).generate(4, 5);
        JsonNode bad = json(post("/mixes", createBody(c, RATE)));
        String badId = bad.path("id").asText();
        String stem0 = Gateway.API + "/mixes/" + badId + "/stems/0";
        assertProblem(
                ApiError.STEM_NOT_FOUND,
                put(Gateway.API + "/mixes/" + badId + "/stems/9", new byte[10]).get());
        assertProblem(
                ApiError.NOT_WAV, put(stem0, "this is not audio".getBytes()).get());
        Audio wrongRate = new Audio(44100, c.get(0).channels(), c.get(0).audio.samples());
        assertProblem(
                ApiError.STEM_FORMAT_MISMATCH,
                put(stem0, wav(wrongRate, Wav.Encoding.PCM_16)).get());
        assertProblem(
                ApiError.UPLOAD_TOO_LARGE,
                put(stem0, new byte[(int) MAX_UPLOAD + 1]).get());
        // the refusals above sent nothing: the stem can still be uploaded, once
        assertEquals(
                200, put(stem0, wav(c.get(0).audio, Wav.Encoding.PCM_24)).get().statusCode());
        assertProblem(
                ApiError.STEM_ALREADY_UPLOADED,
                put(stem0, wav(c.get(0).audio, Wav.Encoding.PCM_16)).get());
        // a WAV whose header claims more audio than the body holds: the mix cannot be right, so it fails
        byte[] full = wav(c.get(1).audio, Wav.Encoding.PCM_16);
        HttpResponse<String> truncated = put(
                        Gateway.API + "/mixes/" + badId + "/stems/1", Arrays.copyOf(full, full.length / 2))
                .get();
        assertProblem(ApiError.UPLOAD_INCOMPLETE, truncated);
        JsonNode failed = json(get("/mixes/" + badId));
        assertEquals("FAILED", failed.path("status").asText(), failed.toString());
        assertEquals("UPLOAD_INCOMPLETE", failed.path("error").path("code").asText());
        assertProblem(
                ApiError.MIX_ENDED,
                put(Gateway.API + "/mixes/" + badId + "/stems/2", wav(c.get(2).audio, Wav.Encoding.PCM_16))
                        .get());

        for (String id : List.of(first.get(), second.get())) {
            JsonNode done = awaitEnd(id, Duration.ofSeconds(120));
            assertEquals("COMPLETED", done.path("status").asText(), done.toString());
            JsonNode result = done.path("result");
            assertEquals("COMPLETED", result.path("status").asText());
            JsonNode variant = result.path("variants").get(0);
            assertTrue(variant.path("integratedLufs").isNumber(), variant.toString());
            assertTrue(done.path("progress").path("segmentsDone").asInt() > 0, done.toString());
            for (JsonNode s : done.path("stems")) {
                assertEquals("DONE", s.path("upload").asText());
            }
        }
        assertEquals(
                List.of(6.0 * RATE, 5.0 * RATE),
                List.of(
                        (double) json(get("/mixes/" + first.get()))
                                .path("result")
                                .path("frames")
                                .asLong(),
                        (double) json(get("/mixes/" + second.get()))
                                .path("result")
                                .path("frames")
                                .asLong()));
        assertEquals(200, get("/healthz").statusCode());
        // the gateway's own metrics, for Prometheus (no key needed)
        String metrics = HTTP.send(
                        HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        for (String series : List.of(
                "aimix_gateway_requests_total\\{route=\"/api/v1/mixes\",method=\"POST\",status=\"201\",?\\} [3-9]",
                "aimix_gateway_requests_total\\{route=\"/api/v1/mixes/\\{id\\}/stems/\\{index\\}\",method=\"PUT\",status=\"413\",?\\} 1",
                "aimix_gateway_request_seconds_count\\{route=\"/api/v1/mixes/\\{id\\}\",method=\"GET\",?\\} [1-9]",
                "aimix_gateway_forwarded_bytes_total [1-9]",
                "aimix_gateway_upload_bytes_total [1-9]",
                "aimix_gateway_uploads_in_flight 0",
                "aimix_gateway_open_websockets ",
                "aimix_gateway_mixes_created_total [3-9]")) {
            assertTrue(Pattern.compile(series).matcher(metrics).find(), series + " in\n" + metrics);
        }
    }

    /** A WebSocket client that keeps every message: text events parsed, audio messages decoded. */
    static final class Events implements WebSocket.Listener {
        final List<JsonNode> events = new CopyOnWriteArrayList<>();
        final List<Long> audioStarts = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile long firstAudioNanos;
        private StringBuilder text = new StringBuilder();
        private ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(call(() -> JSON.readTree(text.toString())));
                text = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.write(b, 0, b.length);
            if (last) {
                ByteBuffer m = ByteBuffer.wrap(binary.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(0, m.getInt(), "variant MAIN");
                int frames = m.getInt();
                audioStarts.add(m.getLong());
                assertEquals(frames * 4, m.remaining());
                synchronized (pcm) {
                    pcm.write(m.array(), m.position(), m.remaining());
                }
                if (firstAudioNanos == 0) {
                    firstAudioNanos = System.nanoTime();
                }
                binary = new ByteArrayOutputStream();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        float[] samples() {
            byte[] b;
            synchronized (pcm) {
                b = pcm.toByteArray();
            }
            return Pcm.decode(ByteBuffer.wrap(b), SampleEncoding.PCM_S16LE);
        }
    }

    /**
     * A mix's events over a WebSocket, subscribed before its upload: state first, progress, every frame of the mix as
     * 16-bit PCM, the result, then a normal close; the WAV download holds the same audio at 24 bits, any range of it
     * is that slice, and the waveform brackets it.
     */
    /**
     * {@code preview}: only the excerpt is mixed (the job drops the audio before it and completes at its end), as a
     * song of its own: the result, the progress and the download count its frames.
     */
    @Test
    void aPreviewMixesOnlyItsExcerpt() throws Exception {
        List<StemInput> stems = new SongGenerator(23, RATE).generate(12, 5);
        ObjectNode body = (ObjectNode) JSON.readTree(createBody(stems, RATE));
        body.putObject("preview").put("startSeconds", 4.5).put("seconds", 3);
        HttpResponse<String> created = post("/mixes", body.toString());
        assertEquals(201, created.statusCode(), created.body());
        JsonNode m = json(created);
        String id = m.path("id").asText();
        assertEquals((long) (4.5 * RATE), m.path("preview").path("startFrame").asLong(), m.toString());
        List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
        for (int i = 0; i < stems.size(); i++) {
            uploads.add(put(
                    m.path("stems").get(i).path("uploadUrl").asText(), wav(stems.get(i).audio, Wav.Encoding.PCM_16)));
        }
        for (int i = 0; i < uploads.size(); i++) {
            HttpResponse<String> r = uploads.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(stems.get(i).frames(), json(r).path("frames").asLong(), "the whole body was read");
        }
        JsonNode done = awaitEnd(id, Duration.ofSeconds(120));
        assertEquals("COMPLETED", done.path("status").asText(), done.toString());
        assertEquals(3L * RATE, done.path("result").path("frames").asLong(), done.toString());
        assertEquals(3L * RATE, done.path("progress").path("framesTotal").asLong(), done.toString());
        HttpResponse<byte[]> wav =
                HTTP.send(request("/mixes/" + id + "/audio").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, wav.statusCode());
        assertEquals(44 + 3L * RATE * 6, wav.body().length, "3 s of 24-bit stereo");
        assertProblem(
                ApiError.INVALID_MIX_REQUEST,
                post("/mixes", body.deepCopy().put("seconds", 4).toString()));
    }

    /**
     * Stems uploaded in pieces (Content-Range), as the studio sends them: the pieces of different stems interleaved,
     * the WAV parsed across them; a piece out of place refused with the offset to go on from, a malformed range
     * refused; the mix completes with every frame.
     */
    @Test
    void stemsUploadedInPiecesMixAsWholeOnes() throws Exception {
        List<StemInput> stems = new SongGenerator(29, RATE).generate(8, 5);
        JsonNode m = json(post("/mixes", createBody(stems, RATE)));
        String id = m.path("id").asText();
        List<byte[]> files = new ArrayList<>();
        for (StemInput s : stems) {
            files.add(wav(s.audio, Wav.Encoding.PCM_24));
        }
        String path0 = m.path("stems").get(0).path("uploadUrl").asText();
        assertProblem(ApiError.INVALID_CONTENT_RANGE, piece(path0, files.get(0), 0, 10, "bytes 0-9/*"));
        HttpResponse<String> early = piece(path0, files.get(0), 5000, 6000, null);
        assertProblem(ApiError.UPLOAD_OFFSET_MISMATCH, early);
        assertEquals("0", early.headers().firstValue("Upload-Offset").orElse(""));
        int piece = 100_000; // the first piece holds the header and the start of the audio
        int pieces = 0;
        for (int from = 0; ; from += piece) {
            boolean any = false;
            for (int i = 0; i < stems.size(); i++) {
                byte[] f = files.get(i);
                if (from >= f.length) {
                    continue;
                }
                any = true;
                int to = Math.min(f.length, from + piece);
                HttpResponse<String> r =
                        piece(m.path("stems").get(i).path("uploadUrl").asText(), f, from, to, null);
                pieces++;
                if (to < f.length) {
                    assertEquals(
                            202,
                            r.statusCode(),
                            r.body() + " " + get("/mixes/" + id).body());
                    assertEquals(
                            String.valueOf(to),
                            r.headers().firstValue("Upload-Offset").orElse(""));
                } else {
                    assertEquals(200, r.statusCode(), r.body());
                    assertEquals(stems.get(i).frames(), json(r).path("frames").asLong(), "every frame, across pieces");
                }
                if (i == 1 && from == piece) {
                    // the same piece again: refused, with where the upload stands
                    HttpResponse<String> again =
                            piece(m.path("stems").get(1).path("uploadUrl").asText(), f, from, to, null);
                    assertProblem(ApiError.UPLOAD_OFFSET_MISMATCH, again);
                    assertEquals(
                            String.valueOf(to),
                            again.headers().firstValue("Upload-Offset").orElse(""));
                }
            }
            if (!any) {
                break;
            }
        }
        assertTrue(pieces > stems.size() * 5, "pieces: " + pieces);
        JsonNode done = awaitEnd(id, Duration.ofSeconds(120));
        assertEquals("COMPLETED", done.path("status").asText(), done.toString());
        assertEquals(stems.get(0).frames(), done.path("result").path("frames").asLong());
    }

    /**
     * The upload code on its own (to the broker, on topics no job reads): a piece whose connection breaks off keeps
     * what came and says where to go on, and the upload completes from there; an upload in pieces whose next piece
     * does not come within the idle time fails its mix.
     */
    @Test
    void aPieceThatBreaksOffKeepsWhatCameAndAnIdleUploadFailsItsMix(@TempDir Path tmp) throws Exception {
        String unread = "uploads-test-" + System.nanoTime();
        Topics topics = new Topics(
                unread + ".requests",
                unread + ".chunks",
                unread + ".output",
                unread + ".progress",
                unread + ".results",
                unread + ".errors");
        createTopics(topics.requests, topics.chunks);
        MutableClock clock = new MutableClock(1_000_000);
        List<StemInput> song = new SongGenerator(41, RATE).generate(3, 5).subList(0, 1);
        byte[] file = wav(song.get(0).audio, Wav.Encoding.PCM_16);
        try (ContractProducer producer = new ContractProducer(KafkaConnection.plain(stack.bootstrapServers()), topics);
                AudioStore store = new AudioStore(tmp)) {
            Uploads uploads = new Uploads(producer, 4096, clock, new GatewayMetrics(() -> 0, () -> 0));
            MixBook book = new MixBook(clock, Duration.ofHours(1), store, ended -> {});
            MixState m = book.create(MixSpec.parse(JSON.readTree(createBody(song, RATE)), 8, 60), "owner");
            String range = "bytes 0-99999/" + file.length;
            ApiException broke = assertThrows(
                    ApiException.class,
                    () -> uploads.receive(m, 0, KeyLimits.defaults(), range, -1, breakingOff(file, 0, 60_000)));
            assertEquals(ApiError.UPLOAD_INCOMPLETE, broke.error);
            assertEquals(60_000L, broke.uploadOffset, broke.getMessage());
            assertEquals(MixState.Upload.RECEIVING, m.upload(0), "the upload goes on");
            Uploads.Answer done = uploads.receive(
                    m,
                    0,
                    KeyLimits.defaults(),
                    "bytes 60000-" + (file.length - 1) + "/" + file.length,
                    -1,
                    new ByteArrayInputStream(file, 60_000, file.length - 60_000));
            assertEquals(200, done.status());
            assertEquals(song.get(0).frames(), done.body().path("frames").asLong(), "every frame, across the break");

            MixState idle = book.create(MixSpec.parse(JSON.readTree(createBody(song, RATE)), 8, 60), "owner");
            Uploads.Answer first = uploads.receive(
                    idle, 0, KeyLimits.defaults(), range, -1, new ByteArrayInputStream(file, 0, 100_000));
            assertEquals(202, first.status());
            clock.advance(Uploads.PIECE_IDLE.minusSeconds(1));
            uploads.expire(id -> idle);
            assertEquals(MixState.Status.UPLOADING, idle.status(), "not idle for long enough yet");
            clock.advance(Duration.ofSeconds(2));
            uploads.expire(id -> idle);
            assertEquals(MixState.Status.FAILED, idle.status());
            assertTrue(idle.toJson("/m").path("error").path("message").asText().contains("no piece came"));
        }
    }

    /**
     * Ended deliveries are listed for {@link Webhooks#RETENTION} after they were queued, then dropped; a pending one
     * stays whatever its age.
     */
    @Test
    void endedWebhookDeliveriesAreDroppedAfterTheirRetention() throws Exception {
        String topic = "deliveries-test-" + System.nanoTime();
        createTopics(topic);
        MutableClock clock = new MutableClock(1_000_000);
        CompletableFuture<Integer> outcome = new CompletableFuture<>();
        try (Webhooks w = new Webhooks(
                KafkaConnection.plain(stack.bootstrapServers()),
                topic,
                UrlGuard.system(List.of()),
                new RetrySchedule(Duration.ofMinutes(1), Duration.ofMinutes(1), 0, Duration.ofHours(1)),
                clock,
                keyId -> null, // no webhook secret: given up at once
                outcome::complete)) {
            w.enqueue("key", "mix_a", "mix.completed", "https://example.com/hook", "{}");
            assertEquals(-1, (int) outcome.get(30, TimeUnit.SECONDS), "given up");
            assertEquals(1, w.of("key").size());
            clock.advance(Webhooks.RETENTION.minusSeconds(1));
            w.prune();
            assertEquals(1, w.of("key").size(), "kept until its retention has passed");
            clock.advance(Duration.ofSeconds(2));
            w.prune();
            assertEquals(List.of(), w.of("key"), "dropped after it");
        }
    }

    /** Every stem uploaded to the created mix {@code m} in parallel, each in its encoding; each answered 200. */
    static void uploadAll(JsonNode m, List<StemInput> stems, IntFunction<Wav.Encoding> encoding) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
        for (int i = 0; i < stems.size(); i++) {
            uploads.add(
                    put(m.path("stems").get(i).path("uploadUrl").asText(), wav(stems.get(i).audio, encoding.apply(i))));
        }
        for (CompletableFuture<HttpResponse<String>> u : uploads) {
            HttpResponse<String> r = u.get();
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    /** Topics of the tests' own on the stack's broker (one partition each), for parts tested apart from the jobs. */
    static void createTopics(String... names) throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(Stream.of(names)
                            .map(t -> new NewTopic(t, 1, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Bytes [from, from + n) of the file, then the connection breaking off. */
    static InputStream breakingOff(byte[] file, int from, int n) {
        return new SequenceInputStream(new ByteArrayInputStream(file, from, n), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("the connection broke off");
            }
        });
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Bytes [from, to) of a file as a piece of the stem's upload (the Content-Range given, or made from them). */
    static HttpResponse<String> piece(String path, byte[] file, int from, int to, String range) throws Exception {
        return HTTP.send(
                request(path)
                        .header("Content-Type", "audio/wav")
                        .header(
                                "Content-Range",
                                range != null ? range : "bytes " + from + "-" + (to - 1) + "/" + file.length)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(file, from, to - from))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Processed stems: each stem as the model processed it, rendered by the gateway from its stem store with the
     * result's parameters and master gains. Quiet target, so the mix's limiter stays idle: then the stems, downloaded
     * as 24-bit WAV, sum to the mix (24-bit rounding of six files apart).
     */
    @Test
    void theProcessedStemsSumToTheMix() throws Exception {
        List<StemInput> stems = new SongGenerator(29, RATE).generate(6, 5);
        ObjectNode body = (ObjectNode) JSON.readTree(createBody(stems, RATE));
        body.put("targetLufs", -30);
        HttpResponse<String> created = post("/mixes", body.toString());
        assertEquals(201, created.statusCode(), created.body());
        JsonNode m = json(created);
        String id = m.path("id").asText();
        uploadAll(m, stems, i -> i % 2 == 0 ? Wav.Encoding.PCM_16 : Wav.Encoding.FLOAT_32);
        JsonNode done = awaitEnd(id, Duration.ofSeconds(120));
        assertEquals("COMPLETED", done.path("status").asText(), done.toString());
        assertEquals(
                0.0,
                done.path("result")
                        .path("variants")
                        .get(0)
                        .path("limiterMaxReductionDb")
                        .asDouble(),
                1e-9,
                "the limiter stayed idle");
        float[] mix = download("/mixes/" + id + "/audio");
        float[] sum = new float[mix.length];
        for (int i = 0; i < stems.size(); i++) {
            float[] stem = download("/mixes/" + id + "/stems/" + i + "/audio");
            assertEquals(mix.length, stem.length, "stem " + i + " has the mix's length, in stereo");
            for (int j = 0; j < sum.length; j++) {
                sum[j] += stem[j];
            }
        }
        double worst = 0;
        for (int j = 0; j < sum.length; j++) {
            worst = Math.max(worst, Math.abs(sum[j] - mix[j]));
        }
        assertTrue(worst < 1e-5, "largest difference of the stems' sum from the mix: " + worst);
        JsonNode w = json(get("/mixes/" + id + "/stems/2/waveform?points=40"));
        assertEquals(40, w.path("max").size());
        assertEquals(2, w.path("stem").asInt());
        // the processed stem's own loudness, as the dsp module's meter measures the downloaded stem
        float[] stem2 = download("/mixes/" + id + "/stems/2/audio");
        LoudnessMeter meter = new LoudnessMeter(RATE, 2);
        meter.pushInterleaved(stem2, 0, stem2.length / 2);
        assertEquals(meter.integratedLufs(), w.path("integratedLufs").asDouble(), 0.02, w.toString());
        // each stem's compressor gain reduction over time, as the render applied it: the dsp module's processed stem
        // run here on the stem as sent, with the result's parameters, gives the same most-reduction per column
        JsonNode v0 = done.path("result").path("variants").get(0);
        int segment = done.path("result").path("segmentFrames").asInt();
        int frames = mix.length / 2;
        double most = 0;
        for (int i = 0; i < stems.size(); i++) {
            int ch = stems.get(i).channels();
            ProcessedStem chain = new ProcessedStem(StemRender.settings(RATE, segment, null, null), ch);
            float[] in = Arrays.copyOf(stems.get(i).audio.samples(), (frames + segment) * ch);
            float[] expected = new float[40];
            for (int k = 0; k * segment < frames; k++) {
                int n = Math.min(segment, frames - k * segment);
                JsonNode p = v0.path("stems").get(i).path("automation").get(k);
                float[] params = {
                    (float) p.path("gainDb").asDouble(), (float) p.path("pan").asDouble(),
                    (float) p.path("lowShelfDb").asDouble(),
                            (float) p.path("midPeakDb").asDouble(),
                    (float) p.path("highShelfDb").asDouble(),
                            (float) p.path("compThresholdDb").asDouble(),
                    (float) p.path("compRatio").asDouble()
                };
                float[] reduction = new float[chain.blocks(segment)];
                chain.renderSegment(
                        in,
                        k * segment,
                        n,
                        params,
                        v0.path("masterGainDb").get(k).asDouble(),
                        reduction);
                for (int b = 0; b < chain.blocks(n); b++) {
                    long run = ((long) k * segment + (long) b * chain.blockFrames()) / GainReduction.FRAMES;
                    int col = (int) Math.min(39, run * GainReduction.FRAMES * 40 / frames);
                    expected[col] = Math.min(expected[col], reduction[b]);
                }
            }
            JsonNode got = json(get("/mixes/" + id + "/stems/" + i + "/waveform?points=40"))
                    .path("gainReductionDb");
            assertEquals(40, got.size(), got.toString());
            for (int c = 0; c < 40; c++) {
                assertEquals(expected[c], got.get(c).asDouble(), 0.006, "stem " + i + ", column " + c + ": " + got);
                most = Math.min(most, expected[c]);
            }
        }
        System.out.printf("processed stems: most gain reduction %.2f dB%n", most);
        assertTrue(most < -0.5, "some stem is compressed: " + most + " dB");
        HttpResponse<byte[]> opus = HTTP.send(
                request("/mixes/" + id + "/stems/1/audio?format=opus").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, opus.statusCode());
        assertEquals(
                new Resampler(RATE, 48000).outputLength(mix.length / 2), new OggOpusFile(opus.body()).audio[0].length);
        assertProblem(ApiError.STEM_NOT_FOUND, get("/mixes/" + id + "/stems/9/audio"));
        assertProblem(ApiError.INVALID_PARAMETER, get("/mixes/" + id + "/stems/0/audio?variant=B"));
    }

    /**
     * Renders: the gateway renders a completed mix again from its stem store with the job's renderer. With the
     * model's own parameters it is the job's mix (to 1e-4); at intensity 0 the neutral mix of the same stems
     * (rendered here with dsp's OfflineRenderer); a locked parameter shows in the render's sheet; bad bodies are
     * refused field by field.
     */
    @Test
    void aRenderWithTheModelsParametersIsTheJobsMixAndIntensityZeroTheNeutralOne() throws Exception {
        List<StemInput> stems = new SongGenerator(31, RATE).generate(7, 5);
        HttpResponse<String> created = post("/mixes", createBody(stems, RATE));
        JsonNode m = json(created);
        String id = m.path("id").asText();
        uploadAll(m, stems, i -> Wav.Encoding.FLOAT_32);
        JsonNode done = awaitEnd(id, Duration.ofSeconds(120));
        assertEquals("COMPLETED", done.path("status").asText(), done.toString());
        float[] mix = download("/mixes/" + id + "/audio");
        // a completed mix's document, gzipped once for the clients that accept it: the same JSON
        HttpResponse<byte[]> zipped = HTTP.send(
                request("/mixes/" + id).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertEquals(get("/mixes/" + id).body(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        HttpResponse<String> same = post("/mixes/" + id + "/renders", "{}");
        assertEquals(201, same.statusCode(), same.body());
        JsonNode r = json(same);
        assertEquals(mix.length / 2, r.path("frames").asLong());
        double sameDiff =
                maxDifference(mix, download(r.path("links").path("audio").asText()));
        System.out.printf("render with the model's parameters: largest difference from the job's mix %.3g%n", sameDiff);
        assertEquals(0.0, sameDiff, 1e-4, "the job's mix");

        JsonNode neutral = json(post("/mixes/" + id + "/renders", "{\"intensity\": 0}"));
        int segment = done.path("result").path("segmentFrames").asInt();
        int frames = mix.length / 2;
        int segments = (frames + segment - 1) / segment;
        float[][] audio = new float[stems.size()][];
        int[] channels = new int[stems.size()];
        float[][][] schedule = new float[segments][stems.size()][];
        for (int i = 0; i < stems.size(); i++) {
            audio[i] = stems.get(i).audio.samples();
            channels[i] = stems.get(i).channels();
            for (int k = 0; k < segments; k++) {
                schedule[k][i] = MixParams.neutral();
            }
        }
        float[] expected = OfflineRenderer.render(
                StemRender.settings(RATE, segment, null, null), audio, channels, frames, schedule);
        double neutralDiff = maxDifference(
                expected, download(neutral.path("links").path("audio").asText()));
        System.out.printf("render at intensity 0: largest difference from the neutral mix %.3g%n", neutralDiff);
        assertEquals(0.0, neutralDiff, 1e-4, "intensity 0: the neutral mix");

        JsonNode locked = json(
                post("/mixes/" + id + "/renders", "{\"stems\": [{\"index\": 1, \"overrides\": {\"GAIN_DB\": 7.5}}]}"));
        for (JsonNode seg : locked.path("stems").get(1).path("automation")) {
            assertEquals(7.5, seg.path("GAIN_DB").asDouble(), 1e-6);
        }
        JsonNode modelGains =
                done.path("result").path("variants").get(0).path("stems").get(0).path("automation");
        assertEquals(
                modelGains.get(0).path("gainDb").asDouble(),
                locked.path("stems")
                        .get(0)
                        .path("automation")
                        .get(0)
                        .path("GAIN_DB")
                        .asDouble(),
                1e-6,
                "the other stems keep the model's parameters");

        JsonNode excerpt =
                json(post("/mixes/" + id + "/renders", "{\"excerpt\": {\"startSeconds\": 3.5, \"seconds\": 1}}"));
        assertEquals(
                segment * (long) ((int) (3.5 * RATE) / segment),
                excerpt.path("startFrame").asLong());
        assertTrue(excerpt.path("frames").asLong() <= segment * 2L, excerpt.toString());

        // the audio as the answer, sent while it is rendered: a float WAV of the announced length, the samples the
        // same render gives as JSON then download; its description at its Location once the audio has all come
        String body = "{\"intensity\": 0.6, \"excerpt\": {\"startSeconds\": 1.5, \"seconds\": 3}}";
        HttpResponse<byte[]> streamed = HTTP.send(
                request("/mixes/" + id + "/renders")
                        .header("Content-Type", "application/json")
                        .header("Accept", "audio/wav")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, streamed.statusCode());
        assertEquals("audio/wav", streamed.headers().firstValue("Content-Type").orElse(""));
        String location = streamed.headers().firstValue("Location").orElseThrow();
        JsonNode described = json(get(location.substring(Gateway.API.length())));
        assertEquals(
                streamed.headers().firstValue("Aimix-Render-Id").orElseThrow(),
                described.path("id").asText());
        assertEquals(
                described.path("startFrame").asLong(),
                Long.parseLong(streamed.headers()
                        .firstValue("Aimix-Render-Start-Frame")
                        .orElseThrow()));
        Path streamedFile = Files.createTempFile("gateway-test", ".wav");
        float[] streamedAudio;
        try {
            Files.write(streamedFile, streamed.body());
            streamedAudio = Wav.read(streamedFile).samples();
        } finally {
            Files.deleteIfExists(streamedFile);
        }
        assertEquals(2 * described.path("frames").asLong(), streamedAudio.length);
        JsonNode asJson = json(post("/mixes/" + id + "/renders", body));
        assertArrayEquals(
                download(asJson.path("links").path("audio").asText() + "?format=wav-float"),
                streamedAudio,
                "the streamed render's samples");
        assertArrayEquals(
                download(described.path("links").path("audio").asText() + "?format=wav-float"),
                streamedAudio,
                "the kept render's samples");

        // a preset: vocals (stem 3) and lead (stem 4) 3 dB up, the others 1 dB down, from the model's values
        JsonNode vocal = json(post("/mixes/" + id + "/renders", "{\"preset\": \"vocal-forward\"}"));
        assertEquals("vocal-forward", vocal.path("preset").asText(), vocal.toString());
        JsonNode model = done.path("result").path("variants").get(0).path("stems");
        for (int i = 0; i < stems.size(); i++) {
            double up = stems.get(i).role == StemRole.VOCALS || stems.get(i).role == StemRole.LEAD ? 3 : -1;
            double modelGain =
                    model.get(i).path("automation").get(0).path("gainDb").asDouble();
            assertEquals(
                    Math.max(-24, Math.min(12, modelGain + up)),
                    vocal.path("stems")
                            .get(i)
                            .path("automation")
                            .get(0)
                            .path("GAIN_DB")
                            .asDouble(),
                    1e-5,
                    "stem " + i + " (" + stems.get(i).role + ")");
        }
        JsonNode presets = json(get("/presets"));
        assertEquals(9, presets.path("presets").size(), presets.toString());
        assertProblem(ApiError.INVALID_RENDER_REQUEST, post("/mixes/" + id + "/renders", "{\"preset\": \"jazzy\"}"));
        ObjectNode unknownPreset = (ObjectNode) JSON.readTree(createBody(stems, RATE));
        unknownPreset.put("preset", "jazzy");
        assertProblem(ApiError.INVALID_MIX_REQUEST, post("/mixes", unknownPreset.toString()));

        assertProblem(ApiError.INVALID_RENDER_REQUEST, post("/mixes/" + id + "/renders", "{\"intensity\": 2}"));
        assertProblem(
                ApiError.INVALID_RENDER_REQUEST, post("/mixes/" + id + "/renders", "{\"stems\": [{\"index\": 9}]}"));
        assertProblem(
                ApiError.INVALID_RENDER_REQUEST,
                post("/mixes/" + id + "/renders", "{\"stems\": [{\"index\": 0, \"overrides\": {\"GAIN_DB\": 40}}]}"));
        assertProblem(ApiError.RENDER_NOT_FOUND, get("/mixes/" + id + "/renders/rnd_none/audio"));

        // a preset saved by this key: listed, applied by role, refused when wrong, invisible to other keys, deleted
        String definition = "{\"description\": \"vocal up\", \"base\": \"warm\", \"intensity\": 0.5,"
                + " \"roles\": {\"VOCALS\": {\"overrides\": {\"GAIN_DB\": 6}}}}";
        assertEquals(201, send("PUT", "/presets/my%20vocal", definition).statusCode());
        assertEquals(200, send("PUT", "/presets/my%20vocal", definition).statusCode(), "saved again: replaced");
        JsonNode listed = json(get("/presets"));
        assertEquals(10, listed.path("presets").size(), listed.toString());
        assertEquals(false, listed.path("presets").get(9).path("builtIn").asBoolean(true));
        JsonNode mine = json(post("/mixes/" + id + "/renders", "{\"preset\": \"my vocal\"}"));
        assertEquals("my vocal", mine.path("preset").asText());
        for (int i = 0; i < stems.size(); i++) {
            JsonNode seg = mine.path("stems").get(i).path("automation").get(0);
            JsonNode m0 = model.get(i).path("automation").get(0);
            if (stems.get(i).role == StemRole.VOCALS) {
                assertEquals(6.0, seg.path("GAIN_DB").asDouble(), 1e-6, "the role's locked gain");
            } else {
                // intensity 0.5, then the base's shelf moves (warm: low +2, high -2)
                assertEquals(
                        0.5 * m0.path("gainDb").asDouble(), seg.path("GAIN_DB").asDouble(), 1e-5);
                assertEquals(
                        Math.max(-12, Math.min(12, 0.5 * m0.path("lowShelfDb").asDouble() + 2)),
                        seg.path("LOW_SHELF_DB").asDouble(),
                        1e-5);
            }
        }
        assertProblem(
                ApiError.INVALID_PRESET,
                send("PUT", "/presets/bad", "{\"roles\": {\"VOCALS\": {\"overrides\": {\"PAN\": 3}}}}"));
        assertTrue(send("PUT", "/presets/bad", "{\"roles\": {\"SINGER\": {}}}")
                .body()
                .contains("/roles/SINGER"));
        assertProblem(ApiError.INVALID_PRESET, send("PUT", "/presets/warm", "{}"));
        assertProblem(ApiError.INVALID_PRESET, send("PUT", "/presets/%20space-first", "{}"));
        assertProblem(ApiError.PRESET_NOT_FOUND, get("/presets/nobody"));
        String other = key(KeyLimits.defaults());
        HttpResponse<String> otherView = HTTP.send(
                HttpRequest.newBuilder(uri("/presets/my%20vocal"))
                        .header("Authorization", "Bearer " + other)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(ApiError.PRESET_NOT_FOUND, otherView);
        assertEquals(204, send("DELETE", "/presets/my%20vocal", null).statusCode());
        assertProblem(ApiError.PRESET_NOT_FOUND, send("DELETE", "/presets/my%20vocal", null));

        // a share link: the mix read-only without a key; a changed token opens nothing
        JsonNode share = json(post("/mixes/" + id + "/shares", "{}"));
        String token = share.path("token").asText();
        assertTrue(token.startsWith("shr_" + id + "."), share.toString());
        HttpResponse<String> shared = HTTP.send(
                HttpRequest.newBuilder(uri(Gateway.API + "/shared/" + token)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, shared.statusCode(), shared.body());
        assertEquals("COMPLETED", json(shared).path("status").asText());
        assertTrue(json(shared).path("stems").get(0).path("uploadUrl").isMissingNode());
        HttpResponse<byte[]> sharedAudio = HTTP.send(
                HttpRequest.newBuilder(uri(Gateway.API + "/shared/" + token + "/audio"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, sharedAudio.statusCode());
        Path sharedFile = Files.createTempFile("shared", ".wav");
        try {
            Files.write(sharedFile, sharedAudio.body());
            assertEquals(0.0, maxDifference(mix, Wav.read(sharedFile).samples()), 0.0, "the mix's own audio");
        } finally {
            Files.deleteIfExists(sharedFile);
        }
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertProblem(
                ApiError.MIX_NOT_FOUND,
                HTTP.send(
                        HttpRequest.newBuilder(uri(Gateway.API + "/shared/" + forged))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        assertEquals(
                40,
                json(get(r.path("links").path("waveform").asText() + "?points=40"))
                        .path("max")
                        .size());
    }

    static double maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length, "lengths");
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** A 24-bit WAV download as interleaved floats. */
    static float[] download(String path) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path);
        Path f = Files.createTempFile("gateway-test", ".wav");
        try {
            Files.write(f, r.body());
            return Wav.read(f).samples();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void eventsDownloadsAndTheWaveformAgree() throws Exception {
        List<StemInput> stems = new SongGenerator(21, RATE).generate(5, 5);
        HttpResponse<String> created = post("/mixes", createBody(stems, RATE));
        JsonNode m = json(created);
        String id = m.path("id").asText();
        Events events = new Events();
        HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer " + TOKEN)
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + gateway.port() + Gateway.API + "/mixes/" + id + "/events"),
                        events)
                .get();
        assertProblem(ApiError.AUDIO_NOT_READY, get("/mixes/" + id + "/audio"));
        uploadAll(m, stems, i -> Wav.Encoding.PCM_16);
        assertEquals(1000, (int) events.closed.get(120, TimeUnit.SECONDS), "a normal close after the result");
        JsonNode done = awaitEnd(id, Duration.ofSeconds(30));
        assertEquals("COMPLETED", done.path("status").asText(), done.toString());
        List<String> types =
                events.events.stream().map(e -> e.path("type").asText()).toList();
        assertEquals("state", types.get(0), types.toString());
        assertEquals("result", types.get(types.size() - 1), types.toString());
        // progress events come while the result has not (the topics carry no order between them: some may come late)
        assertTrue(types.contains("audio"), types.toString());
        long frames = 5L * RATE;
        float[] streamed = events.samples();
        assertEquals(2 * frames, streamed.length, "every frame on the event stream");

        HttpResponse<byte[]> wav = HTTP.send(
                request("/mixes/" + id + "/audio?format=wav").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, wav.statusCode());
        assertEquals("audio/wav", wav.headers().firstValue("Content-Type").orElse(""));
        assertEquals("bytes", wav.headers().firstValue("Accept-Ranges").orElse(""));
        byte[] file = wav.body();
        assertEquals(44 + frames * 6, file.length);
        Path f = Files.createTempFile("gateway-test", ".wav");
        try {
            Files.write(f, file);
            Audio mix = Wav.read(f);
            assertEquals(RATE, mix.sampleRate());
            assertEquals(frames, mix.frames());
            float[] x = mix.samples();
            for (int i = 0; i < x.length; i++) {
                // the same float audio, at 24 and at 16 bits
                assertEquals(x[i], streamed[i], 1.0 / 32768 + 1.0 / 8388608, "sample " + i);
            }
            double lufs = LoudnessAnalysis.ofInterleaved(x, 2, RATE, ChannelWeights.of(1, 1)).integratedLufs;
            double reported = done.path("result")
                    .path("variants")
                    .get(0)
                    .path("integratedLufs")
                    .asDouble();
            assertEquals(reported, lufs, 0.1, "the download measures as the job reported");
        } finally {
            Files.deleteIfExists(f);
        }
        HttpResponse<byte[]> part = HTTP.send(
                request("/mixes/" + id + "/audio")
                        .header("Range", "bytes=1000-2999")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals(
                "bytes 1000-2999/" + file.length,
                part.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(file, 1000, 3000), part.body());
        HttpResponse<String> beyond = HTTP.send(
                request("/mixes/" + id + "/audio")
                        .header("Range", "bytes=" + file.length + "-")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(ApiError.RANGE_NOT_SATISFIABLE, beyond);
        assertProblem(ApiError.INVALID_PARAMETER, get("/mixes/" + id + "/audio?format=mp3"));

        // the Opus preview: decoded back with concentus, as loud as the job measured the mix (0.5 LU), seekable
        HttpResponse<byte[]> opus = HTTP.send(
                request("/mixes/" + id + "/audio?format=opus").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, opus.statusCode());
        assertEquals(
                "audio/ogg; codecs=opus",
                opus.headers().firstValue("Content-Type").orElse(""));
        OggOpusFile preview = new OggOpusFile(opus.body());
        assertEquals(RATE, preview.inputRate);
        assertEquals(new Resampler(RATE, 48000).outputLength((int) frames), preview.audio[0].length);
        double previewLufs = LoudnessAnalysis.of(preview.audio, 48000, ChannelWeights.of(1, 1)).integratedLufs;
        double reportedLufs = done.path("result")
                .path("variants")
                .get(0)
                .path("integratedLufs")
                .asDouble();
        assertEquals(reportedLufs, previewLufs, 0.5, "the preview's loudness");
        assertTrue(opus.body().length < file.length / 5, opus.body().length + " bytes of Opus");
        HttpResponse<byte[]> opusPart = HTTP.send(
                request("/mixes/" + id + "/audio?format=opus")
                        .header("Range", "bytes=200-")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, opusPart.statusCode());
        assertArrayEquals(Arrays.copyOfRange(opus.body(), 200, opus.body().length), opusPart.body());
        assertProblem(ApiError.INVALID_PARAMETER, get("/mixes/" + id + "/waveform?points=0"));

        JsonNode w = json(get("/mixes/" + id + "/waveform?points=50"));
        assertEquals(50, w.path("min").size());
        assertEquals(frames, w.path("frames").asLong());
        for (int p = 0; p < 50; p++) {
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (long i = 2 * (frames * p / 50); i < 2 * (frames * (p + 1) / 50); i++) {
                lo = Math.min(lo, streamed[(int) i]);
                hi = Math.max(hi, streamed[(int) i]);
            }
            assertEquals(lo, w.path("min").get(p).asDouble(), 1.0 / 32768 + 1e-6);
            assertEquals(hi, w.path("max").get(p).asDouble(), 1.0 / 32768 + 1e-6);
        }
        // a subscriber who comes after the end gets the state and the whole mix, then the close
        Events late = new Events();
        // a browser cannot set headers on a WebSocket: it sends its key as access_token
        HTTP.newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + gateway.port() + Gateway.API + "/mixes/" + id
                                + "/events?access_token=" + TOKEN),
                        late)
                .get();
        assertEquals(1000, (int) late.closed.get(30, TimeUnit.SECONDS));
        assertEquals(2 * frames, late.samples().length);
        assertEquals("COMPLETED", late.events.get(0).path("mix").path("status").asText());
    }

    /**
     * The gateway as a process of its own, from its jar and gateway/target/lib (what docker/Dockerfile.gateway
     * runs), with the container's JSON logging: ready, and its API answers.
     */
    @Test
    void theGatewayRunsAsAProcessOfItsOwn(@TempDir Path tmp) throws Exception {
        Path target = Path.of("..", "gateway", "target");
        Path jar = target.resolve("aimix-gateway-0.1.0-SNAPSHOT.jar");
        assertTrue(
                Files.isRegularFile(jar) && Files.isDirectory(target.resolve("lib")), jar + " (mvn package builds it)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-Dlog4j2.configurationFile="
                                + Path.of("..", "docker", "gateway-log4j2.properties")
                                        .toAbsolutePath(),
                        "-cp",
                        jar + File.pathSeparator + target.resolve("lib") + File.separator + "*",
                        GatewayMain.class.getName(),
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        String.valueOf(port),
                        "--store",
                        tmp.resolve("store").toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("gateway.log").toFile());
        // without a gateway secret it does not start: one line, exit code 2
        ProcessBuilder bare = new ProcessBuilder(pb.command()).redirectErrorStream(true);
        bare.environment().remove(KeySeal.ENV);
        Process refused = bare.start();
        String said = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, refused.exitValue(), said);
        assertTrue(
                said.lines().anyMatch(l -> l.startsWith("aimix-gateway: error: no gateway secret: set " + KeySeal.ENV)),
                said);
        // the gateway secret, as the chart passes it from a Secret: the tests' keys are hashed and sealed with it
        pb.environment().put(KeySeal.ENV, SECRET);
        Process p = pb.start();
        try {
            URI ready = URI.create("http://127.0.0.1:" + port + "/readyz");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int status = 0;
            while (status != 200) {
                assertTrue(p.isAlive(), Files.readString(tmp.resolve("gateway.log")));
                assertTrue(System.nanoTime() < deadline, Files.readString(tmp.resolve("gateway.log")));
                Thread.sleep(250);
                try {
                    status = HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                } catch (IOException e) {
                    status = 0; // not listening yet
                }
            }
            HttpResponse<String> models = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + Gateway.API + "/models"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode(), models.body());
            String log = Files.readString(tmp.resolve("gateway.log"));
            assertTrue(log.contains("ready api=http://127.0.0.1:" + port + "/api/v1"), log);
            assertTrue(
                    log.lines().anyMatch(l -> l.startsWith("{") && l.contains("\"log.level\"")), "JSON lines: " + log);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the gateway stops on SIGTERM");
        }
    }

    /**
     * A mix with a callback URL: the gateway POSTs when it completes, signed with the key's webhook secret, and
     * tries again after the receiver failed twice, with the same idempotency key; the deliveries list says so. A
     * callback to a private address is refused when the mix is created.
     */
    @Test
    void aWebhookIsDeliveredSignedAfterTheReceiverFailedTwice() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> signatures = new CopyOnWriteArrayList<>();
        List<String> keys = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> delivered = new CompletableFuture<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            signatures.add(exchange.getRequestHeaders().getFirst(Signatures.HEADER));
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            int status = bodies.size() <= 2 ? 503 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            if (status == 204) {
                delivered.complete(null);
            }
        });
        receiver.start();
        try {
            List<StemInput> stems = new SongGenerator(41, RATE).generate(3, 5);
            ObjectNode body = (ObjectNode) JSON.readTree(createBody(stems, RATE));
            body.put("callbackUrl", "http://10.0.0.1/hook");
            HttpResponse<String> refused = post("/mixes", body.toString());
            assertProblem(ApiError.INVALID_MIX_REQUEST, refused);
            assertTrue(json(refused).path("detail").asText().contains("/callbackUrl: "), refused.body());

            body.put("callbackUrl", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
            JsonNode m = json(post("/mixes", body.toString()));
            String id = m.path("id").asText();
            for (int i = 0; i < stems.size(); i++) {
                assertEquals(
                        200,
                        put(
                                        m.path("stems").get(i).path("uploadUrl").asText(),
                                        wav(stems.get(i).audio, Wav.Encoding.PCM_16))
                                .get()
                                .statusCode());
            }
            delivered.get(120, TimeUnit.SECONDS);
            assertEquals(3, bodies.size(), bodies.toString());
            assertEquals(1, Set.copyOf(keys).size(), "one idempotency key for every attempt: " + keys);
            assertEquals(Set.of(bodies.get(0)), Set.copyOf(bodies), "the same body every time");
            JsonNode notice = JSON.readTree(bodies.get(2));
            assertEquals(id, notice.path("id").asText());
            assertEquals("mix.completed", notice.path("event").asText());
            assertEquals(
                    Gateway.API + "/mixes/" + id + "/audio",
                    notice.path("links").path("audio").asText());
            assertTrue(notice.path("variants").get(0).path("integratedLufs").isNumber(), notice.toString());
            // the receiver's check: HMAC-SHA256 of "t.body" with the key's webhook secret, and a recent t
            Matcher sig = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})").matcher(signatures.get(2));
            assertTrue(sig.matches(), signatures.get(2));
            long t = Long.parseLong(sig.group(1));
            assertTrue(Math.abs(System.currentTimeMillis() / 1000 - t) < 300, "a fresh timestamp");
            assertEquals(Signatures.hmac(MAIN.key().webhookSecret(), t, bodies.get(2)), sig.group(2));

            JsonNode list = json(get("/webhooks/deliveries"));
            JsonNode d = null;
            for (JsonNode x : list.path("deliveries")) {
                if (x.path("mix").asText().equals(id)) {
                    d = x;
                }
            }
            assertTrue(d != null, list.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!d.path("status").asText().equals("DELIVERED") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                for (JsonNode x : json(get("/webhooks/deliveries")).path("deliveries")) {
                    if (x.path("mix").asText().equals(id)) {
                        d = x;
                    }
                }
            }
            assertEquals("DELIVERED", d.path("status").asText(), d.toString());
            assertEquals(3, d.path("attempts").asInt());
            assertEquals(204, d.path("lastStatusCode").asInt());
            assertEquals(keys.get(0), d.path("id").asText());
        } finally {
            receiver.stop(0);
        }
    }

    /** A key's default callback is called for its mixes that name none; a forbidden default refuses the mix. */
    @Test
    void aKeysDefaultCallbackIsCalledWhenItsMixNamesNone() throws Exception {
        CompletableFuture<String[]> got = new CompletableFuture<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/default", exchange -> {
            String b = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            got.complete(new String[] {b, exchange.getRequestHeaders().getFirst(Signatures.HEADER)});
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/default";
            ApiKey.Issued k =
                    ApiKey.issue("with-callback", KeyLimits.defaults(), System.currentTimeMillis(), url, SEAL);
            ApiKey.Issued bad = ApiKey.issue(
                    "bad-callback", KeyLimits.defaults(), System.currentTimeMillis(), "http://10.0.0.1/x", SEAL);
            KafkaConnection kafka = KafkaConnection.plain(stack.bootstrapServers());
            KeyRing.publish(kafka, GatewaySettings.DEFAULT_KEYS_TOPIC, k.key(), SEAL);
            KeyRing.publish(kafka, GatewaySettings.DEFAULT_KEYS_TOPIC, bad.key(), SEAL);
            assertTrue(gateway.awaitKey(k.key().id(), Duration.ofSeconds(30)));
            assertTrue(gateway.awaitKey(bad.key().id(), Duration.ofSeconds(30)));
            List<StemInput> stems = new SongGenerator(43, RATE).generate(3, 5);
            HttpResponse<String> refused = HTTP.send(
                    HttpRequest.newBuilder(uri("/mixes"))
                            .header("Authorization", "Bearer " + bad.token())
                            .POST(HttpRequest.BodyPublishers.ofString(createBody(stems, RATE)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertProblem(ApiError.INVALID_MIX_REQUEST, refused);
            assertTrue(json(refused).path("detail").asText().contains("the API key's callbackUrl"), refused.body());
            JsonNode m = json(HTTP.send(
                    HttpRequest.newBuilder(uri("/mixes"))
                            .header("Authorization", "Bearer " + k.token())
                            .POST(HttpRequest.BodyPublishers.ofString(createBody(stems, RATE)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            String id = m.path("id").asText();
            for (int i = 0; i < stems.size(); i++) {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(uri(
                                        m.path("stems").get(i).path("uploadUrl").asText()))
                                .header("Authorization", "Bearer " + k.token())
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(
                                        wav(stems.get(i).audio, Wav.Encoding.PCM_16)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }
            String[] call = got.get(120, TimeUnit.SECONDS);
            assertEquals(id, JSON.readTree(call[0]).path("id").asText());
            Matcher sig = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})").matcher(call[1]);
            assertTrue(sig.matches(), call[1]);
            assertEquals(
                    Signatures.hmac(k.key().webhookSecret(), Long.parseLong(sig.group(1)), call[0]),
                    sig.group(2),
                    "signed with the key's webhook secret");
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * A pending delivery survives its gateway: gateway A creates the mix and fails to deliver (the receiver answers
     * 503), A stops, gateway B starts on the same Kafka, reads the deliveries topic back and delivers, with the same
     * idempotency key.
     */
    @Test
    void aPendingDeliverySurvivesAGatewayRestart() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        AtomicBoolean up = new AtomicBoolean(false);
        CompletableFuture<Void> failedOnce = new CompletableFuture<>();
        CompletableFuture<Void> delivered = new CompletableFuture<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.sendResponseHeaders(up.get() ? 200 : 503, -1);
            exchange.close();
            (up.get() ? delivered : failedOnce).complete(null);
        });
        receiver.start();
        GatewaySettings settings = GatewaySettings.defaults(KafkaConnection.plain(stack.bootstrapServers()), SEAL)
                .withPort(0)
                .withTopics(stack.topics())
                // slow retries: the restart happens between two attempts
                .withWebhooks(
                        List.of("127.0.0.1"),
                        new RetrySchedule(Duration.ofSeconds(3), Duration.ofSeconds(3), 0.0, Duration.ofMinutes(5)));
        try {
            String deliveryId;
            try (Gateway a = Gateway.start(settings, Clock.systemUTC())) {
                assertTrue(a.awaitKey(MAIN.key().id(), Duration.ofSeconds(30)));
                List<StemInput> stems = new SongGenerator(51, RATE).generate(3, 5);
                ObjectNode body = (ObjectNode) JSON.readTree(createBody(stems, RATE));
                body.put(
                        "callbackUrl",
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
                URI base = URI.create("http://127.0.0.1:" + a.port());
                JsonNode m = JSON.readTree(HTTP.send(
                                HttpRequest.newBuilder(base.resolve(Gateway.API + "/mixes"))
                                        .header("Authorization", "Bearer " + TOKEN)
                                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                for (int i = 0; i < stems.size(); i++) {
                    HttpResponse<String> r = HTTP.send(
                            HttpRequest.newBuilder(base.resolve(m.path("stems")
                                            .get(i)
                                            .path("uploadUrl")
                                            .asText()))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .PUT(HttpRequest.BodyPublishers.ofByteArray(
                                            wav(stems.get(i).audio, Wav.Encoding.PCM_16)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                }
                failedOnce.get(120, TimeUnit.SECONDS);
                deliveryId = keys.get(0);
            }
            up.set(true);
            try (Gateway b = Gateway.start(settings, Clock.systemUTC())) {
                delivered.get(60, TimeUnit.SECONDS);
                assertEquals(deliveryId, keys.get(keys.size() - 1), "the same delivery, resumed: " + keys);
            }
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * Replicas: a mix created on one gateway is known at once to another on the same Kafka (the gateway.mixes topic):
     * its state there, its stems taken by either (and a stem one took refused by the other), its audio from both the
     * same, bit for bit. A record on the topic without the gateway secret's tag is ignored.
     */
    @Test
    void anyReplicaAnswersForAMixAndTakesItsStems() throws Exception {
        GatewaySettings settings = GatewaySettings.defaults(KafkaConnection.plain(stack.bootstrapServers()), SEAL)
                .withPort(0)
                .withTopics(stack.topics())
                .withSharedStoreDir(SHARED_STORE);
        try (Gateway other = Gateway.start(settings, Clock.systemUTC())) {
            assertTrue(other.awaitKey(MAIN.key().id(), Duration.ofSeconds(30)));
            URI base = URI.create("http://127.0.0.1:" + other.port());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (HTTP.send(
                                    HttpRequest.newBuilder(base.resolve("/readyz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    != 200) {
                assertTrue(System.nanoTime() < deadline, "the second replica never got ready");
                Thread.sleep(100);
            }
            List<StemInput> stems = new SongGenerator(53, RATE).generate(4, 6);
            // a mix planted on the topic by someone without the gateway secret: no tag, then a wrong one
            String planted = "mix_" + "ab".repeat(16);
            byte[] plantedRecord = new MixRecord(
                            planted,
                            MAIN.key().id(),
                            JSON.readTree(createBody(stems, RATE)),
                            "tok",
                            System.currentTimeMillis(),
                            "gw_elsewhere")
                    .toBytes();
            Properties pp = KafkaConnection.plain(stack.bootstrapServers()).properties();
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(GatewaySettings.DEFAULT_MIXES_TOPIC, plantedRecord))
                        .get();
                ProducerRecord<byte[], byte[]> forged =
                        new ProducerRecord<>(GatewaySettings.DEFAULT_MIXES_TOPIC, plantedRecord);
                forged.headers()
                        .add(
                                ContractProducer.TAG_HEADER,
                                KeySeal.of("another gateway's secret, 32 chars at least")
                                        .recordTag(plantedRecord)
                                        .getBytes(StandardCharsets.US_ASCII));
                p.send(forged).get();
            }
            JsonNode m = json(post("/mixes", createBody(stems, RATE)));
            String id = m.path("id").asText();
            // its record went to Kafka before its id was given out: the other replica, asked at once, reads it first
            HttpResponse<String> there = HTTP.send(
                    HttpRequest.newBuilder(base.resolve(Gateway.API + "/mixes/" + id))
                            .header("Authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, there.statusCode(), there.body());
            assertEquals("AWAITING_UPLOAD", json(there).path("status").asText());
            // the planted records came before on the topic's one partition: read, and ignored
            assertProblem(
                    ApiError.MIX_NOT_FOUND,
                    HTTP.send(
                            HttpRequest.newBuilder(base.resolve(Gateway.API + "/mixes/" + planted))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
            // the stems through both: the even ones through this test's gateway, the odd ones through the other; a
            // stem one replica took, the other refuses once it has heard of it
            for (int i = 0; i < stems.size(); i++) {
                URI gw = i % 2 == 0 ? uri("/api") : base;
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(gw.resolve(
                                        m.path("stems").get(i).path("uploadUrl").asText()))
                                .header("Authorization", "Bearer " + TOKEN)
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(
                                        wav(stems.get(i).audio, Wav.Encoding.PCM_16)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), "stem " + i + ": " + r.body());
                if (i == 0) {
                    URI mixThere = base.resolve(Gateway.API + "/mixes/" + id);
                    JsonNode seen = null;
                    deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (seen == null
                            || !"DONE"
                                    .equals(seen.path("stems")
                                            .get(0)
                                            .path("upload")
                                            .asText())) {
                        assertTrue(System.nanoTime() < deadline, "the other replica never heard of stem 0: " + seen);
                        seen = json(HTTP.send(
                                HttpRequest.newBuilder(mixThere)
                                        .header("Authorization", "Bearer " + TOKEN)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));
                    }
                    assertEquals("UPLOADING", seen.path("status").asText(), seen.toString());
                    assertProblem(
                            ApiError.STEM_ALREADY_UPLOADED,
                            HTTP.send(
                                    HttpRequest.newBuilder(base.resolve(m.path("stems")
                                                    .get(0)
                                                    .path("uploadUrl")
                                                    .asText()))
                                            .header("Authorization", "Bearer " + TOKEN)
                                            .PUT(HttpRequest.BodyPublishers.ofByteArray(
                                                    wav(stems.get(0).audio, Wav.Encoding.PCM_16)))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()));
                }
            }
            JsonNode done = awaitEnd(id, Duration.ofSeconds(120));
            for (int i = 0; i < stems.size(); i++) {
                assertEquals("DONE", done.path("stems").get(i).path("upload").asText(), done.toString());
                assertTrue(done.path("stems").get(i).path("uploadedBytes").asLong() > 0, done.toString());
            }
            assertEquals("COMPLETED", done.path("status").asText(), done.toString());
            JsonNode elsewhere = null;
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (elsewhere == null
                    || !"COMPLETED".equals(elsewhere.path("status").asText())) {
                assertTrue(System.nanoTime() < deadline, "the other replica never saw it complete: " + elsewhere);
                Thread.sleep(100);
                elsewhere = json(HTTP.send(
                        HttpRequest.newBuilder(base.resolve(Gateway.API + "/mixes/" + id))
                                .header("Authorization", "Bearer " + TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            assertEquals(
                    done.path("result")
                            .path("variants")
                            .get(0)
                            .path("integratedLufs")
                            .asDouble(),
                    elsewhere
                            .path("result")
                            .path("variants")
                            .get(0)
                            .path("integratedLufs")
                            .asDouble());
            HttpResponse<byte[]> fromOther = HTTP.send(
                    HttpRequest.newBuilder(base.resolve(Gateway.API + "/mixes/" + id + "/audio?format=wav-float"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, fromOther.statusCode());
            HttpResponse<byte[]> fromHere = HTTP.send(
                    request("/mixes/" + id + "/audio?format=wav-float").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(fromHere.body(), fromOther.body(), "the mix's audio from either replica");
            // the stems in the shared store: either replica renders the mix again, from stems both took, the same
            String shaped = "{\"intensity\": 0.5}";
            JsonNode renderHere = json(post("/mixes/" + id + "/renders", shaped));
            HttpResponse<String> renderedThere = HTTP.send(
                    HttpRequest.newBuilder(base.resolve(Gateway.API + "/mixes/" + id + "/renders"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(shaped))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, renderedThere.statusCode(), renderedThere.body());
            HttpResponse<byte[]> renderThere = HTTP.send(
                    HttpRequest.newBuilder(base.resolve(json(renderedThere)
                                            .path("links")
                                            .path("audio")
                                            .asText() + "?format=wav-float"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, renderThere.statusCode());
            assertArrayEquals(
                    HTTP.send(
                                    request(renderHere
                                                            .path("links")
                                                            .path("audio")
                                                            .asText() + "?format=wav-float")
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray())
                            .body(),
                    renderThere.body(),
                    "a render from either replica");
            // and a stem the other replica did not take, processed there from the shared store
            HttpResponse<byte[]> stemThere = HTTP.send(
                    HttpRequest.newBuilder(
                                    base.resolve(Gateway.API + "/mixes/" + id + "/stems/0/audio?format=wav-float"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, stemThere.statusCode());
            assertArrayEquals(
                    HTTP.send(
                                    request("/mixes/" + id + "/stems/0/audio?format=wav-float")
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray())
                            .body(),
                    stemThere.body(),
                    "stem 0 (taken here) processed on the other replica");
        }
    }

    /** The OpenAPI document names exactly the routes the gateway serves, with their methods. */
    @Test
    void theOpenApiDocumentMatchesTheRoutes() throws Exception {
        HttpResponse<String> r =
                HTTP.send(HttpRequest.newBuilder(uri(Gateway.OPENAPI)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        JsonNode doc = json(r);
        assertEquals("3.0.3", doc.path("openapi").asText());
        Set<String> documented = new TreeSet<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(p -> p.getValue()
                        .fieldNames()
                        .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
        assertEquals(new TreeSet<>(gateway.routes()), documented);
        // every operation answers its errors as problems, and names the API key unless it needs none
        doc.path("paths")
                .fields()
                .forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
                    if (p.getKey().startsWith(Gateway.API)) {
                        // the public ones (a share link's token is its credential; the renderer's settings) say so
                        boolean open = op.getValue().path("security").isArray()
                                && op.getValue().path("security").isEmpty();
                        // (a public operation answers 401 only when it checks credentials of its own: signing in)
                        assertEquals(
                                !open || p.getKey().equals(Gateway.API + "/arena/sign-in"),
                                op.getValue().path("responses").has("401"),
                                p.getKey() + " " + op.getKey());
                        assertEquals(
                                open,
                                p.getKey().startsWith(Gateway.API + "/shared/")
                                        || p.getKey().equals(Gateway.API + "/renderer")
                                        || p.getKey().equals(Gateway.API + "/arena")
                                        || p.getKey().startsWith(Gateway.API + "/arena/"),
                                p.getKey() + " " + op.getKey()
                                        + ": only share links, the renderer and the arena (a listener's cookie) are"
                                        + " public");
                    }
                }));
    }

    /** The registry and a league's standings, as the compacted topics hold them. */
    @Test
    void theModelsAndTheStandingsAreReadFromTheirTopics() throws Exception {
        JsonNode models = json(get("/models"));
        assertEquals(
                ModelStore.SHIPPED_CHAMPION,
                models.path("champions").path("main").asText(),
                models.toString());
        List<String> ids = new ArrayList<>();
        models.path("models").forEach(m -> ids.add(m.path("modelId").asText()));
        assertTrue(ids.containsAll(List.of(ModelStore.FIRST_VERSION, ModelStore.SHIPPED_CHAMPION)), ids.toString());

        assertProblem(ApiError.LEAGUE_NOT_FOUND, get("/leagues/jazz/standings"));
        stack.createTopics(Map.of(Contract.TOURNAMENT_STANDINGS, 1));
        Standings jazz = new Standings(
                "jazz",
                5L,
                40L,
                List.of(
                        new ModelStanding("m-a", 1040.0, 1010.0, 1070.0, 40L, 1),
                        new ModelStanding("m-b", 960.0, 930.0, 990.0, 40L, 2)),
                List.of());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Contract.TOURNAMENT_STANDINGS, "jazz".getBytes(), Contract.STANDINGS.encode(jazz)))
                    .get();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> r;
        while ((r = get("/leagues/jazz/standings")).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, r.body());
            Thread.sleep(200);
        }
        JsonNode s = json(r);
        assertEquals(40, s.path("votes").asInt());
        assertEquals("m-a", s.path("models").get(0).path("modelId").asText());
        assertEquals(1010.0, s.path("models").get(0).path("lower").asDouble());
    }

    /** Keys: none, a wrong one, another key's mix, the limits on creating mixes, revocation. */
    @Test
    void keysGuardEveryRouteAndItsLimitsHold() throws Exception {
        HttpResponse<String> none =
                HTTP.send(HttpRequest.newBuilder(uri("/mixes/mix_1")).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(ApiError.UNAUTHORIZED, none);
        assertEquals(
                "Bearer realm=\"aimix\"",
                none.headers().firstValue("WWW-Authenticate").orElse(""));
        for (String wrong : List.of(
                "amx_0123", TOKEN.substring(0, TOKEN.length() - 1) + (TOKEN.endsWith("A") ? "B" : "A"), "Basic abc")) {
            assertProblem(
                    ApiError.UNAUTHORIZED,
                    HTTP.send(
                            HttpRequest.newBuilder(uri("/mixes/mix_1"))
                                    .header("Authorization", wrong.startsWith("Basic") ? wrong : "Bearer " + wrong)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
        }
        assertEquals(
                200,
                HTTP.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode(),
                "health needs no key");

        KeyLimits d = KeyLimits.defaults();
        String one = key(new KeyLimits(2, 1, d.maxUploadBytes(), 2, 30));
        List<StemInput> stems = new SongGenerator(31, RATE).generate(3, 5);
        HttpResponse<String> tooMany = asKey(one, "/mixes", createBody(stems, RATE));
        assertProblem(ApiError.INVALID_MIX_REQUEST, tooMany);
        assertTrue(json(tooMany).path("detail").asText().contains("at most 2"), tooMany.body());
        String small = createBody(stems.subList(0, 2), RATE);
        HttpResponse<String> first = asKey(one, "/mixes", small);
        assertEquals(201, first.statusCode(), first.body());
        String id = json(first).path("id").asText();
        assertProblem(ApiError.QUOTA_EXCEEDED, asKey(one, "/mixes", small)); // one running at once
        assertProblem(ApiError.MIX_NOT_FOUND, get("/mixes/" + id)); // another key's mix is not there for this one
        ApiKey k = KeyRing.readAll(
                        KafkaConnection.plain(stack.bootstrapServers()),
                        GatewaySettings.DEFAULT_KEYS_TOPIC,
                        SEAL,
                        Duration.ofSeconds(30))
                .stream()
                .filter(x -> one.startsWith("amx_" + x.id() + "_"))
                .findFirst()
                .orElseThrow();
        KeyRing.publish(
                KafkaConnection.plain(stack.bootstrapServers()), GatewaySettings.DEFAULT_KEYS_TOPIC, k.revoke(), SEAL);
        assertTrue(gateway.awaitRevoked(k.id(), Duration.ofSeconds(30)));
        assertProblem(ApiError.UNAUTHORIZED, asKey(one, "/mixes", small));
    }

    static HttpResponse<String> asKey(String token, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    interface Call<T> {
        T call() throws Exception;
    }

    static <T> T call(Call<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
