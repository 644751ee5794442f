package ai.aimix.launcher.cli;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.launcher.bench.BenchGateway;
import ai.aimix.launcher.bench.HeapSampler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.apache.flink.configuration.Configuration;

/**
 * {@code ./aimix bench --api}: the HTTP API on the embedded stack (the gateway and the jobs in this process, as
 * {@code ./aimix serve} runs them), over loopback: latency of the reads under concurrent clients, a song uploaded as
 * parallel streams (time to its first mixed audio on the WebSocket and to its result), and one mix followed by many
 * WebSocket subscribers. Prints one JSON line.
 */
final class ApiBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Configuration config;
    private final double seconds;
    private final int stems;
    private final int clients;
    private final int requestsPerClient;
    private final int subscribers;
    private final int readIntervalMillis;

    ApiBench(
            Configuration config,
            double seconds,
            int stems,
            int clients,
            int requestsPerClient,
            int subscribers,
            int readIntervalMillis) {
        this.config = config;
        this.seconds = seconds;
        this.stems = stems;
        this.clients = clients;
        this.requestsPerClient = requestsPerClient;
        this.subscribers = subscribers;
        this.readIntervalMillis = readIntervalMillis;
    }

    ObjectNode run() throws Exception {
        HeapSampler heap = new HeapSampler();
        heap.start();
        KeyLimits d = KeyLimits.defaults();
        try (BenchGateway g = BenchGateway.start(
                config, new KeyLimits(100_000, 1000, d.maxUploadBytes(), d.maxStems(), d.maxSeconds()))) {
            Gateway gateway = g.gateway;
            Client c = new Client(gateway, g.token);
            ObjectNode out = JSON.createObjectNode();
            out.put("date", LocalDate.now().toString());
            out.put("cores", Runtime.getRuntime().availableProcessors());

            // warm-up: a short song through the whole path (JIT, sessions, the listener)
            c.mix(new SongGenerator(1, 44100).generate(20, stems), 0);

            List<StemInput> song = new SongGenerator(7, 44100).generate(seconds, stems);
            ObjectNode upload = c.mix(song, 0);
            out.set("upload", upload);

            ObjectNode reads = JSON.createObjectNode();
            String mixId = upload.path("mix").asText();
            reads.set(
                    "get_mix",
                    c.latency(
                            Gateway.API + "/mixes/" + mixId, Gateway.API + "/mixes/{id}", clients, requestsPerClient));
            reads.set("healthz", c.latency("/healthz", "/healthz", clients, requestsPerClient));
            // the same clients at a pace (each a request every readIntervalMillis): latency below saturation
            reads.set(
                    "get_mix_paced",
                    c.latency(
                            Gateway.API + "/mixes/" + mixId,
                            Gateway.API + "/mixes/{id}",
                            clients,
                            requestsPerClient,
                            readIntervalMillis));
            reads.set(
                    "healthz_paced", c.latency("/healthz", "/healthz", clients, requestsPerClient, readIntervalMillis));
            out.set("reads", reads);

            heap.reset();
            ObjectNode fanOut = c.mix(new SongGenerator(3, 44100).generate(30, stems), subscribers);
            fanOut.put("heap_peak_mb", heap.peak() >> 20);
            out.set("fan_out", fanOut);
            return out;
        }
    }

    /** An API client of the bench's key. */
    private static final class Client {
        final Gateway gateway;
        final String token;
        final HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(16))
                .build();

        Client(Gateway gateway, String token) {
            this.gateway = gateway;
            this.token = token;
        }

        Map<Double, Double> buckets(String route) throws Exception {
            return bucketsOf(
                    http.send(request("/metrics").build(), HttpResponse.BodyHandlers.ofString())
                            .body(),
                    route);
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                    .header("Authorization", "Bearer " + token);
        }

        /**
         * Creates a mix, subscribes {@code extra + 1} WebSockets, uploads every stem in parallel, and times: the upload,
         * the first mixed audio and the result on the first subscriber (from the first byte sent); with extra
         * subscribers, whether every one got every frame and the result.
         */
        ObjectNode mix(List<StemInput> song, int extra) throws Exception {
            ObjectNode body = BenchGateway.mixBody(song);
            HttpResponse<String> created = http.send(
                    request(Gateway.API + "/mixes")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                throw new IllegalStateException("create: " + created.body());
            }
            JsonNode m = JSON.readTree(created.body());
            String id = m.path("id").asText();
            List<byte[]> wavs = new ArrayList<>();
            for (StemInput s : song) {
                ByteArrayOutputStream w = new ByteArrayOutputStream();
                Wav.write(w, s.audio, Wav.Encoding.PCM_16);
                wavs.add(w.toByteArray());
            }
            List<Listener> listeners = new ArrayList<>();
            for (int i = 0; i <= extra; i++) {
                Listener l = new Listener();
                http.newWebSocketBuilder()
                        .header("Authorization", "Bearer " + token)
                        .buildAsync(
                                URI.create(
                                        "ws://127.0.0.1:" + gateway.port() + Gateway.API + "/mixes/" + id + "/events"),
                                l)
                        .get(30, TimeUnit.SECONDS);
                listeners.add(l);
            }
            long t0 = System.nanoTime();
            listeners.forEach(l -> l.t0 = t0);
            List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
            for (int i = 0; i < wavs.size(); i++) {
                puts.add(http.sendAsync(
                        request(m.path("stems").get(i).path("uploadUrl").asText())
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(wavs.get(i)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> p : puts) {
                HttpResponse<String> r = p.get(10, TimeUnit.MINUTES);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("upload: " + r.body());
                }
            }
            double uploadS = (System.nanoTime() - t0) / 1e9;
            // a socket that fails is counted (and its reason kept), not the end of the benchmark
            List<String> failures = new ArrayList<>();
            for (Listener l : listeners) {
                try {
                    l.closed.get(10, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    Throwable why = e.getCause();
                    while (why.getCause() != null) {
                        why = why.getCause();
                    }
                    failures.add(why.getClass().getSimpleName() + ": " + why.getMessage() + " (after " + l.frames.get()
                            + " frames)");
                }
            }
            if (listeners.get(0).result.get() == 0) {
                throw new IllegalStateException("the first subscriber got no result: " + failures);
            }
            Listener first = listeners.get(0);
            long frames = Math.round(
                    song.stream().mapToDouble(StemInput::seconds).max().orElse(0) * 44100);
            ObjectNode o = JSON.createObjectNode();
            o.put("mix", id);
            o.put("seconds", song.get(0).seconds());
            o.put("stems", song.size());
            o.put(
                    "upload_mb",
                    Arrays.stream(wavs.toArray(new byte[0][]))
                                    .mapToLong(b -> b.length)
                                    .sum()
                            / 1e6);
            o.put("upload_s", round(uploadS));
            o.put("first_audio_s", round((first.firstAudio.get() - t0) / 1e9));
            o.put("result_s", round((first.result.get() - t0) / 1e9));
            o.put("audio_frames", first.frames.get());
            if (extra == 0) {
                // the Opus preview: encoded by the first request, served from the store by the next
                for (String run : List.of("opus_first_request_s", "opus_cached_request_s")) {
                    long q0 = System.nanoTime();
                    HttpResponse<byte[]> opus = http.send(
                            request(Gateway.API + "/mixes/" + id + "/audio?format=opus")
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (opus.statusCode() != 200) {
                        throw new IllegalStateException("opus: " + new String(opus.body(), StandardCharsets.UTF_8));
                    }
                    o.put(run, round((System.nanoTime() - q0) / 1e9));
                    o.put("opus_mb", opus.body().length / 1e6);
                }
                // renders: the whole mix with new parameters, and a 20 s excerpt after a parameter change
                double songSeconds = song.get(0).seconds();
                String excerpt = "{\"intensity\": 0.8, \"excerpt\": {\"startSeconds\": " + songSeconds / 3
                        + ", \"seconds\": " + Math.min(20, songSeconds / 3) + "}}";
                for (String[] run :
                        new String[][] {{"render_full", "{\"intensity\": 0.5}"}, {"render_excerpt", excerpt}}) {
                    long q0 = System.nanoTime();
                    HttpResponse<String> r = http.send(
                            request(Gateway.API + "/mixes/" + id + "/renders")
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(run[1]))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("render: " + r.body());
                    }
                    JsonNode rendered = JSON.readTree(r.body());
                    o.put(run[0] + "_request_s", round((System.nanoTime() - q0) / 1e9));
                    o.put(run[0] + "_server_ms", rendered.path("renderMillis").asDouble());
                    o.put(run[0] + "_frames", rendered.path("frames").asLong());
                }
                // a processed stem: rendered from the stem store by the first request, then served as stored
                for (String run : List.of("stem_first_request_s", "stem_cached_request_s")) {
                    long q0 = System.nanoTime();
                    HttpResponse<Void> stem = http.send(
                            request(Gateway.API + "/mixes/" + id + "/stems/0/audio")
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (stem.statusCode() != 200) {
                        throw new IllegalStateException("processed stem: HTTP " + stem.statusCode());
                    }
                    o.put(run, round((System.nanoTime() - q0) / 1e9));
                }
            }
            if (extra > 0) {
                int complete = 0;
                int everyFrame = 0;
                int withResult = 0;
                for (Listener l : listeners) {
                    complete += l.frames.get() == frames && l.result.get() > 0 ? 1 : 0;
                    everyFrame += l.frames.get() == frames ? 1 : 0;
                    withResult += l.result.get() > 0 ? 1 : 0;
                }
                o.put("subscribers_with_every_frame", everyFrame);
                o.put("subscribers_with_the_result", withResult);
                o.put("subscribers", listeners.size());
                ObjectNode codes = o.putObject("close_codes");
                for (Listener l : listeners) {
                    String k = String.valueOf(l.closeStatus);
                    codes.put(k, codes.path(k).asInt() + 1);
                }
                o.put("subscribers_with_every_frame_and_the_result", complete);
                o.put("subscribers_failed", failures.size());
                ArrayNode why = o.putArray("subscriber_failures");
                failures.stream().limit(5).forEach(why::add);
                o.put(
                        "last_result_s",
                        round((listeners.stream()
                                                .mapToLong(l -> l.result.get())
                                                .max()
                                                .orElse(0)
                                        - t0)
                                / 1e9));
            }
            return o;
        }

        /**
         * {@code n} clients, each making {@code each} GETs of {@code path} one after another: latency quantiles as the
         * clients see them, and as the gateway measured its own handling of them ({@code route}'s histogram in its
         * /metrics, before and after: the time from Jetty handing it the request to the response, without the time
         * spent waiting for a thread or a core).
         */
        ObjectNode latency(String path, String route, int n, int each) throws Exception {
            return latency(path, route, n, each, 0);
        }

        /**
         * As {@link #latency(String, String, int, int)}, with each client sending at a pace when {@code intervalMillis}
         * is above 0 (open loop: request k at its start + k intervals, its phase random, the latency counted from
         * when it was due, so a request held up by an earlier one's delay counts its wait): the latency at an offered
         * rate of {@code n * 1000 / intervalMillis} per second, rather than at saturation.
         */
        ObjectNode latency(String path, String route, int n, int each, int intervalMillis) throws Exception {
            // as browsers and most HTTP libraries do: compressed answers taken, and unpacked here
            HttpRequest req = request(path).header("Accept-Encoding", "gzip").build();
            for (int i = 0; i < 200; i++) {
                http.send(req, HttpResponse.BodyHandlers.ofString()); // warm-up
            }
            Map<Double, Double> before = buckets(route);
            long[] nanos = new long[n * each];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(n);
            long start = System.nanoTime();
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int c = 0; c < n; c++) {
                    long phase =
                            intervalMillis > 0 ? ThreadLocalRandom.current().nextLong(intervalMillis * 1_000_000L) : 0;
                    all.add(pool.submit(() -> {
                        for (int k = 0; k < each; k++) {
                            long t = System.nanoTime();
                            if (intervalMillis > 0) {
                                long due = start + phase + k * intervalMillis * 1_000_000L;
                                long wait = due - t;
                                if (wait > 0) {
                                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                                }
                                t = due;
                            }
                            try {
                                HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                                if (r.statusCode() != 200 || text(r).isEmpty()) {
                                    failures.incrementAndGet();
                                }
                            } catch (IOException | InterruptedException e) {
                                failures.incrementAndGet();
                            }
                            nanos[next.getAndIncrement()] = System.nanoTime() - t;
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            double wall = (System.nanoTime() - start) / 1e9;
            Arrays.sort(nanos);
            ObjectNode o = JSON.createObjectNode();
            o.put("clients", n);
            if (intervalMillis > 0) {
                o.put("offered_per_second", n * 1000 / intervalMillis);
            }
            o.put("requests", nanos.length);
            o.put("failures", failures.get());
            o.put("per_second", Math.round(nanos.length / wall));
            o.put("p50_ms", round(nanos[nanos.length / 2] / 1e6));
            o.put("p99_ms", round(nanos[(int) (nanos.length * 0.99)] / 1e6));
            o.put("max_ms", round(nanos[nanos.length - 1] / 1e6));
            Map<Double, Double> after = buckets(route);
            double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
                    - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
            for (double q : new double[] {0.5, 0.99}) {
                for (Map.Entry<Double, Double> b : after.entrySet()) {
                    double count = b.getValue() - before.getOrDefault(b.getKey(), 0.0);
                    if (count >= q * total) {
                        o.put("server_p" + Math.round(q * 100) + "_ms_at_most", b.getKey() * 1000);
                        break;
                    }
                }
            }
            return o;
        }
    }

    /** An answer's body as text, unpacked when it came gzipped. */
    static String text(HttpResponse<byte[]> r) throws IOException {
        byte[] body = r.body();
        if ("gzip".equals(r.headers().firstValue("Content-Encoding").orElse(""))) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The cumulative bucket counts of a route's GET latency histogram in the gateway's /metrics, by upper bound. */
    private static Map<Double, Double> bucketsOf(String metrics, String route) {
        Map<Double, Double> out = new TreeMap<>();
        String prefix = "aimix_gateway_request_seconds_bucket{route=\"" + route + "\",method=\"GET\",le=\"";
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                String le = line.substring(prefix.length(), line.indexOf('"', prefix.length()));
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                out.put(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return out;
    }

    /** A WebSocket subscriber that times its first audio and the result, and counts frames. */
    private static final class Listener implements WebSocket.Listener {
        volatile long t0;
        final AtomicLong firstAudio = new AtomicLong();
        final AtomicLong result = new AtomicLong();
        final AtomicLong frames = new AtomicLong();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile int closeStatus;
        private final StringBuilder text = new StringBuilder();
        /** The first bytes of the binary message being received (its header: frames at offset 4), across fragments. */
        private final ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                if (text.indexOf("\"type\":\"result\"") >= 0) {
                    result.compareAndSet(0, System.nanoTime());
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            // a message may come in fragments of any size, the first one shorter than the header
            ByteBuffer d = data.duplicate();
            while (header.hasRemaining() && d.hasRemaining()) {
                header.put(d.get());
            }
            if (last) {
                if (!header.hasRemaining()) {
                    frames.addAndGet(header.getInt(4));
                }
                header.clear();
                firstAudio.compareAndSet(0, System.nanoTime());
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closeStatus = status;
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
