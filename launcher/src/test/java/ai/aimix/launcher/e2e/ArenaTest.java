package ai.aimix.launcher.e2e;

import static java.net.http.HttpResponse.BodyHandlers.ofString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.arena.ArenaSettings;
import ai.aimix.gateway.arena.Experiments;
import ai.aimix.gateway.keys.ApiKey;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.keys.KeyRing;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.launcher.cli.ServeCommand;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.embedded.FlinkConfigs;
import ai.aimix.launcher.studio.HeadlessChromium;
import ai.aimix.tournament.taste.TasteProbe;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The arena with people: the embedded stack (broker, mix job, tournament job), a gateway running the arena, and
 * headless Chromium. Two listeners play A and B and vote ten times each through the page; the standings page counts
 * their votes exactly once; a third, who votes without listening, is refused by the minimum listening time.
 */
class ArenaTest {
    static final Path SCREENSHOTS = Path.of("target", "arena-screenshots");
    /** Short songs: a vote needs half of one (2 s), a second of each side. */
    static final double SONG_SECONDS = 4;

    static final int VOTES_EACH = 10;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedStack stack;
    static Gateway gateway;

    @TempDir
    static Path store;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(
                HeadlessChromium.installed(),
                "ArenaTest needs Debian's chromium and chromium-driver (.ci/run installs them)");
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
        stack.startTournament(Map.of(TournamentJobOptions.REFRESH.key(), "200 ms"));
        ArenaSettings arena = ServeCommand.arena(stack)
                .withSongSeconds(SONG_SECONDS)
                // each battle heard by both listeners, then replaced; no attention checks or taste probes: every vote
                // counts for the ratings
                .withBattles(ArenaSettings.DEFAULT_BUFFER, 2, 0)
                .withTasteShare(0);
        gateway = Gateway.start(
                GatewaySettings.defaults(
                                KafkaConnection.plain(stack.bootstrapServers()), KeySeal.of(KeySeal.randomSecret()))
                        .withPort(0)
                        .withTopics(stack.topics())
                        .withStoreDir(store)
                        .withArena(arena),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    static String base() {
        return "http://127.0.0.1:" + gateway.port();
    }

    @Test
    void twoListenersVoteAndTheStandingsCountEachVoteOnceWhileAListenerWhoDoesNotListenIsRefused() throws Exception {
        try (HeadlessChromium one = new HeadlessChromium(SCREENSHOTS, 1000, 800);
                HeadlessChromium two = new HeadlessChromium(SCREENSHOTS, 1000, 800)) {
            one.driver.get(base() + "/arena.html");
            two.driver.get(base() + "/arena.html");
            String[] last = {"", ""};
            HeadlessChromium[] listeners = {one, two};
            for (int v = 0; v < VOTES_EACH; v++) {
                for (int l = 0; l < 2; l++) {
                    last[l] = listenAndVote(listeners[l], last[l], (v + l) % 2 == 0 ? "vote-a" : "vote-b", v);
                }
            }
            one.screenshot("1-revealed");
            assertEquals(
                    String.valueOf(VOTES_EACH),
                    one.driver.findElement(By.id("my-votes")).getText());

            // a third listener votes A at once, without listening: refused, however much listening it claims
            try (HeadlessChromium cheat = new HeadlessChromium(SCREENSHOTS, 1000, 800)) {
                cheat.driver.get(base() + "/arena.html");
                new WebDriverWait(cheat.driver, Duration.ofSeconds(60))
                        .until(d -> d.findElement(By.id("play")).isEnabled());
                assertFalse(cheat.driver.findElement(By.id("vote-a")).isEnabled(), "voting waits for listening");
                cheat.driver.findElement(By.id("vote-a")).click(); // disabled: nothing happens
                for (int i = 0; i < 3; i++) {
                    // a new listener each time, so the battle is offered the moment before the vote (the page's
                    // own offer may be older than the listening bound on a slow machine)
                    cheat.driver.manage().deleteAllCookies();
                    Object answer = cheat.driver.executeAsyncScript("""
                                    const done = arguments[arguments.length - 1];
                                    (async () => {
                                    const offer = await (await fetch('/api/v1/arena/next')).json();
                                    const res = await fetch(offer.battle.vote, {method: 'POST',
                                        headers: {'Content-Type': 'application/json'},
                                        body: JSON.stringify({outcome: 'A', listenedMillis: {a: 60000, b: 60000}})});
                                    done(res.status + ' ' + (await res.json()).code);
                                    })();
                                    """);
                    assertEquals("422 VOTE_TOO_FAST", answer);
                }
                // nor can a listener name who they are
                Object named = cheat.driver.executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        (async () => {
                        const offer = await (await fetch('/api/v1/arena/next')).json();
                        const res = await fetch(offer.battle.vote, {method: 'POST',
                            headers: {'Content-Type': 'application/json'},
                            body: JSON.stringify({outcome: 'A', voterId: 'someone-else',
                                listenedMillis: {a: 60000, b: 60000}})});
                        done(res.status + ' ' + (await res.json()).code);
                        })();
                        """);
                assertEquals("422 INVALID_VOTE", named);
            }

            // the standings page: every vote counted once (and only the two listeners' votes)
            one.driver.get(base() + "/standings.html");
            new WebDriverWait(one.driver, Duration.ofSeconds(60))
                    .withMessage(() -> "standings page: "
                            + one.driver.findElement(By.id("status")).getText())
                    .until(d -> String.valueOf(2 * VOTES_EACH)
                            .equals(d.findElement(By.tagName("body")).getDomAttribute("data-votes")));
            Thread.sleep(1500); // a few refreshes more: a count above what was cast would show now
            JsonNode league = get("/api/v1/arena/leagues/main");
            assertEquals(2 * VOTES_EACH, league.path("votes").asInt(), league.toString());
            long modelVotes = 0;
            for (JsonNode m : league.path("models")) {
                modelVotes += m.path("votes").asLong();
                assertTrue(m.path("lower").asDouble() < m.path("rating").asDouble(), m.toString());
            }
            assertEquals(2L * 2 * VOTES_EACH, modelVotes, "each vote counts once for each of its two models");
            assertTrue(
                    one.driver
                                    .findElements(By.cssSelector("#chart g[data-model]"))
                                    .size()
                            >= 2,
                    "the chart");
            assertFalse(league.path("lineage").isEmpty(), league.toString());
            assertTrue(
                    one.driver.findElement(By.id("lineage")).getText().contains("mixnet-v1"),
                    one.driver.findElement(By.id("lineage")).getText());
            one.screenshot("2-standings");
        }
    }

    /**
     * The arena's API without a page, on a second gateway whose league "checks" follows every battle with an attention
     * check: the cookie, each refusal with its code, the reveal, and an attention check's damaged side.
     */
    @Test
    void theArenaApiKnowsListenersByTheirCookieAndRefusesEveryBadVote() throws Exception {
        ArenaSettings arena = ServeCommand.arena(stack)
                .withLeagues(List.of("checks"))
                .withSongSeconds(SONG_SECONDS)
                .withBattles(2, 5, 1.0)
                .withTasteShare(1.0);
        Path checksStore = Files.createTempDirectory(store, "checks");
        try (Gateway g = Gateway.start(
                GatewaySettings.defaults(
                                KafkaConnection.plain(stack.bootstrapServers()), KeySeal.of(KeySeal.randomSecret()))
                        .withPort(0)
                        .withTopics(stack.topics())
                        .withStoreDir(checksStore)
                        .withArena(arena),
                Clock.systemUTC())) {
            String api = "http://127.0.0.1:" + g.port() + "/api/v1/arena";
            HttpClient me =
                    HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            JsonNode home = JSON.readTree(
                    me.send(HttpRequest.newBuilder(URI.create(api)).build(), ofString())
                            .body());
            String listener = home.path("listener").asText();
            assertTrue(listener.startsWith("l_"), home.toString());
            // the cookie keeps the listener; a forged one gets a new id, not the one it names
            assertEquals(listener, get(me, api).path("listener").asText());
            HttpResponse<String> forged = HTTP.send(
                    HttpRequest.newBuilder(URI.create(api))
                            .header("Cookie", "aimix_listener=" + listener + ".AAAA")
                            .build(),
                    ofString());
            assertFalse(JSON.readTree(forged.body()).path("listener").asText().equals(listener));
            assertTrue(forged.headers().firstValue("Set-Cookie").orElse("").contains("HttpOnly"));

            JsonNode offer = waitForOffer(me, api + "/next");
            String battle = offer.path("battle").path("id").asText();
            String vote = "http://127.0.0.1:" + g.port()
                    + offer.path("battle").path("vote").asText();
            String heard = "{\"outcome\": \"A\", \"listenedMillis\": {\"a\": 60000, \"b\": 60000}}";
            GatewayTest.assertProblem(ApiError.INVALID_VOTE, post(me, vote, "{\"outcome\": \"MAYBE\"}"));
            GatewayTest.assertProblem(ApiError.INVALID_JSON, post(me, vote, "{"));
            GatewayTest.assertProblem(ApiError.VOTE_TOO_FAST, post(me, vote, heard));
            GatewayTest.assertProblem(
                    ApiError.VOTE_TOO_FAST,
                    post(me, vote, "{\"outcome\": \"A\", \"listenedMillis\": {\"a\": 60000, \"b\": 0}}"));
            GatewayTest.assertProblem(ApiError.NOT_YOUR_BATTLE, post(HTTP, vote, heard)); // no cookie: a new listener
            // another site's form (text/plain) cannot vote for the listener whose cookie it carries
            GatewayTest.assertProblem(
                    ApiError.JSON_REQUIRED,
                    me.send(
                            HttpRequest.newBuilder(URI.create(vote))
                                    .header("Content-Type", "text/plain")
                                    .POST(HttpRequest.BodyPublishers.ofString(heard))
                                    .build(),
                            ofString()));
            GatewayTest.assertProblem(ApiError.BATTLE_NOT_FOUND, post(me, api + "/battles/arena-nothing/votes", heard));
            Thread.sleep(offer.path("battle").path("neededMillis").asLong());
            HttpResponse<String> counted = post(me, vote, heard);
            assertEquals(201, counted.statusCode(), counted.body());
            JsonNode reveal = JSON.readTree(counted.body());
            assertEquals(battle, reveal.path("battle").asText());
            assertTrue(reveal.path("modelA").asText().length() > 0
                    && reveal.path("modelB").asText().length() > 0);
            GatewayTest.assertProblem(ApiError.ALREADY_VOTED, post(me, vote, heard));

            // the A/B experiment: the arm is the gateway's (the listener's id hashed), events are counted per arm
            String events = api + "/experiments/mixed-for-you/events";
            HttpResponse<String> exposed = post(me, events, "{\"event\": \"exposed\"}");
            assertEquals(201, exposed.statusCode(), exposed.body());
            String arm = JSON.readTree(exposed.body()).path("arm").asText();
            assertEquals(Experiments.MIXED_FOR_YOU.arm(listener), arm);
            assertEquals(
                    arm,
                    get(me, api + "/taste")
                            .path("experiments")
                            .path("mixed-for-you")
                            .asText());
            assertEquals(201, post(me, events, "{\"event\": \"kept\"}").statusCode());
            GatewayTest.assertProblem(ApiError.INVALID_EXPERIMENT_EVENT, post(me, events, "{\"event\": \"liked\"}"));
            GatewayTest.assertProblem(
                    ApiError.INVALID_EXPERIMENT_EVENT, post(me, events, "{\"event\": \"kept\", \"arm\": \"on\"}"));
            GatewayTest.assertProblem(
                    ApiError.EXPERIMENT_NOT_FOUND,
                    post(me, api + "/experiments/nothing/events", "{\"event\": \"kept\"}"));
            JsonNode report = get(me, api + "/experiments/mixed-for-you");
            // counted once its outcome window (an hour) has passed: pending until then
            assertEquals(1, report.path("pending").asInt(), report.toString());
            assertEquals(0, report.path("arms").path(arm).path("exposed").asInt(), report.toString());
            assertEquals("continue", report.path("decision").asText(), report.toString());

            // a named account takes this listener along: another browser that signs in is the same listener
            String account = "{\"name\": \"ann-1\", \"password\": \"correct horse\"}";
            HttpResponse<String> made = post(me, api + "/account", account);
            assertEquals(201, made.statusCode(), made.body());
            assertEquals(listener, JSON.readTree(made.body()).path("listener").asText());
            HttpClient other =
                    HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            GatewayTest.assertProblem(ApiError.ACCOUNT_TAKEN, post(other, api + "/account", account));
            GatewayTest.assertProblem(
                    ApiError.INVALID_ACCOUNT,
                    post(other, api + "/account", "{\"name\": \"Ann\", \"password\": \"x\"}"));
            GatewayTest.assertProblem(
                    ApiError.SIGN_IN_FAILED,
                    post(other, api + "/sign-in", "{\"name\": \"ann-1\", \"password\": \"wrong horse\"}"));
            HttpResponse<String> in = post(other, api + "/sign-in", account);
            assertEquals(200, in.statusCode(), in.body());
            JsonNode there = get(other, api);
            assertEquals(listener, there.path("listener").asText(), "the same listener on another browser");
            assertEquals(1, there.path("votes").asInt(), there.toString());
            String anonymous = JSON.readTree(
                            post(other, api + "/sign-out", "{}").body())
                    .path("listener")
                    .asText();
            assertFalse(anonymous.equals(listener));
            assertEquals(anonymous, get(other, api).path("listener").asText());

            // every battle here is followed by an attention check (its damaged side is muffled, and matched in
            // loudness) and by a taste probe (the same mix at two levels of one role: the vote is a taste answer)
            JsonNode check = null;
            JsonNode probe = null;
            for (int i = 0; i < 8 && (check == null || probe == null); i++) {
                JsonNode[] voted = listenAndVote(me, api + "/next", heard);
                JsonNode o = voted[0];
                JsonNode r = voted[1];
                if (r.path("kind").asText().equals("taste")) {
                    probe = r;
                    assertTrue(
                            r.path("modelA").asText().contains("'s mix")
                                    && r.path("modelB").asText().contains("'s mix"),
                            r.toString());
                    Audio a = audio(me, g, o, "A");
                    Audio b = audio(me, g, o, "B");
                    assertEquals(lufs(a), lufs(b), 0.05, "a taste probe's sides are loudness-matched");
                    JsonNode taste = get(me, api + "/taste");
                    assertEquals(1, taste.path("answers").asInt(), taste.toString());
                    assertTrue(taste.path("roleGainsDb").isObject(), taste.toString());
                } else if (r.path("modelA").asText().equals("intact")
                        || r.path("modelB").asText().equals("intact")) {
                    check = o;
                    Audio intact = audio(me, g, check, r.path("modelA").asText().equals("intact") ? "A" : "B");
                    Audio damaged =
                            audio(me, g, check, r.path("modelA").asText().equals("intact") ? "B" : "A");
                    assertEquals(lufs(intact), lufs(damaged), 0.05, "a check's sides are loudness-matched too");
                    assertTrue(
                            highBand(damaged) < highBand(intact) / 2,
                            "the damaged side is muffled: " + highBand(damaged) + " vs " + highBand(intact));
                }
            }
            assertTrue(check != null, "no attention check among eight offers, though every battle is followed by one");
            assertTrue(probe != null, "no taste probe among eight offers, though every battle is followed by one");

            // a clear taste (answers written to the shared store as probes would have left them: a crowd that likes
            // the model's levels, this listener the vocals 4.5 dB louder) gets for-you battles: theirs against the
            // model's mix, offered to them alone
            writeTastes(checksStore.resolve("tastes"), listener);
            long tasteDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (get(me, api + "/taste").path("roleGainsDb").path("VOCALS").asDouble() <= 0) {
                assertTrue(System.nanoTime() < tasteDeadline, "no taste learnt: " + get(me, api + "/taste"));
                Thread.sleep(500);
            }
            JsonNode forYou = null;
            for (int i = 0; i < 12 && forYou == null; i++) {
                JsonNode[] voted = listenAndVote(me, api + "/next", heard);
                JsonNode o = voted[0];
                JsonNode r = voted[1];
                if (r.path("kind").asText().equals("for-you")) {
                    forYou = r;
                }
            }
            assertTrue(forYou != null, "no for-you battle within twelve votes");
            String sides = forYou.path("modelA").asText() + " | "
                    + forYou.path("modelB").asText();
            assertTrue(sides.contains("mixed for you (vocals +") && sides.contains("'s mix"), sides);
            JsonNode summary = get(me, api + "/for-you");
            assertEquals(1, summary.path("battles").asInt(), summary.toString());
            // the vote was A: personalised won if it was side A
            assertEquals(
                    forYou.path("modelA").asText().startsWith("mixed for you") ? 1.0 : 0.0,
                    summary.path("personalisedWon").asDouble(),
                    1e-9,
                    summary.toString());
        }
    }

    /**
     * A song offered to the arena by its owner (a mix created with {@code arena: true}) joins the pool and is battled;
     * it outlives its mix (kept in the shared store: a second gateway on the same store finds it).
     */
    @Test
    void aSongItsOwnerOffersIsBattledForListeners() throws Exception {
        ArenaSettings arena = ServeCommand.arena(stack)
                .withLeagues(List.of("owners"))
                .withSongSeconds(SONG_SECONDS)
                .withBattles(2, 5, 0)
                .withTasteShare(0);
        KeySeal seal = KeySeal.of(KeySeal.randomSecret());
        Path shared = Files.createTempDirectory(store, "offered");
        GatewaySettings settings = GatewaySettings.defaults(KafkaConnection.plain(stack.bootstrapServers()), seal)
                .withPort(0)
                .withTopics(stack.topics())
                .withStoreDir(Files.createTempDirectory(store, "offered-own"))
                .withSharedStoreDir(shared)
                .withArena(arena);
        String mixId;
        try (Gateway g = Gateway.start(settings, Clock.systemUTC())) {
            ApiKey.Issued key = ApiKey.issue("arena test", KeyLimits.defaults(), System.currentTimeMillis(), seal);
            KeyRing.publish(
                    KafkaConnection.plain(stack.bootstrapServers()),
                    GatewaySettings.DEFAULT_KEYS_TOPIC,
                    key.key(),
                    seal);
            assertTrue(g.awaitKey(key.key().id(), Duration.ofSeconds(30)));
            String base = "http://127.0.0.1:" + g.port();
            List<StemInput> stems = new SongGenerator(99, 44_100).generate(8, 5);
            ObjectNode body = JSON.createObjectNode().put("sampleRate", 44_100).put("arena", true);
            ArrayNode list = body.putArray("stems");
            stems.forEach(st -> list.addObject()
                    .put("name", st.name)
                    .put("role", st.role.name())
                    .put("channels", st.channels()));
            HttpResponse<String> created = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + Gateway.API + "/mixes"))
                            .header("Authorization", "Bearer " + key.token())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    ofString());
            assertEquals(201, created.statusCode(), created.body());
            JsonNode mix = JSON.readTree(created.body());
            mixId = mix.path("id").asText();
            for (int i = 0; i < stems.size(); i++) {
                ByteArrayOutputStream wav = new ByteArrayOutputStream();
                Wav.write(wav, stems.get(i).audio, Wav.Encoding.PCM_16);
                HttpResponse<String> up = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base
                                        + mix.path("stems")
                                                .get(i)
                                                .path("uploadUrl")
                                                .asText()))
                                .header("Authorization", "Bearer " + key.token())
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(wav.toByteArray()))
                                .build(),
                        ofString());
                assertEquals(200, up.statusCode(), up.body());
            }
            // the pool has it once the mix is done; then battles of it are offered
            HttpClient me =
                    HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String api = base + Gateway.API + "/arena";
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (get(me, api)
                            .path("battles")
                            .path("owners")
                            .path("offeredSongs")
                            .asInt()
                    < 1) {
                assertTrue(System.nanoTime() < deadline, "the offered song never joined the pool: " + get(me, api));
                Thread.sleep(250);
            }
            boolean battled = false;
            for (int i = 0; i < 12 && !battled; i++) {
                JsonNode[] voted = listenAndVote(
                        me,
                        api + "/next?league=owners",
                        "{\"outcome\": \"TIE\", \"listenedMillis\": {\"a\": 60000, \"b\": 60000}}");
                JsonNode o = voted[0];
                battled = voted[1].path("song").asText().equals(mixId);
            }
            assertTrue(battled, "no battle of the offered song among twelve (half the battles should be)");
        }
        // the song outlives its mix and this gateway: another on the same shared store has it in its pool
        try (Gateway again = Gateway.start(settings, Clock.systemUTC())) {
            JsonNode home =
                    get(HttpClient.newHttpClient(), "http://127.0.0.1:" + again.port() + Gateway.API + "/arena");
            assertEquals(
                    1, home.path("battles").path("owners").path("offeredSongs").asInt(), home.toString());
        }
    }

    /** Taste answers in the store's format: twenty listeners who like the model's levels, and {@code me} louder vocals. */
    static void writeTastes(Path dir, String me) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(11);
        for (int c = 0; c <= 20; c++) {
            String id = c == 20 ? me : String.format("l_%024x", c + 1);
            StringBuilder lines = new StringBuilder();
            // this listener's taste outweighs the few probes the test has voted A on whatever they were
            for (int k = 0; k < (c == 20 ? 150 : 40); k++) {
                TasteProbe probe = TasteProbe.draw(r);
                int role = probe.role();
                double[] a = probe.offsetsA();
                double[] b = probe.offsetsB();
                double want = c == 20 && role == 0 ? 4.5 : 0;
                double ua = -Math.pow((a[role] - want) / 4, 2);
                double ub = -Math.pow((b[role] - want) / 4, 2);
                double y = c == 20 ? (ua > ub ? 1 : 0) : (r.nextDouble() < 1 / (1 + Math.exp(-(ua - ub) * 4)) ? 1 : 0);
                lines.append(String.format(
                        Locale.ROOT, "%.3f %.3f %.3f %.3f %.3f %.3f %.1f%n", a[0], a[1], a[2], b[0], b[1], b[2], y));
            }
            Files.writeString(
                    dir.resolve(id + ".txt"),
                    lines,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    /**
     * Waits for the listener's next battle, listens as long as a vote needs, and votes {@code body} on it: returns the
     * battle as offered and the reveal.
     */
    static JsonNode[] listenAndVote(HttpClient me, String next, String body) throws Exception {
        JsonNode o = waitForOffer(me, next).path("battle");
        Thread.sleep(o.path("neededMillis").asLong());
        String origin = next.substring(0, next.indexOf(Gateway.API));
        HttpResponse<String> voted = post(me, origin + o.path("vote").asText(), body);
        assertEquals(201, voted.statusCode(), voted.body());
        return new JsonNode[] {o, JSON.readTree(voted.body())};
    }

    static JsonNode waitForOffer(HttpClient me, String next) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (; ; ) {
            HttpResponse<String> r =
                    me.send(HttpRequest.newBuilder(URI.create(next)).build(), ofString());
            if (r.statusCode() == 200) {
                return JSON.readTree(r.body());
            }
            GatewayTest.assertProblem(ApiError.NO_BATTLE_READY, r);
            assertTrue(System.nanoTime() < deadline, "no battle within 90 s: " + r.body());
            Thread.sleep(250);
        }
    }

    static JsonNode get(HttpClient client, String url) throws Exception {
        return JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(url)).build(), ofString())
                .body());
    }

    static HttpResponse<String> post(HttpClient client, String url, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                ofString());
    }

    static Audio audio(HttpClient client, Gateway g, JsonNode battle, String side) throws Exception {
        HttpResponse<byte[]> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port()
                                + battle.path(side.toLowerCase()).asText()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        Path f = Files.createTempFile(store, "side", ".wav");
        Files.write(f, r.body());
        return Wav.read(f);
    }

    static double lufs(Audio a) {
        LoudnessMeter m = new LoudnessMeter(a.sampleRate(), a.channels());
        m.pushInterleaved(a.samples(), 0, a.frames());
        return m.integratedLufs();
    }

    /** How much of the left channel's energy is in its first difference, which weighs highs (a monotone gauge of them). */
    static double highBand(Audio a) {
        float[] x = a.channel(0);
        double e = 0;
        double total = 0;
        for (int i = 1; i < x.length; i++) {
            double d = x[i] - x[i - 1];
            e += d * d;
            total += (double) x[i] * x[i];
        }
        return e / Math.max(total, 1e-20);
    }

    /**
     * One listener's battle: wait for a new one, play A then B until voting opens, vote, read the reveal, go on. Returns
     * the battle's id.
     */
    static String listenAndVote(HeadlessChromium b, String previous, String vote, int round) throws Exception {
        WebDriverWait wait = new WebDriverWait(b.driver, Duration.ofSeconds(90));
        wait.withMessage(() -> "round " + round + ": "
                        + b.driver.findElement(By.id("status")).getText())
                .until(d -> {
                    String id = d.findElement(By.tagName("body")).getDomAttribute("data-battle");
                    return id != null
                            && !id.equals(previous)
                            && d.findElement(By.id("play")).isEnabled();
                });
        String battle = b.driver.findElement(By.tagName("body")).getDomAttribute("data-battle");
        assertFalse(b.driver.findElement(By.id("vote-a")).isEnabled(), "no vote before listening");
        b.driver.findElement(By.id("play")).click();
        wait.until(d -> seconds(d.findElement(By.id("heard-a")).getText()) >= SONG_SECONDS / 4);
        assertFalse(b.driver.findElement(By.id("vote-a")).isEnabled(), "no vote before B was heard");
        b.driver.findElement(By.id("side-b")).click();
        wait.until(d -> d.findElement(By.id(vote)).isEnabled());
        b.driver.findElement(By.id(vote)).click();
        wait.until(d -> d.findElement(By.id("reveal")).isDisplayed());
        String reveal = b.driver.findElement(By.id("reveal-text")).getText();
        assertTrue(reveal.contains("A was ") && reveal.contains("B was mixnet"), reveal);
        if (round == 0) {
            loudnessMatched(battle);
        }
        b.driver.findElement(By.id("next")).click();
        return battle;
    }

    static double seconds(String text) {
        return Double.parseDouble(text.replace(" s", ""));
    }

    /** Both sides of a battle have the same length and the same integrated loudness. */
    static void loudnessMatched(String battle) throws Exception {
        double[] lufs = new double[2];
        int[] frames = new int[2];
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = HTTP.send(
                    HttpRequest.newBuilder(
                                    URI.create(base() + "/api/v1/arena/battles/" + battle + "/audio/" + "AB".charAt(i)))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            Path f = Files.createTempFile(store, "side", ".wav");
            Files.write(f, r.body());
            Audio a = Wav.read(f);
            LoudnessMeter m = new LoudnessMeter(a.sampleRate(), a.channels());
            m.pushInterleaved(a.samples(), 0, a.frames());
            lufs[i] = m.integratedLufs();
            frames[i] = a.frames();
        }
        assertEquals(frames[0], frames[1], "sample-synchronised: the same length");
        // matched in float, written in 16 bits: the rounding moves loudness by far less than 0.05 LU
        assertEquals(lufs[0], lufs[1], 0.05, "loudness-matched");
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }
}
