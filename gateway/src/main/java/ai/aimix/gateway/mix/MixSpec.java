package ai.aimix.gateway.mix;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.schema.Excerpt;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.ModelMode;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.ParameterOverride;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.codec.ContractLimits;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/mixes}, checked field by field: each refusal is an {@link ApiException} of
 * {@link ApiError#INVALID_MIX_REQUEST} whose detail names the field (as a JSON pointer) and what is wrong with it.
 */
public final class MixSpec {
    private static final Set<String> FIELDS = Set.of(
            "sampleRate",
            "stems",
            "model",
            "overrides",
            "targetLufs",
            "ceilingDbfs",
            "seconds",
            "client",
            "callbackUrl",
            "preview",
            "preset",
            "arena");
    /** Longest callback URL accepted. */
    static final int MAX_URL_LENGTH = 2048;

    private static final Set<String> STEM_FIELDS = Set.of("name", "role", "channels");
    private static final Set<String> MODEL_FIELDS = Set.of("mode", "version", "opponent", "league");
    private static final Set<String> OVERRIDE_FIELDS = Set.of("stem", "parameter", "value");
    private static final Set<String> PREVIEW_FIELDS = Set.of("startSeconds", "seconds");
    /** Shortest preview accepted, seconds: a segment's worth of audio is the least a listener can judge. */
    static final double MIN_PREVIEW_SECONDS = 1;
    /** Loudness targets accepted (LUFS). */
    static final double MIN_TARGET_LUFS = -40;

    static final double MAX_TARGET_LUFS = -5;
    /** Master ceilings accepted (dBFS). */
    static final double MIN_CEILING_DBFS = -12;

    static final double MAX_CEILING_DBFS = 0;

    public final int sampleRate;
    public final List<StemSpec> stems;
    public final ModelSelection model;
    public final List<ParameterOverride> overrides;
    public final Float targetLufs;
    public final Float ceilingDbfs;
    /** The song's length if the client said (for progress and ETA before the audio arrives), else null. */
    public final Double seconds;

    public final String client;
    /** Where to POST when the mix completes or fails, or null. */
    public final String callbackUrl;
    /** The part of the song to mix ({@code preview}), in frames, or null for all of it. */
    public final Excerpt excerpt;
    /** The owner offers the song to the arena: once mixed, an excerpt of its stems may be battled for listeners. */
    public final boolean arena;

    private MixSpec(
            int sampleRate,
            List<StemSpec> stems,
            ModelSelection model,
            List<ParameterOverride> overrides,
            Float targetLufs,
            Float ceilingDbfs,
            Double seconds,
            String client,
            String callbackUrl,
            Excerpt excerpt,
            boolean arena) {
        this.arena = arena;
        this.sampleRate = sampleRate;
        this.stems = stems;
        this.model = model;
        this.overrides = overrides;
        this.targetLufs = targetLufs;
        this.ceilingDbfs = ceilingDbfs;
        this.seconds = seconds;
        this.client = client;
        this.callbackUrl = callbackUrl;
        this.excerpt = excerpt;
    }

    /**
     * @param maxStems       most stems a mix may have
     * @param maxSeconds     longest song accepted
     */
    public static MixSpec parse(JsonNode body, int maxStems, int maxSeconds) {
        if (body == null || !body.isObject()) {
            throw invalid("", "must be a JSON object");
        }
        CHECK.known(body, FIELDS, "");
        int rate = CHECK.integer(
                body, "sampleRate", "/sampleRate", ContractLimits.MIN_SAMPLE_RATE, ContractLimits.MAX_SAMPLE_RATE);
        JsonNode stemsNode = body.get("stems");
        if (stemsNode == null || !stemsNode.isArray() || stemsNode.isEmpty()) {
            throw invalid("/stems", "must be a non-empty array of {name, role, channels}");
        }
        if (stemsNode.size() > maxStems) {
            throw invalid("/stems", "has " + stemsNode.size() + " stems; at most " + maxStems);
        }
        List<StemSpec> stems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < stemsNode.size(); i++) {
            JsonNode s = stemsNode.get(i);
            String at = "/stems/" + i;
            if (!s.isObject()) {
                throw invalid(at, "must be an object {name, role, channels}");
            }
            CHECK.known(s, STEM_FIELDS, at);
            String name = CHECK.text(s, "name", at + "/name", true);
            String problem = ContractLimits.checkId("the name", name);
            if (problem != null) {
                throw invalid(at + "/name", problem);
            }
            if (!names.add(name)) {
                throw invalid(at + "/name", "'" + name + "' names two stems");
            }
            StemRole role = CHECK.enumValue(StemRole.class, s, "role", at + "/role", StemRole.OTHER);
            int channels = CHECK.integer(s, "channels", at + "/channels", 1, 2);
            stems.add(new StemSpec(i, name, role, channels));
        }
        ModelSelection model = model(body.get("model"));
        List<ParameterOverride> overrides = overrides(body.get("overrides"), stems.size());
        Float target = CHECK.optionalFloat(body, "targetLufs", MIN_TARGET_LUFS, MAX_TARGET_LUFS);
        Preset preset = Preset.in(body, CHECK);
        if (preset != null) {
            if (!preset.loudnessOnly()) {
                throw invalid(
                        "/preset",
                        "'" + preset.name() + "' shapes a completed mix: give it to POST /api/v1/mixes/{id}/renders;"
                                + " when a mix is created, only loudness presets apply");
            }
            if (target == null) {
                target = preset.targetLufs();
            }
        }
        Float ceiling = CHECK.optionalFloat(body, "ceilingDbfs", MIN_CEILING_DBFS, MAX_CEILING_DBFS);
        Float seconds = CHECK.optionalFloat(body, "seconds", 0.01, maxSeconds);
        String client = body.has("client") ? CHECK.text(body, "client", "/client", false) : null;
        if (client != null && client.length() > ContractLimits.MAX_ID_LENGTH) {
            throw invalid("/client", "has " + client.length() + " characters; at most " + ContractLimits.MAX_ID_LENGTH);
        }
        String callback = body.has("callbackUrl") ? CHECK.text(body, "callbackUrl", "/callbackUrl", false) : null;
        if (callback != null && callback.length() > MAX_URL_LENGTH) {
            throw invalid("/callbackUrl", "has " + callback.length() + " characters; at most " + MAX_URL_LENGTH);
        }
        Excerpt excerpt = preview(body.get("preview"), rate, maxSeconds, seconds);
        JsonNode arena = body.get("arena");
        if (arena != null && !arena.isNull() && !arena.isBoolean()) {
            throw invalid("/arena", "must be true or false");
        }
        return new MixSpec(
                rate,
                stems,
                model,
                overrides,
                target,
                ceiling,
                seconds == null ? null : seconds.doubleValue(),
                client,
                callback,
                excerpt,
                arena != null && arena.asBoolean());
    }

    /** {@code preview: {startSeconds, seconds}} as frames; it must start within the song when its length is given. */
    private static Excerpt preview(JsonNode p, int rate, int maxSeconds, Float songSeconds) {
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.isObject()) {
            throw invalid("/preview", "must be an object {startSeconds, seconds}");
        }
        CHECK.known(p, PREVIEW_FIELDS, "/preview");
        double start = CHECK.number(p, "startSeconds", "/preview/startSeconds", 0, maxSeconds, Double.NaN);
        double length = CHECK.number(p, "seconds", "/preview/seconds", MIN_PREVIEW_SECONDS, maxSeconds, Double.NaN);
        if (songSeconds != null && start >= songSeconds) {
            throw invalid("/preview/startSeconds", start + " is not within the song's " + songSeconds + " s");
        }
        return new Excerpt(Math.round(start * rate), Math.round(length * rate));
    }

    /** This spec with {@code url} as its callback (the API key's default when the body names none). */
    public MixSpec withCallbackUrl(String url) {
        return new MixSpec(
                sampleRate, stems, model, overrides, targetLufs, ceilingDbfs, seconds, client, url, excerpt, arena);
    }

    /** The contract's request for this mix. */
    public MixRequest toRequest(String mixId, String uploadToken, long requestedAtMillis, Long expectedFrames) {
        return MixRequest.newBuilder()
                .setMixId(mixId)
                .setRequestedAtMillis(requestedAtMillis)
                .setSampleRate(sampleRate)
                .setStems(stems)
                .setModel(model)
                .setOverrides(overrides)
                .setTargetLufs(targetLufs)
                .setCeilingDbfs(ceilingDbfs)
                .setExpectedFrames(expectedFrames)
                .setClient(client == null ? "aimix-gateway" : client)
                .setUploadToken(uploadToken)
                .setExcerpt(excerpt)
                .build();
    }

    private static ModelSelection model(JsonNode m) {
        if (m == null || m.isNull()) {
            return new ModelSelection(ModelMode.CHAMPION, null, null, null);
        }
        if (!m.isObject()) {
            throw invalid("/model", "must be an object {mode, version, opponent, league}");
        }
        CHECK.known(m, MODEL_FIELDS, "/model");
        ModelMode mode = CHECK.enumValue(ModelMode.class, m, "mode", "/model/mode", ModelMode.CHAMPION);
        String version = m.has("version") ? CHECK.text(m, "version", "/model/version", false) : null;
        String opponent = m.has("opponent") ? CHECK.text(m, "opponent", "/model/opponent", false) : null;
        String league = m.has("league") ? CHECK.text(m, "league", "/model/league", false) : null;
        for (String[] id :
                new String[][] {{"/model/version", version}, {"/model/opponent", opponent}, {"/model/league", league}
                }) {
            String problem = id[1] == null ? null : ContractLimits.checkId("the id", id[1]);
            if (problem != null) {
                throw invalid(id[0], problem);
            }
        }
        switch (mode) {
            case VERSION:
                if (version == null) {
                    throw invalid("/model/version", "is required when mode is VERSION");
                }
                break;
            case BATTLE:
                if (opponent == null) {
                    throw invalid("/model/opponent", "is required when mode is BATTLE");
                }
                break;
            default:
                if (version != null || opponent != null) {
                    throw invalid(
                            "/model",
                            "CHAMPION takes a league only (version and opponent belong to VERSION and BATTLE)");
                }
        }
        return new ModelSelection(mode, version, opponent, league);
    }

    private static List<ParameterOverride> overrides(JsonNode o, int stems) {
        List<ParameterOverride> out = new ArrayList<>();
        if (o == null || o.isNull()) {
            return out;
        }
        if (!o.isArray()) {
            throw invalid("/overrides", "must be an array of {stem, parameter, value}");
        }
        for (int i = 0; i < o.size(); i++) {
            JsonNode x = o.get(i);
            String at = "/overrides/" + i;
            if (!x.isObject()) {
                throw invalid(at, "must be an object {stem, parameter, value}");
            }
            CHECK.known(x, OVERRIDE_FIELDS, at);
            int stem = CHECK.integer(x, "stem", at + "/stem", 0, stems - 1);
            MixParameter p = CHECK.enumValue(MixParameter.class, x, "parameter", at + "/parameter", null);
            JsonNode v = x.get("value");
            if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw invalid(at + "/value", "must be a number");
            }
            out.add(new ParameterOverride(stem, p, (float) v.asDouble()));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ fields

    private static final BodyFields CHECK = new BodyFields(ApiError.INVALID_MIX_REQUEST);

    static ApiException invalid(String pointer, String what) {
        return CHECK.invalid(pointer, what);
    }
}
