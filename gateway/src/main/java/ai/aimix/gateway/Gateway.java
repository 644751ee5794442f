package ai.aimix.gateway;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.api.AvroJson;
import ai.aimix.gateway.api.ByteRange;
import ai.aimix.gateway.api.GatewayMetrics;
import ai.aimix.gateway.api.Problem;
import ai.aimix.gateway.api.RendererInfo;
import ai.aimix.gateway.arena.Accounts;
import ai.aimix.gateway.arena.Arena;
import ai.aimix.gateway.arena.ArenaSettings;
import ai.aimix.gateway.arena.Experiments;
import ai.aimix.gateway.arena.TasteBook;
import ai.aimix.gateway.audio.AudioStore;
import ai.aimix.gateway.audio.Download;
import ai.aimix.gateway.audio.MixAudio;
import ai.aimix.gateway.audio.MixRender;
import ai.aimix.gateway.audio.RenderStream;
import ai.aimix.gateway.audio.StemAudio;
import ai.aimix.gateway.audio.StemRender;
import ai.aimix.gateway.audio.VariantAudio;
import ai.aimix.gateway.audio.Waveform;
import ai.aimix.gateway.kafka.CompactedView;
import ai.aimix.gateway.kafka.ContractListener;
import ai.aimix.gateway.kafka.ContractProducer;
import ai.aimix.gateway.keys.ApiKey;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.keys.KeyQuotas;
import ai.aimix.gateway.keys.KeyRing;
import ai.aimix.gateway.mix.MixBook;
import ai.aimix.gateway.mix.MixRecord;
import ai.aimix.gateway.mix.MixSpec;
import ai.aimix.gateway.mix.MixState;
import ai.aimix.gateway.mix.Preset;
import ai.aimix.gateway.mix.RenderSpec;
import ai.aimix.gateway.mix.StemRecord;
import ai.aimix.gateway.mix.Subscriber;
import ai.aimix.gateway.mix.UserPreset;
import ai.aimix.gateway.mix.UserPresets;
import ai.aimix.gateway.upload.Uploads;
import ai.aimix.gateway.webhooks.Delivery;
import ai.aimix.gateway.webhooks.UrlGuard;
import ai.aimix.gateway.webhooks.Webhooks;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.Contract;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API under {@code /api/v1} (docs/API.md): create a mix, stream each stem's WAV to audio.chunks as its bytes
 * arrive, read the mix's state; {@code /healthz} and {@code /readyz}. Every refusal is an RFC 9457 problem response
 * with a stable code ({@link ApiError}); nothing a client sends stops anything but its own request.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    public static final String API = "/api/v1";
    /** Where the OpenAPI 3 document of the API is served. */
    public static final String OPENAPI = "/api/openapi.json";
    /** Where the studio's files are on the class path (served at {@code /}). */
    static final String STUDIO = "/studio";
    /** The events route: a WebSocket upgrade (a GET), registered on the WebSocket router. */
    static final String EVENTS = API + "/mixes/{id}/events";
    /** Bytes read from an upload's body at a time. */
    static final int READ_BYTES = Uploads.READ_BYTES;

    private final GatewaySettings settings;
    /** This process among the gateway's replicas (random at each start): its mix records say it made them. */
    private final String replica = "gw_" + randomHex();

    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final MixBook mixes;
    private final AudioStore store;
    /** The presets users saved, per key, in the store. */
    private final UserPresets presets;
    /** The store's directory of saved presets (mix ids start with "mix_"). */
    static final String PRESETS_DIRECTORY = "presets";
    /** The open event streams, by WebSocket session. */
    private final Map<String, Subscription> subscribers = new ConcurrentHashMap<>();

    private final ContractProducer producer;
    /** The stems' uploads, whole or in pieces. */
    private final Uploads uploads;

    private final ContractListener listener;
    private final KeyRing keys;
    private final Webhooks webhooks;
    private final CompactedView<RegistryEntry> registry;
    private final CompactedView<Standings> standings;
    private final KeyQuotas quotas;
    private final GatewayMetrics metrics;
    private final String openApi;
    private final ScheduledExecutorService housekeeping;
    /** The listening arena, or null when this gateway runs none. */
    private final Arena arena;
    /** The evolution events (an evolving league's current generation), followed for the arena only. */
    private final CompactedView<EvolutionEvent> evolution;
    /** The arena's scheduler: battles mixed, published and retired (its own thread: matching takes a moment). */
    private final ScheduledExecutorService arenaScheduler;

    private final ArenaRoutes arenaRoutes;

    private final Javalin app;

    private Gateway(GatewaySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.store = new AudioStore(settings.storeDir(), settings.sharedStoreDir());
        this.presets = new UserPresets(store.directory(PRESETS_DIRECTORY));
        this.mixes = new MixBook(clock, settings.retention(), store, this::mixEnded, this::stemMoved);
        this.producer = new ContractProducer(settings.kafka(), settings.topics());
        this.listener = new ContractListener(
                settings.kafka(),
                settings.topics(),
                settings.mixesTopic(),
                replica,
                settings.seal()::recordTagged,
                mixes,
                clock);
        this.keys = new KeyRing(settings.kafka(), settings.keysTopic(), settings.seal());
        this.webhooks = new Webhooks(
                settings.kafka(),
                settings.deliveriesTopic(),
                UrlGuard.system(settings.webhookAllowList()),
                settings.webhookRetries(),
                clock,
                id -> {
                    ApiKey k = keys.get(id);
                    return k == null ? null : k.webhookSecret();
                },
                this::deliveryOutcome);
        this.registry = CompactedView.of(settings.kafka(), settings.registryTopic(), Contract.REGISTRY);
        this.standings = CompactedView.of(settings.kafka(), settings.standingsTopic(), Contract.STANDINGS);
        this.quotas = new KeyQuotas(clock);
        this.metrics = new GatewayMetrics(subscribers::size, mixes::size);
        this.uploads = new Uploads(producer, settings.chunkFrames(), clock, metrics);
        try (InputStream in = Gateway.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the gateway's jar");
            }
            this.openApi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aimix-gateway-housekeeping");
            t.setDaemon(true);
            return t;
        });
        ArenaSettings a = settings.arena();
        if (a == null) {
            this.arena = null;
            this.evolution = null;
            this.arenaScheduler = null;
            this.arenaRoutes = null;
        } else {
            this.evolution = CompactedView.of(settings.kafka(), a.evolutionTopic(), Contract.EVOLUTION);
            try {
                this.arena = new Arena(
                        a,
                        clock,
                        store.directory(ARENA_DIRECTORY),
                        new TasteBook(store.directory(TASTES_DIRECTORY)),
                        new ArenaMixer(),
                        (topic, key, value) -> producer.sendRecord(topic, key, value)
                                .get(MIX_RECORD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                        new Arena.Views() {
                            @Override
                            public Map<String, RegistryEntry> registry() {
                                return registry.snapshot();
                            }

                            @Override
                            public Standings standings(String league) {
                                return standings.get(league);
                            }

                            @Override
                            public EvolutionEvent evolution(String league) {
                                return evolution.get(league);
                            }
                        });
            } catch (IOException e) {
                throw new UncheckedIOException("the arena's directory", e);
            }
            this.arenaScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "aimix-arena");
                t.setDaemon(true);
                return t;
            });
            try {
                this.arenaRoutes = new ArenaRoutes(
                        arena,
                        new Accounts(store.directory(ACCOUNTS_DIRECTORY)),
                        new Experiments(store.directory(EXPERIMENTS_DIRECTORY)),
                        clock,
                        settings.seal(),
                        registry,
                        standings);
            } catch (IOException e) {
                throw new UncheckedIOException("the experiments' directory", e);
            }
        }
        this.app = Javalin.create(config -> {
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = 1 << 20; // bodies read whole (JSON); uploads are streamed
            config.http.prefer405over404 = true;
            // the studio: static pages from the jar, no build step and nothing from elsewhere
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = STUDIO;
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
            });
            config.routes.get("/healthz", ctx -> ok(ctx, json.createObjectNode().put("status", "up")));
            config.routes.get("/readyz", this::ready);
            config.routes.get(OPENAPI, ctx -> {
                ctx.contentType("application/json");
                ctx.result(openApi);
            });
            config.routes.get("/metrics", ctx -> {
                ctx.contentType(GatewayMetrics.CONTENT_TYPE);
                ctx.result(metrics.scrape());
            });
            config.requestLogger.http((ctx, millis) -> metrics.request(
                    route(ctx), ctx.method().name(), ctx.status().getCode(), millis / 1000.0));
            config.routes.before(API + "/*", this::authenticate);
            config.routes.post(API + "/mixes", this::createMix);
            config.routes.get(API + "/mixes/{id}", this::getMix);
            config.routes.put(API + "/mixes/{id}/stems/{index}", this::upload);
            config.routes.get(API + "/mixes/{id}/audio", this::audio);
            config.routes.get(API + "/mixes/{id}/waveform", this::waveform);
            config.routes.get(API + "/mixes/{id}/stems/{index}/audio", this::stemAudio);
            config.routes.get(API + "/mixes/{id}/stems/{index}/waveform", this::stemWaveform);
            config.routes.post(API + "/mixes/{id}/renders", this::createRender);
            config.routes.get(API + "/mixes/{id}/renders/{render}", this::getRender);
            config.routes.get(API + "/mixes/{id}/renders/{render}/audio", this::renderAudio);
            config.routes.get(API + "/mixes/{id}/renders/{render}/waveform", this::renderWaveform);
            config.routes.post(API + "/mixes/{id}/shares", this::share);
            // a share link's read-only view: the token in the path is the credential (no API key)
            config.routes.get(API + SHARED + "/{token}", this::getSharedMix);
            config.routes.get(API + SHARED + "/{token}/audio", this::audio);
            config.routes.get(API + SHARED + "/{token}/waveform", this::waveform);
            config.routes.get(API + SHARED + "/{token}/stems/{index}/audio", this::stemAudio);
            config.routes.get(API + SHARED + "/{token}/stems/{index}/waveform", this::stemWaveform);
            config.routes.get(API + "/models", this::models);
            config.routes.get(API + "/presets", ctx -> {
                ObjectNode body = json.createObjectNode();
                ArrayNode list = body.putArray("presets");
                Preset.all().forEach(p -> list.add(p.toJson()));
                presets.list(key(ctx).id()).forEach(p -> list.add(p.toJson()));
                ok(ctx, body);
            });
            config.routes.get(
                    API + "/presets/{name}", ctx -> ok(ctx, savedPreset(ctx).toJson()));
            config.routes.put(API + "/presets/{name}", this::savePreset);
            config.routes.delete(API + "/presets/{name}", ctx -> {
                savedPreset(ctx);
                presets.delete(key(ctx).id(), ctx.pathParam("name"));
                ctx.status(204);
            });
            config.routes.get(API + RENDERER, ctx -> ok(ctx, RendererInfo.json()));
            config.routes.get(API + "/webhooks/deliveries", this::deliveries);
            config.routes.get(API + "/leagues/{league}/standings", this::leagueStandings);
            // the arena: listeners are people on its page, known by a signed cookie (no API key)
            config.routes.get(API + ARENA, ctx -> ok(ctx, arenaRoutes().home(ctx)));
            config.routes.get(
                    API + ARENA + "/next", ctx -> ok(ctx, arenaRoutes().next(ctx)));
            config.routes.get(
                    API + ARENA + "/battles/{id}/audio/{side}",
                    ctx -> serve(ctx, arenaRoutes().audio(ctx), ctx.pathParam("id") + "-" + ctx.pathParam("side")));
            config.routes.post(API + ARENA + "/battles/{id}/votes", ctx -> {
                ObjectNode out = arenaRoutes().vote(ctx, readJson(ctx));
                ctx.status(201);
                ok(ctx, out);
            });
            config.routes.get(
                    API + ARENA + "/leagues/{league}",
                    ctx -> ok(ctx, arenaRoutes().league(ctx)));
            // the studio asks every gateway: one without an arena has no taste to give, which is not an error
            config.routes.get(
                    API + ARENA + "/taste",
                    ctx -> ok(
                            ctx,
                            arena == null
                                    ? ArenaRoutes.noTaste(json)
                                    : arenaRoutes().taste(ctx)));
            config.routes.post(API + ARENA + "/experiments/{name}/events", ctx -> {
                ObjectNode out = arenaRoutes().experimentEvent(ctx, readJson(ctx));
                ctx.status(201);
                ok(ctx, out);
            });
            config.routes.get(
                    API + ARENA + "/experiments/{name}",
                    ctx -> ok(ctx, arenaRoutes().experimentReport(ctx)));
            config.routes.get(
                    API + ARENA + "/for-you", ctx -> ok(ctx, arenaRoutes().forYou()));
            config.routes.post(API + ARENA + "/account", ctx -> {
                ObjectNode out = arenaRoutes().account(ctx, readJson(ctx), true);
                ctx.status(201);
                ok(ctx, out);
            });
            config.routes.post(
                    API + ARENA + "/sign-in", ctx -> ok(ctx, arenaRoutes().account(ctx, readJson(ctx), false)));
            config.routes.post(
                    API + ARENA + "/sign-out", ctx -> ok(ctx, arenaRoutes().signOut(ctx)));
            config.routes.wsBeforeUpgrade(EVENTS, ctx -> {
                authenticate(ctx);
                mix(ctx);
            });
            config.routes.ws(EVENTS, ws -> {
                ws.onConnect(ctx -> {
                    MixState m = mixes.get(ctx.pathParam("id"));
                    if (m == null) {
                        ctx.closeSession(WsCloseStatus.POLICY_VIOLATION, "no such mix");
                        return;
                    }
                    WsSubscriber s = new WsSubscriber(ctx);
                    subscribers.put(ctx.sessionId(), new Subscription(m, s));
                    m.subscribe(s, API + "/mixes/" + m.id);
                });
                ws.onClose(ctx -> unsubscribe(ctx.sessionId()));
                ws.onError(ctx -> unsubscribe(ctx.sessionId()));
            });
            config.routes.exception(ApiException.class, (e, ctx) -> {
                if (e.uploadOffset != null) {
                    ctx.header(UPLOAD_OFFSET, String.valueOf(e.uploadOffset));
                }
                if (e.retryAfterSeconds() > 0) {
                    ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
                }
                problem(ctx, e.error, e.getMessage());
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                problem(ctx, ApiError.INTERNAL, "the gateway failed on this request; it is logged");
            });
            config.routes.error(404, "*", ctx -> {
                if (!Problem.CONTENT_TYPE.equals(ctx.res().getContentType())) {
                    problem(ctx, ApiError.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path());
                }
            });
            config.routes.error(
                    405, "*", ctx -> problem(ctx, ApiError.METHOD_NOT_ALLOWED, ctx.method() + " " + ctx.path()));
        });
    }

    /** Starts the gateway: its consumer, its housekeeping and its HTTP server. */
    public static Gateway start(GatewaySettings settings, Clock clock) {
        Gateway g = new Gateway(settings, clock);
        g.keys.start();
        g.webhooks.start();
        g.registry.start();
        g.standings.start();
        g.listener.start();
        if (g.arena != null) {
            g.evolution.start();
            g.arenaScheduler.scheduleWithFixedDelay(
                    () -> {
                        try {
                            g.arena.tick();
                        } catch (RuntimeException e) {
                            LOG.error("The arena's scheduler failed a round", e);
                        }
                    },
                    ARENA_TICK.toMillis(),
                    ARENA_TICK.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        g.housekeeping.scheduleWithFixedDelay(g.mixes::expire, 1, 1, TimeUnit.MINUTES);
        g.housekeeping.scheduleWithFixedDelay(() -> g.uploads.expire(g.mixes::get), 1, 1, TimeUnit.MINUTES);
        g.housekeeping.scheduleWithFixedDelay(
                g::pingSubscribers, EVENTS_PING.toMillis(), EVENTS_PING.toMillis(), TimeUnit.MILLISECONDS);
        g.app.start();
        LOG.info("The gateway listens on http://{}:{}{}", settings.host(), g.port(), API);
        return g;
    }

    public int port() {
        return app.port();
    }

    /** Waits until this gateway knows the key {@code id} (just created); false on timeout. */
    public boolean awaitKey(String id, Duration timeout) throws InterruptedException {
        return keys.await(id, false, timeout);
    }

    /** Waits until this gateway knows the key {@code id} is revoked; false on timeout. */
    public boolean awaitRevoked(String id, Duration timeout) throws InterruptedException {
        return keys.await(id, true, timeout);
    }

    /** Every route, as "METHOD path-template" (the events WebSocket as the GET it upgrades from). */
    public List<String> routes() {
        List<String> out = new ArrayList<>();
        for (ParsedEndpoint p : app.unsafe.internalRouter.allHttpHandlers()) {
            if (p.endpoint.method.isHttpMethod()) {
                out.add(p.endpoint.method.name() + " " + p.endpoint.path);
            }
        }
        out.add("GET " + EVENTS);
        return out;
    }

    /** The API's base address, e.g. http://127.0.0.1:8090/api/v1. */
    public String url() {
        return "http://" + settings.host() + ":" + port() + API;
    }

    // ------------------------------------------------------------------------------------------------ routes

    private void ready(Context ctx) {
        boolean contract = listener.ready();
        boolean keyRing = keys.ready();
        boolean models = registry.ready();
        boolean ready = contract && keyRing && models;
        ObjectNode body = json.createObjectNode().put("status", ready ? "ready" : "not ready");
        body.put("kafka", contract ? "consumer assigned and polling" : "consumer not assigned or not polling");
        body.put("keys", keyRing ? "read" : "not read yet");
        body.put("models", models ? "registry read" : "registry not read yet");
        body.put("standings", standings.ready() ? "read" : "not read yet (the tournament's topic may not exist)");
        body.put("webhooks", webhooks.ready() ? "deliveries read back" : "reading back pending deliveries");
        ctx.status(ready ? 200 : 503);
        ok(ctx, body);
    }

    private void createMix(Context ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    ApiError.INVALID_JSON,
                    "line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        ApiKey key = key(ctx);
        MixSpec spec = MixSpec.parse(body, key.limits().maxStems(), key.limits().maxSeconds());
        boolean keysDefault = spec.callbackUrl == null && key.callbackUrl() != null;
        if (keysDefault) {
            spec = spec.withCallbackUrl(key.callbackUrl());
        }
        if (spec.callbackUrl != null) {
            String why = webhooks.problem(spec.callbackUrl);
            if (why != null) {
                throw new ApiException(
                        ApiError.INVALID_MIX_REQUEST,
                        (keysDefault ? "the API key's callbackUrl (its default for every mix): " : "/callbackUrl: ")
                                + why);
            }
        }
        quotas.admit(key, mixes::running);
        MixState m = record(spec, body, key.id());
        metrics.mixesCreated.inc();
        String self = API + "/mixes/" + m.id;
        ctx.status(201);
        ctx.header("Location", self);
        ok(ctx, m.toJson(self));
    }

    /** A new mix of {@code owner}, recorded on the mixes topic before its id is given out. */
    private MixState record(MixSpec spec, JsonNode body, String owner) {
        MixState m = mixes.create(spec, owner);
        try {
            // the other replicas learn of it before its id is given out: any of them answers for it
            producer.send(settings.mixesTopic(), MixRecord.of(m, body, replica), settings.seal()::recordTag)
                    .get(MIX_RECORD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            mixes.discard(m.id);
            throw new ApiException(
                    ApiError.KAFKA_UNAVAILABLE,
                    "the mix could not be recorded on " + settings.mixesTopic() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mixes.discard(m.id);
            throw new ApiException(ApiError.KAFKA_UNAVAILABLE, "interrupted while recording the mix");
        }
        return m;
    }

    /** The arena's battles are mixed as a client's mixes are: recorded, then each stem uploaded as a WAV. */
    private final class ArenaMixer implements Arena.Mixer {
        @Override
        public MixState create(JsonNode body) {
            return record(MixSpec.parse(body, ARENA_LIMITS.maxStems(), ARENA_LIMITS.maxSeconds()), body, ARENA_OWNER);
        }

        @Override
        public float[] render(MixState m, JsonNode body) throws IOException {
            MixResult result = m.result();
            if (m.status() != MixState.Status.COMPLETED || result == null) {
                throw new IOException("mix " + m.id + " is " + m.status() + ": renders start from a completed mix");
            }
            RenderSpec spec = RenderSpec.parse(
                    body, m.spec.stems.stream().map(StemSpec::getRole).toList(), name -> null);
            VariantResult v = result.getVariants().stream()
                    .filter(x -> x.getVariant() == spec.variant)
                    .findFirst()
                    .orElseThrow(() -> new IOException("mix " + m.id + " has no variant " + spec.variant));
            List<StemAudio> stems = m.audio.storedStems(m.spec.stems.size());
            if (stems == null) {
                throw new IOException("mix " + m.id + ": its stems are not all in the store");
            }
            int segment = result.getSegmentFrames();
            long frames = result.getFrames();
            int segments = (int) ((frames + segment - 1) / segment);
            String id = "rnd_" + randomHex();
            renderInto(m, spec, result, stems, frames, 0, segment, spec.schedule(v, 0, segments), id, null);
            Path file = m.audio.renderFile(id);
            try {
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
                float[] out = new float[b.remaining() / Float.BYTES];
                b.asFloatBuffer().get(out);
                return out;
            } finally {
                Files.deleteIfExists(file);
            }
        }

        @Override
        public void upload(MixState m, int stem, byte[] wav) throws IOException {
            Uploads.Answer a = uploads.receive(m, stem, ARENA_LIMITS, null, wav.length, new ByteArrayInputStream(wav));
            if (a.status() >= 300) {
                throw new IOException("stem " + stem + " of " + m.id + " was refused: " + a.body());
            }
        }
    }

    /** The owner of the arena's battle mixes (no API key makes them). */
    static final String ARENA_OWNER = "arena";
    /** The arena's mixes are the service's own: the default limits of a key. */
    static final KeyLimits ARENA_LIMITS = KeyLimits.defaults();
    /** The shared store's directory of the arena's named accounts (a file each). */
    static final String ACCOUNTS_DIRECTORY = "accounts";
    /** The shared store's directory of the experiments' event logs (a file each). */
    static final String EXPERIMENTS_DIRECTORY = "experiments";
    /** The shared store's directory of the listeners' taste answers (a file each). */
    static final String TASTES_DIRECTORY = "tastes";
    /** The store's directory of the arena's loudness-matched battle audio. */
    static final String ARENA_DIRECTORY = "arena";
    /** How often the arena's scheduler looks at its battles. */
    static final Duration ARENA_TICK = Duration.ofMillis(250);
    /** The arena's routes (after {@link #API}): public, listeners carry a signed cookie. */
    static final String ARENA = "/arena";

    private ArenaRoutes arenaRoutes() {
        if (arena == null) {
            throw new ApiException(
                    ApiError.ARENA_UNAVAILABLE,
                    "this gateway runs no arena (it is given the tournament's key to run one: ./aimix serve does)");
        }
        return arenaRoutes;
    }

    private JsonNode readJson(Context ctx) {
        try {
            return json.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    ApiError.INVALID_JSON,
                    "line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }

    private void getMix(Context ctx) {
        MixState m = mix(ctx);
        ctx.contentType("application/json");
        ctx.header("Vary", "Accept-Encoding");
        byte[] gzip = acceptsGzip(ctx.header("Accept-Encoding")) ? m.toJsonGzip(API + "/mixes/" + m.id) : null;
        if (gzip != null) {
            // a completed mix's document, compressed once (every stem's parameters per segment: tens of kB)
            ctx.header("Content-Encoding", "gzip");
            ctx.result(gzip);
        } else {
            ctx.result(m.toJsonBytes(API + "/mixes/" + m.id));
        }
    }

    private void upload(Context ctx) throws IOException {
        MixState m = mix(ctx);
        int stem = stemIndex(ctx, m);
        Uploads.Answer a = uploads.receive(
                m,
                stem,
                key(ctx).limits(),
                ctx.header("Content-Range"),
                ctx.req().getContentLengthLong(),
                ctx.bodyInputStream());
        ctx.status(a.status());
        if (a.uploadOffset() != null) {
            ctx.header(UPLOAD_OFFSET, String.valueOf(a.uploadOffset()));
        }
        ok(ctx, a.body());
    }

    /** The header that says where an upload in pieces stands. */
    static final String UPLOAD_OFFSET = "Upload-Offset";

    /** A mix has ended: its webhook, if it asked for one. */
    /** A stem's upload moved on here: the other replicas are told (they refuse the stem, and see the mix's state). */
    private void stemMoved(
            MixState m, int stem, MixState.Upload state, long frames, long bytes, String code, String message) {
        StemRecord record = new StemRecord(
                m.id,
                stem,
                state,
                frames,
                bytes,
                state == MixState.Upload.DONE ? m.audio.encoding(stem) : null,
                code,
                message,
                replica);
        // told under the mix's lock: sent from the housekeeping thread (one thread, so in order), as a send waits
        // while Kafka's metadata is missing and the mix's events must not wait with it
        try {
            housekeeping.execute(() -> tell(record));
        } catch (RejectedExecutionException e) {
            LOG.info("Stopping: the other replicas are not told that stem {} of {} is {}", stem, m.id, state);
        }
    }

    private void tell(StemRecord record) {
        try {
            producer.send(settings.mixesTopic(), record, settings.seal()::recordTag);
        } catch (RuntimeException e) {
            LOG.warn(
                    "The other replicas were not told that stem {} of {} is {}: {}",
                    record.stem(),
                    record.id(),
                    record.state(),
                    e.toString());
        }
    }

    private void mixEnded(MixState m) {
        if (arena != null && m.spec.arena && m.status() == MixState.Status.COMPLETED && !mixes.adopted(m.id)) {
            // its owner offered the song to the arena: kept off the consumer's thread (it copies the stems)
            try {
                arenaScheduler.execute(() -> arena.offer(m));
            } catch (RejectedExecutionException e) {
                LOG.info("Stopping: mix {} is not offered to the arena", m.id);
            }
        }
        // a mix another replica created is that replica's to tell its callback of
        if (m.spec.callbackUrl != null && !mixes.adopted(m.id)) {
            String self = API + "/mixes/" + m.id;
            ObjectNode notice = m.endNotice(self);
            webhooks.enqueue(m.owner, m.id, notice.path("event").asText(), m.spec.callbackUrl, notice.toString());
        }
    }

    private void deliveryOutcome(int outcome) {
        metrics.webhookDeliveries
                .labels(outcome > 0 ? "delivered" : outcome == 0 ? "retrying" : "failed")
                .inc();
    }

    /** The key's webhook deliveries, newest first, with their attempts. */
    private void deliveries(Context ctx) {
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("deliveries");
        for (Delivery d : webhooks.of(key(ctx).id())) {
            list.add(d.toJson(false));
        }
        ok(ctx, body);
    }

    /** The model registry as it stands: every descriptor, and each league's champion. */
    private void models(Context ctx) {
        ObjectNode body = json.createObjectNode();
        ArrayNode models = body.putArray("models");
        ObjectNode champions = body.putObject("champions");
        for (RegistryEntry e : registry.snapshot().values()) {
            Object p = e.getPayload();
            if (p instanceof ModelDescriptor d) {
                models.add(AvroJson.of(d));
            } else if (p instanceof ChampionAlias c) {
                champions.put(c.getLeague(), c.getModelId());
            }
        }
        ok(ctx, body);
    }

    private void leagueStandings(Context ctx) {
        String league = ctx.pathParam("league");
        Standings s = standings.get(league);
        if (s == null) {
            throw new ApiException(ApiError.LEAGUE_NOT_FOUND, "no standings for league '" + league + "' yet");
        }
        ok(ctx, AvroJson.of(s));
    }

    /** Points of a waveform when {@code ?points=} is not given. */
    static final int DEFAULT_WAVEFORM_POINTS = 1000;

    /** The route a request matched (its path template: few values), or "unmatched". */
    private static String route(Context ctx) {
        Endpoint e = ctx.endpoints().lastHttpEndpoint();
        return e == null ? "unmatched" : e.path;
    }

    /** The key of the request, as {@link #authenticate} found it. */
    private static ApiKey key(Context ctx) {
        ApiKey k = ctx.attribute(KEY);
        if (k == null) {
            throw new ApiException(ApiError.UNAUTHORIZED, "no API key");
        }
        return k;
    }

    /**
     * Finds the request's API key: {@code Authorization: Bearer amx_...}, or, for the events WebSocket (browsers
     * cannot set headers on one), {@code ?access_token=amx_...}.
     */
    private void authenticate(Context ctx) {
        if (ctx.path().startsWith(API + SHARED + "/")) {
            return; // its token is checked by the route (sharedMix)
        }
        if (ctx.path().equals(API + RENDERER)) {
            return; // how the gateway renders is public (a share link's view draws its EQ curves from it)
        }
        if (ctx.path().equals(API + ARENA) || ctx.path().startsWith(API + ARENA + "/")) {
            return; // the arena's listeners are people on its page, known by a signed cookie
        }
        String header = ctx.header("Authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (header == null && ctx.path().endsWith("/events")) {
            token = ctx.queryParam("access_token");
        }
        if (token == null) {
            throw new ApiException(ApiError.UNAUTHORIZED, "send an API key as Authorization: Bearer amx_...");
        }
        ApiKey k = keys.authenticate(token);
        if (k == null) {
            throw new ApiException(ApiError.UNAUTHORIZED, "the API key is not valid (unknown, revoked or mistyped)");
        }
        ctx.attribute(KEY, k);
    }

    private static final String KEY = "aimix.apiKey";

    /** Share links' read-only routes are under this (after {@link #API}). */
    static final String SHARED = "/shared";
    /** The renderer's settings (after {@link #API}): public. */
    static final String RENDERER = "/renderer";

    /** {@code POST /mixes/{id}/shares}: a read-only link to a completed mix, valid as long as the mix is kept. */
    private void share(Context ctx) {
        MixState m = mix(ctx);
        if (m.status() != MixState.Status.COMPLETED) {
            throw new ApiException(
                    ApiError.AUDIO_NOT_READY, "mix " + m.id + " is " + m.status() + ": share a completed mix");
        }
        String token = settings.seal().shareToken(m.id);
        ObjectNode out = json.createObjectNode();
        out.put("token", token);
        out.put("mix", m.id);
        out.put("expiresAtMillis", m.endedAtMillis() + settings.retention().toMillis());
        out.putObject("links").put("view", "/#share=" + token).put("mix", API + SHARED + "/" + token);
        ctx.status(201);
        ok(ctx, out);
    }

    /** {@code GET /shared/{token}}: the mix as its owner sees it, less what only the owner may do (uploads). */
    private void getSharedMix(Context ctx) {
        MixState m = mix(ctx);
        ObjectNode o = m.toJson(API + SHARED + "/" + ctx.pathParam("token"));
        for (JsonNode stem : o.path("stems")) {
            ((ObjectNode) stem).remove("uploadUrl");
        }
        o.put("shared", true);
        ok(ctx, o);
    }

    /** The mix a share token opens; a token this gateway's secret did not make, or a forgotten mix: 404. */
    private MixState sharedMix(Context ctx) {
        String id = settings.seal().sharedMix(ctx.pathParam("token"));
        MixState m = id == null ? null : mixes.get(id);
        if (m == null) {
            throw new ApiException(
                    ApiError.MIX_NOT_FOUND,
                    "this share link opens no mix here (mistyped, or the mix was forgotten "
                            + settings.retention().toMinutes() + " minutes after it ended)");
        }
        return m;
    }

    private MixState mix(Context ctx) {
        if (ctx.pathParamMap().containsKey("token")) {
            return sharedMix(ctx);
        }
        String id = ctx.pathParam("id");
        MixState m = mixes.get(id);
        if (m == null && MIX_ID.matcher(id).matches()) {
            // perhaps made a moment ago on another replica: its record is on the way to this one's listener
            try {
                listener.awaitPolls(3, MIX_LOOKUP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            m = mixes.get(id);
        }
        if (m != null && !m.owner.equals(key(ctx).id())) {
            m = null; // another key's mix: not there, for this one
        }
        if (m == null) {
            throw new ApiException(
                    ApiError.MIX_NOT_FOUND,
                    "no mix " + id + " here (unknown, or forgotten "
                            + settings.retention().toMinutes() + " minutes after it ended)");
        }
        return m;
    }

    private static int stemIndex(Context ctx, MixState m) {
        String raw = ctx.pathParam("index");
        int n = m.spec.stems.size();
        try {
            int i = Integer.parseInt(raw);
            if (i >= 0 && i < n) {
                return i;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ApiException(ApiError.STEM_NOT_FOUND, "stem '" + raw + "': mix " + m.id + " has stems 0.." + (n - 1));
    }

    private void audio(Context ctx) throws IOException {
        MixState m = mix(ctx);
        String format = format(ctx);
        serve(
                ctx,
                completeAudio(m, ctx),
                format,
                m.id + "-" + variant(ctx).name().toLowerCase(Locale.ROOT));
    }

    private void stemAudio(Context ctx) throws IOException {
        MixState m = mix(ctx);
        int stem = stemIndex(ctx, m);
        String format = format(ctx);
        serve(
                ctx,
                processedStem(m, stem, ctx),
                format,
                m.id + "-" + variant(ctx).name().toLowerCase(Locale.ROOT) + "-stem-" + stem);
    }

    /** {@code ?format=}: wav (the default) or opus. */
    private static String format(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null && !format.equals("wav") && !format.equals("wav-float") && !format.equals("opus")) {
            throw new ApiException(ApiError.INVALID_PARAMETER, "format: '" + format + "'; wav, wav-float or opus");
        }
        return format == null ? "wav" : format;
    }

    /** Serves complete audio as a WAV or Opus file, whole or by one byte range. */
    private void serve(Context ctx, VariantAudio a, String format, String name) throws IOException {
        serve(ctx, format.equals("opus") ? a.opus() : format.equals("wav-float") ? a.wavFloat() : a.wav(), name);
    }

    /** A file whole, or the byte range asked for. */
    private static void serve(Context ctx, Download file, String name) throws IOException {
        long length = file.length();
        long from = 0;
        long to = length - 1;
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + "." + file.extension() + "\"");
        long[] range = ByteRange.parse(ctx.header("Range"), length);
        if (range == ByteRange.UNSATISFIABLE) {
            ctx.header("Content-Range", "bytes */" + length);
            throw new ApiException(
                    ApiError.RANGE_NOT_SATISFIABLE, "Range " + ctx.header("Range") + " of " + length + " bytes");
        }
        if (range != null) {
            from = range[0];
            to = range[1];
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + from + "-" + to + "/" + length);
        }
        ctx.contentType(file.contentType());
        ctx.res().setContentLengthLong(to - from + 1);
        if (!ctx.method().name().equals("HEAD")) {
            file.write(ctx.outputStream(), from, to);
        }
    }

    /**
     * Stem {@code stem} as the variant named by {@code ?variant=} processed it: rendered from the stem store with the
     * result's parameters, once the mix has completed.
     */
    private static VariantAudio processedStem(MixState m, int stem, Context ctx) throws IOException {
        Variant v = variant(ctx);
        MixResult result = m.result();
        if (m.status() != MixState.Status.COMPLETED || result == null) {
            throw new ApiException(
                    ApiError.AUDIO_NOT_READY,
                    "stem " + stem + " of mix " + m.id + ": a processed stem is rendered from the mix's result (status "
                            + m.status() + ")");
        }
        long start = m.spec.excerpt == null ? 0 : m.spec.excerpt.getStartFrame();
        VariantAudio a = m.audio.processedStem(result, v, stem, start);
        if (a == null) {
            throw new ApiException(
                    ApiError.INVALID_PARAMETER,
                    "variant " + v + ": mix " + m.id + " has no such variant or stem audio");
        }
        return a;
    }

    private void waveform(Context ctx) throws IOException {
        MixState m = mix(ctx);
        int points = points(ctx);
        ok(ctx, waveformJson(m, completeAudio(m, ctx), points, ctx).put("mix", m.id));
    }

    private void stemWaveform(Context ctx) throws IOException {
        MixState m = mix(ctx);
        int stem = stemIndex(ctx, m);
        int points = points(ctx);
        VariantAudio processed = processedStem(m, stem, ctx);
        ObjectNode body = waveformJson(m, processed, points, ctx);
        body.put("mix", m.id);
        body.put("stem", stem);
        double lufs = processed.integratedLufs();
        if (Double.isFinite(lufs)) {
            body.put("integratedLufs", Math.round(lufs * 100) / 100.0); // the processed stem's, alone
        }
        ArrayNode reduction = body.putArray("gainReductionDb"); // the compressor's, as it applied it
        for (float db : processed.gainReduction().columns(points)) {
            reduction.add(db);
        }
        ok(ctx, body);
    }

    /**
     * A completed mix rendered again from its stems with other settings ({@link RenderSpec}): the job's renderer on
     * the stem store and the result's parameters; answered once the audio is stored, with its figures and links.
     */
    private void createRender(Context ctx) throws IOException {
        MixState m = mix(ctx);
        JsonNode body;
        try {
            body = json.readTree(ctx.body().isEmpty() ? "{}" : ctx.body());
        } catch (JsonProcessingException e) {
            throw new ApiException(ApiError.INVALID_JSON, e.getOriginalMessage());
        }
        String keyId = key(ctx).id();
        RenderSpec spec = RenderSpec.parse(
                body, m.spec.stems.stream().map(StemSpec::getRole).toList(), name -> presets.get(keyId, name));
        MixResult result = m.result();
        if (m.status() != MixState.Status.COMPLETED || result == null) {
            throw new ApiException(
                    ApiError.AUDIO_NOT_READY,
                    "mix " + m.id + " is " + m.status() + ": a render starts from a completed mix's result");
        }
        VariantResult v = result.getVariants().stream()
                .filter(x -> x.getVariant() == spec.variant)
                .findFirst()
                .orElseThrow(() -> new ApiException(
                        ApiError.INVALID_RENDER_REQUEST, "/variant: mix " + m.id + " has no " + spec.variant));
        List<StemAudio> stems = m.audio.storedStems(m.spec.stems.size());
        if (stems == null) {
            throw new ApiException(ApiError.AUDIO_NOT_READY, "mix " + m.id + ": its stems are not all in the store");
        }
        int segment = result.getSegmentFrames();
        long frames = result.getFrames();
        int segments = (int) ((frames + segment - 1) / segment);
        int first = 0;
        int count = segments;
        if (spec.excerpt != null) {
            // whole segments: the parameters change at segment starts
            // in seconds first: any length the body may give stays within the mix
            double seconds = (double) frames / result.getSampleRate();
            if (spec.excerpt[0] >= seconds) {
                throw new ApiException(
                        ApiError.INVALID_RENDER_REQUEST,
                        "/excerpt/startSeconds: " + spec.excerpt[0] + " is past the mix's end ("
                                + (double) frames / result.getSampleRate() + " s)");
            }
            long from = Math.round(spec.excerpt[0] * result.getSampleRate());
            long to = Math.min(
                    frames, Math.round(Math.min(seconds, spec.excerpt[0] + spec.excerpt[1]) * result.getSampleRate()));
            first = (int) (from / segment);
            count = Math.max(1, (int) ((to + segment - 1) / segment) - first);
        }
        quotas.admitRender(key(ctx));
        String id = "rnd_" + randomHex();
        float[][][] schedule = spec.schedule(v, first, count);
        long startFrame = (long) first * segment;
        long renderFrames = Math.min((long) count * segment, frames - startFrame);
        String self = API + "/mixes/" + m.id + "/renders/" + id;
        RenderStream stream = null;
        if (wantsAudio(ctx)) {
            // the audio is the answer, sent while it is rendered; the figures follow at GET {self}
            ctx.status(201);
            ctx.header("Location", self);
            ctx.header(RENDER_ID_HEADER, id);
            ctx.header(RENDER_START_HEADER, Long.toString(startFrame));
            ctx.contentType("audio/wav");
            // a render that fails half-way ends the connection short of this length: the client sees it broken
            ctx.res().setContentLengthLong(RenderStream.length(renderFrames));
            stream = new RenderStream(ctx.outputStream(), result.getSampleRate(), renderFrames);
        }
        ObjectNode out;
        try {
            MixRender.Figures f = renderInto(m, spec, result, stems, frames, first, segment, schedule, id, stream);
            out = describe(m, spec, result, schedule, id, self, f);
            m.audio.addRender(id, result.getSampleRate(), out);
            if (stream != null) {
                stream.finish(); // the last of the audio, once the render is kept
                return;
            }
        } catch (IOException | RuntimeException e) {
            if (stream == null) {
                throw e;
            }
            if (!ctx.res().isCommitted()) {
                ctx.res().reset(); // nothing of the audio sent yet: the failure is answered as a problem
                throw e;
            }
            // the audio has begun: no problem can follow it; the answer ends short of its length, which the client
            // sees as a broken connection
            if (e instanceof IOException) {
                LOG.info("render {} of mix {} stopped after its audio began: {}", id, m.id, e.toString());
            } else {
                LOG.warn("render {} of mix {} failed after its audio began", id, m.id, e);
            }
            return;
        }
        ctx.status(201);
        ctx.header("Location", self);
        ok(ctx, out);
    }

    /** A render's description: what {@code POST /renders} answers (and {@code GET} gives again). */
    private ObjectNode describe(
            MixState m,
            RenderSpec spec,
            MixResult result,
            float[][][] schedule,
            String id,
            String self,
            MixRender.Figures f) {
        ObjectNode out = json.createObjectNode();
        out.put("id", id);
        out.put("mix", m.id);
        out.put("variant", spec.variant.name());
        if (spec.presetName != null) {
            out.put("preset", spec.presetName);
        }
        out.put("startFrame", f.startFrame());
        out.put("frames", f.frames());
        out.put("sampleRate", result.getSampleRate());
        out.put("integratedLufs", f.integratedLufs());
        out.put("truePeakDbtp", f.truePeakDbtp());
        out.put("renderMillis", Math.round(f.millis() * 10) / 10.0);
        ArrayNode sheet = out.putArray("stems");
        for (int i = 0; i < m.spec.stems.size(); i++) {
            ObjectNode so = sheet.addObject();
            so.put("index", i);
            so.put("name", m.spec.stems.get(i).getName());
            so.put("muted", spec.muted[i]);
            ArrayNode segs = so.putArray("automation");
            for (float[][] seg : schedule) {
                ObjectNode p = segs.addObject();
                for (MixParameter param : MixParameter.values()) {
                    p.put(param.name(), seg[i][param.ordinal()]);
                }
            }
        }
        out.putObject("links")
                .put("self", self)
                .put("audio", self + "/audio")
                .put("waveform", self + "/waveform")
                .put("mix", API + "/mixes/" + m.id);
        return out;
    }

    /** The render itself: the mix's stems through the job's renderer into the store (and the stream, when given). */
    private static MixRender.Figures renderInto(
            MixState m,
            RenderSpec spec,
            MixResult result,
            List<StemAudio> stems,
            long frames,
            int first,
            int segment,
            float[][][] schedule,
            String id,
            RenderStream stream)
            throws IOException {
        return MixRender.render(
                stems,
                m.spec.excerpt == null ? 0 : m.spec.excerpt.getStartFrame(),
                frames,
                first,
                schedule,
                spec.muted,
                StemRender.settings(
                        result,
                        spec.targetLufs != null ? spec.targetLufs : m.spec.targetLufs,
                        spec.ceilingDbfs != null ? spec.ceilingDbfs : m.spec.ceilingDbfs),
                m.audio.renderFile(id),
                stream == null ? block -> {} : stream);
    }

    /**
     * Whether an Accept-Encoding header takes gzip: named with a weight above 0, or, when not named, {@code *} with
     * one (RFC 9110 12.5.3).
     */
    static boolean acceptsGzip(String header) {
        if (header == null) {
            return false;
        }
        Double gzip = null;
        Double any = null;
        for (String part : header.toLowerCase(Locale.ROOT).split(",")) {
            String[] p = part.trim().split(";");
            double q = 1;
            for (int i = 1; i < p.length; i++) {
                String w = p[i].trim();
                if (w.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(w.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (p[0].trim().equals("gzip")) {
                gzip = q;
            } else if (p[0].trim().equals("*")) {
                any = q;
            }
        }
        Double weight = gzip != null ? gzip : any;
        return weight != null && weight > 0;
    }

    /** The render's answer is its audio when the request accepts {@code audio/wav} (and not JSON first). */
    private static boolean wantsAudio(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.trim().toLowerCase(Locale.ROOT).startsWith("audio/wav");
    }

    /** {@code GET /mixes/{id}/renders/{render}}: a kept render's description, as its POST answered it. */
    private void getRender(Context ctx) {
        MixState m = mix(ctx);
        String id = ctx.pathParam("render");
        JsonNode description = m.audio.renderDescription(id);
        if (description == null) {
            render(m, id); // gone (or never made): its problem
        }
        ok(ctx, description);
    }

    /** {@code PUT /presets/{name}}: the key's preset saved (201 when new, 200 when it replaced one of its name). */
    private void savePreset(Context ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.body().isEmpty() ? "{}" : ctx.body());
        } catch (JsonProcessingException e) {
            throw new ApiException(ApiError.INVALID_JSON, e.getOriginalMessage());
        }
        UserPreset p = UserPreset.parse(ctx.pathParam("name"), body);
        boolean fresh = presets.put(key(ctx).id(), p);
        ctx.status(fresh ? 201 : 200);
        ctx.header("Location", API + "/presets/" + p.name());
        ok(ctx, p.toJson());
    }

    /** The key's saved preset the path names; a built-in one's name or an unknown one is refused. */
    private UserPreset savedPreset(Context ctx) {
        String name = ctx.pathParam("name");
        if (Preset.BUILT_IN.containsKey(name)) {
            throw new ApiException(
                    ApiError.INVALID_PRESET, "'" + name + "' is built in: it cannot be read, changed or deleted here");
        }
        UserPreset p = presets.get(key(ctx).id(), name);
        if (p == null) {
            throw new ApiException(
                    ApiError.PRESET_NOT_FOUND, "this key has no preset '" + name + "' (GET /api/v1/presets)");
        }
        return p;
    }

    /** What a mix id looks like (only such an unknown id is waited for: it may be another replica's new mix). */
    static final Pattern MIX_ID = Pattern.compile("mix_[0-9a-f]{32}");

    /** Longest a request for an unknown mix id waits for this replica's listener to read the newest mixes. */
    static final Duration MIX_LOOKUP_WAIT = Duration.ofSeconds(2);

    /** How long a new mix's record may take to reach Kafka before its creation fails. */
    static final Duration MIX_RECORD_TIMEOUT = Duration.ofSeconds(10);

    /** The render's id, when its audio is the answer (its description follows at the {@code Location}). */
    static final String RENDER_ID_HEADER = "Aimix-Render-Id";

    /** The render's first frame in the mix, when its audio is the answer. */
    static final String RENDER_START_HEADER = "Aimix-Render-Start-Frame";

    private static String randomHex() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private void renderAudio(Context ctx) throws IOException {
        MixState m = mix(ctx);
        String id = ctx.pathParam("render");
        serve(ctx, render(m, id), format(ctx), m.id + "-" + id);
    }

    private void renderWaveform(Context ctx) throws IOException {
        MixState m = mix(ctx);
        String id = ctx.pathParam("render");
        ObjectNode body = waveformJson(m, render(m, id), points(ctx), ctx);
        body.put("mix", m.id);
        body.put("render", id);
        ok(ctx, body);
    }

    private static VariantAudio render(MixState m, String id) {
        VariantAudio a = m.audio.render(id);
        if (a == null) {
            throw new ApiException(
                    ApiError.RENDER_NOT_FOUND,
                    "render '" + id + "' of mix " + m.id + ": renders are kept while the mix is, the last "
                            + MixAudio.MAX_RENDERS + " of each");
        }
        return a;
    }

    /** {@code ?points=}: 1..{@link Waveform#MAX_POINTS}, {@link #DEFAULT_WAVEFORM_POINTS} when absent. */
    private static int points(Context ctx) {
        String raw = ctx.queryParam("points");
        int points;
        try {
            points = raw == null ? DEFAULT_WAVEFORM_POINTS : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            points = -1;
        }
        if (points < 1 || points > Waveform.MAX_POINTS) {
            throw new ApiException(ApiError.INVALID_PARAMETER, "points: '" + raw + "'; 1.." + Waveform.MAX_POINTS);
        }
        return points;
    }

    private ObjectNode waveformJson(MixState m, VariantAudio a, int points, Context ctx) throws IOException {
        float[] peaks = a.waveform(points);
        ObjectNode body = json.createObjectNode();
        body.put("variant", variant(ctx).name());
        body.put("frames", a.frames());
        body.put("sampleRate", a.sampleRate());
        body.put("points", points);
        ArrayNode mins = body.putArray("min");
        ArrayNode maxs = body.putArray("max");
        for (int i = 0; i < points; i++) {
            mins.add(peaks[2 * i]);
            maxs.add(peaks[2 * i + 1]);
        }
        return body;
    }

    /** The variant named by {@code ?variant=} (MAIN by default), once all of its audio is in. */
    private static VariantAudio completeAudio(MixState m, Context ctx) {
        Variant v = variant(ctx);
        VariantAudio a = m.audio.variant(v);
        if (a == null || !a.complete()) {
            throw new ApiException(
                    ApiError.AUDIO_NOT_READY,
                    "variant " + v + " of mix " + m.id + ": "
                            + (a == null ? "no audio yet" : a.frames() + " frames so far") + " (status " + m.status()
                            + "); the events stream has it as it forms");
        }
        if (a.problem() != null) {
            throw new ApiException(ApiError.INTERNAL, "variant " + v + " of mix " + m.id + ": " + a.problem());
        }
        return a;
    }

    private static Variant variant(Context ctx) {
        String raw = ctx.queryParam("variant");
        if (raw == null) {
            return Variant.MAIN;
        }
        try {
            return Variant.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiError.INVALID_PARAMETER, "variant: '" + raw + "'; MAIN, A or B");
        }
    }

    private void unsubscribe(String session) {
        Subscription s = subscribers.remove(session);
        if (s != null) {
            s.mix.unsubscribe(s.subscriber);
        }
    }

    private record Subscription(MixState mix, WsSubscriber subscriber) {}

    /**
     * How often each events socket is pinged: a mix's socket can be quiet for longer than the server's idle timeout
     * (long uploads before the first progress), and proxies close quiet connections; a ping keeps it open.
     */
    static final Duration EVENTS_PING = Duration.ofSeconds(15);

    private void pingSubscribers() {
        for (Subscription s : subscribers.values()) {
            s.mix.ping(s.subscriber);
        }
    }

    /** Most bytes of events waiting to be written to one subscriber before it is dropped as too slow. */
    static final long MAX_PENDING_BYTES = 16L << 20;

    /**
     * A mix's events to a WebSocket: JSON as text messages, audio as binary ones; closed normally when the mix ends.
     * Sends do not block the listener; what waits for a slow subscriber is bounded: past {@link #MAX_PENDING_BYTES}
     * it is closed (1013, try again later) rather than letting its backlog fill the gateway's memory, and may
     * reconnect for the state so far.
     */
    private static final class WsSubscriber implements Subscriber {
        private final WsContext ws;
        private final AtomicLong pending = new AtomicLong();
        private volatile boolean dropped;
        private volatile Runnable written;

        WsSubscriber(WsContext ws) {
            this.ws = ws;
        }

        @Override
        public void text(String json) {
            long size = json.length();
            if (admit(size)) {
                ws.session.sendText(json, whenWritten(size));
            }
        }

        @Override
        public void binary(ByteBuffer data) {
            long size = data.remaining();
            if (admit(size)) {
                ws.session.sendBinary(data, whenWritten(size));
            }
        }

        private Callback whenWritten(long size) {
            return Callback.from(() -> written(size), e -> written(size));
        }

        private void written(long size) {
            pending.addAndGet(-size);
            Runnable r = written;
            if (r != null && !dropped) {
                r.run();
            }
        }

        @Override
        public void ping() {
            if (!dropped && ws.session.isOpen()) {
                ws.session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
            }
        }

        @Override
        public long backlog() {
            return pending.get();
        }

        @Override
        public void onWritten(Runnable written) {
            this.written = written;
        }

        private boolean admit(long size) {
            if (dropped) {
                return false;
            }
            if (pending.addAndGet(size) > MAX_PENDING_BYTES) {
                dropped = true;
                LOG.info(
                        "Dropping a slow event subscriber of {}: more than {} bytes waiting",
                        ws.pathParam("id"),
                        MAX_PENDING_BYTES);
                ws.closeSession(
                        WsCloseStatus.TRY_AGAIN_LATER,
                        "too slow: more than " + MAX_PENDING_BYTES
                                + " bytes of events waiting; reconnect for the state so far");
                return false;
            }
            return true;
        }

        @Override
        public void end() {
            if (!dropped) {
                ws.closeSession(WsCloseStatus.NORMAL_CLOSURE, "the mix has ended");
            }
        }
    }

    private void ok(Context ctx, JsonNode body) {
        ctx.contentType("application/json");
        ctx.result(body.toString());
    }

    /**
     * Most bytes of a refused request's unread body read and dropped before answering: a client still sending its
     * body would otherwise see the connection reset before it can read the answer. Larger bodies are not read (the
     * connection closes after the answer; a client that wants the answer first sends Expect: 100-continue).
     */
    static final long DRAIN_LIMIT = 64L << 20;

    private static void drainUnread(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > DRAIN_LIMIT) {
            return;
        }
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buf = new byte[READ_BYTES];
            long drained = 0;
            int n;
            while (drained < DRAIN_LIMIT && (n = in.read(buf)) > 0) {
                drained += n;
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Not draining the body of a refused request: {}", e.toString());
        }
    }

    private void problem(Context ctx, ApiError error, String detail) {
        drainUnread(ctx);
        ctx.status(error.status);
        if (error == ApiError.UNAUTHORIZED) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aimix\"");
        }
        ctx.contentType(Problem.CONTENT_TYPE);
        ctx.result(Problem.of(json, error, detail, ctx.path()).toString());
    }

    @Override
    public void close() {
        app.stop();
        housekeeping.shutdownNow();
        if (arena != null) {
            arenaScheduler.shutdownNow();
            try {
                arenaScheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            evolution.close();
            arena.close();
        }
        listener.close();
        keys.close();
        webhooks.close();
        registry.close();
        standings.close();
        producer.close();
        store.close();
    }
}
