package ai.aimix.launcher.cli;

import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.arena.ArenaSettings;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.launcher.embedded.EmbeddedStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;

/**
 * {@code aimix bench --arena}: listeners in the arena, each a client with its own cookie and connection, fetching their
 * next battle, listening as long as a vote needs (sleeping), and voting, for a given time on the embedded stack (the
 * mix job mixing the battles meanwhile, the tournament job counting the votes). Reports the latency of fetching the
 * next battle and of posting a vote as the clients saw it (after a warm-up), how often a listener found no battle
 * ready, and how many battles were mixed.
 */
final class ArenaBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the arena may take to mix its first buffer of battles. */
    static final Duration FIRST_BATTLES = Duration.ofMinutes(5);
    /** A listener who found no battle ready asks again after this long (as the page does). */
    static final Duration RETRY = Duration.ofSeconds(1);

    private final Configuration config;
    private final int listeners;
    private final Duration duration;
    private final Duration warmUp;
    private final int votesPerBattle;

    ArenaBench(Configuration config, int listeners, Duration duration, Duration warmUp, int votesPerBattle) {
        this.config = config;
        this.listeners = listeners;
        this.duration = duration;
        this.warmUp = warmUp;
        this.votesPerBattle = votesPerBattle;
    }

    /** Latencies of one request kind, in microseconds. */
    private static final class Samples {
        private final List<Long> micros = new ArrayList<>();

        synchronized void add(long nanos) {
            micros.add(nanos / 1000);
        }

        synchronized ObjectNode summary() {
            long[] s = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            ObjectNode o = JSON.createObjectNode();
            o.put("n", s.length);
            if (s.length > 0) {
                o.put("p50_ms", at(s, 0.50));
                o.put("p95_ms", at(s, 0.95));
                o.put("p99_ms", at(s, 0.99));
                o.put("max_ms", s[s.length - 1] / 1000.0);
                o.put("mean_ms", Math.round(Arrays.stream(s).average().orElse(0)) / 1000.0);
            }
            return o;
        }

        private static double at(long[] sorted, double q) {
            int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1000.0;
        }
    }

    ObjectNode run() throws Exception {
        EmbeddedStack stack = EmbeddedStack.start(config, null, 0);
        try {
            stack.startTournament(Map.of());
            ArenaSettings arena = ServeCommand.arena(stack)
                    .withBattles(ArenaSettings.DEFAULT_BUFFER, votesPerBattle, ArenaSettings.DEFAULT_CHECK_SHARE);
            try (Gateway gateway = Gateway.start(
                    GatewaySettings.defaults(
                                    KafkaConnection.plain(stack.bootstrapServers()), KeySeal.of(KeySeal.randomSecret()))
                            .withPort(0)
                            .withTopics(stack.topics())
                            .withArena(arena),
                    Clock.systemUTC())) {
                String api = "http://127.0.0.1:" + gateway.port() + Gateway.API + "/arena";
                long ready = waitForBattles(api, arena.buffer());
                ObjectNode out = JSON.createObjectNode();
                out.put("date", LocalDate.now().toString());
                out.put("cores", Runtime.getRuntime().availableProcessors());
                out.put("listeners", listeners);
                out.put("duration_s", duration.toSeconds());
                out.put("warm_up_s", warmUp.toSeconds());
                out.put("song_seconds", arena.songSeconds());
                out.put("buffer", arena.buffer());
                out.put("votes_per_battle", votesPerBattle);
                out.put("first_battles_ready_ms", ready);
                out.setAll(load(api));
                out.set("arena_after", get(HttpClient.newHttpClient(), api).path("battles"));
                return out;
            }
        } finally {
            stack.close();
        }
    }

    /** Waits until {@code buffer} battles are on offer; returns how long that took, ms. */
    private static long waitForBattles(String api, int buffer) throws Exception {
        long start = System.nanoTime();
        HttpClient c = HttpClient.newHttpClient();
        while (get(c, api)
                        .path("battles")
                        .path(ArenaSettings.DEFAULT_LEAGUE)
                        .path("offered")
                        .asInt()
                < buffer) {
            if (System.nanoTime() - start > FIRST_BATTLES.toNanos()) {
                throw new IllegalStateException("the arena had not mixed " + buffer + " battles after "
                        + FIRST_BATTLES.toMinutes() + " min: " + get(c, api));
            }
            Thread.sleep(200);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private ObjectNode load(String api) throws Exception {
        Samples next = new Samples();
        Samples vote = new Samples();
        AtomicLong notReady = new AtomicLong();
        Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
        AtomicLong counted = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long end = start + warmUp.toNanos() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(listeners);
        // one client for all (its connections pooled, one selector thread), each listener sending its own cookie: the
        // bench's own threads must not be what it measures
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Future<?>> running = new ArrayList<>();
        for (int l = 0; l < listeners; l++) {
            long seed = l;
            running.add(pool.submit(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                String[] cookie = {null};
                // arrivals spread over the first seconds, as listeners open the page
                Thread.sleep(r.nextInt(3000));
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> offer = client.send(
                            withCookie(HttpRequest.newBuilder(URI.create(api + "/next")), cookie[0])
                                    .build(),
                            ofString());
                    long took = System.nanoTime() - t0;
                    if (cookie[0] == null) {
                        cookie[0] = offer.headers()
                                .firstValue("Set-Cookie")
                                .map(c -> c.split(";")[0])
                                .orElse(null);
                    }
                    if (offer.statusCode() != 200) {
                        if (t0 > measureFrom) {
                            notReady.incrementAndGet();
                        }
                        Thread.sleep(RETRY.toMillis());
                        continue;
                    }
                    if (t0 > measureFrom) {
                        next.add(took);
                    }
                    JsonNode battle = JSON.readTree(offer.body()).path("battle");
                    long needed = battle.path("neededMillis").asLong();
                    long listened = needed + r.nextInt(2000);
                    Thread.sleep(listened);
                    String body = JSON.createObjectNode()
                            .put("outcome", new String[] {"A", "B", "TIE", "BOTH_BAD"}[r.nextInt(4)])
                            .set(
                                    "listenedMillis",
                                    JSON.createObjectNode()
                                            .put("a", listened / 2)
                                            .put("b", listened - listened / 2))
                            .toString();
                    long t1 = System.nanoTime();
                    HttpResponse<String> v = client.send(
                            withCookie(
                                            HttpRequest.newBuilder(URI.create(api.replace(Gateway.API + "/arena", "")
                                                    + battle.path("vote").asText())),
                                            cookie[0])
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            ofString());
                    long voteTook = System.nanoTime() - t1;
                    if (t1 > measureFrom) {
                        vote.add(voteTook);
                        if (v.statusCode() == 201) {
                            counted.incrementAndGet();
                        } else {
                            refused.computeIfAbsent(
                                            JSON.readTree(v.body()).path("code").asText("?"), k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        // the gateway's own latency histogram, between the start and the end of the measurement
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        String metricsUrl = api.replace(Gateway.API + "/arena", "") + "/metrics";
        String before = client.send(
                        HttpRequest.newBuilder(URI.create(metricsUrl)).build(), ofString())
                .body();
        for (Future<?> f : running) {
            f.get();
        }
        String after = client.send(
                        HttpRequest.newBuilder(URI.create(metricsUrl)).build(), ofString())
                .body();
        pool.shutdown();
        ObjectNode out = JSON.createObjectNode();
        ObjectNode server = out.putObject("server");
        server.set("next", serverShares(before, after, Gateway.API + "/arena/next", "GET"));
        server.set("vote", serverShares(before, after, Gateway.API + "/arena/battles/{id}/votes", "POST"));
        out.set("next", next.summary());
        out.set("vote", vote.summary());
        out.put("next_not_ready", notReady.get());
        out.put("votes_counted", counted.get());
        out.put("votes_per_second", Math.round(10.0 * counted.get() / duration.toSeconds()) / 10.0);
        ObjectNode r = out.putObject("votes_refused");
        new TreeMap<>(refused).forEach((k, n) -> r.put(k, n.get()));
        return out;
    }

    /**
     * The share of a route's requests the gateway answered within each bucket bound (its own measurement: from the
     * request's arrival to its answer), between two scrapes.
     */
    private static ObjectNode serverShares(String before, String after, String route, String method) {
        Map<String, Double> b = buckets(before, route, method);
        Map<String, Double> a = buckets(after, route, method);
        double total = a.getOrDefault("+Inf", 0.0) - b.getOrDefault("+Inf", 0.0);
        ObjectNode o = JSON.createObjectNode();
        o.put("n", (long) total);
        for (String le : List.of("0.001", "0.0025", "0.005", "0.01", "0.025", "0.05")) {
            double within = a.getOrDefault(le, 0.0) - b.getOrDefault(le, 0.0);
            o.put(
                    "within_" + Double.parseDouble(le) * 1000 + "_ms",
                    total == 0 ? 0 : Math.round(1e4 * within / total) / 1e4);
        }
        return o;
    }

    private static Map<String, Double> buckets(String metrics, String route, String method) {
        Map<String, Double> out = new TreeMap<>();
        String prefix = "aimix_gateway_request_seconds_bucket{route=\"" + route + "\",method=\"" + method + "\",le=\"";
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                String le = line.substring(prefix.length(), line.indexOf('"', prefix.length()));
                out.put(le, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return out;
    }

    private static HttpRequest.Builder withCookie(HttpRequest.Builder b, String cookie) {
        return cookie == null ? b : b.header("Cookie", cookie);
    }

    private static JsonNode get(HttpClient c, String url) throws Exception {
        return JSON.readTree(c.send(HttpRequest.newBuilder(URI.create(url)).build(), ofString())
                .body());
    }

    private static HttpResponse.BodyHandler<String> ofString() {
        return HttpResponse.BodyHandlers.ofString();
    }
}
