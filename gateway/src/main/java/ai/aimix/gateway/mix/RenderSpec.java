package ai.aimix.gateway.mix;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.audio.StemRender;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.StemParameters;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.ParameterRanges;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The body of {@code POST /api/v1/mixes/{id}/renders}: how to render a completed mix again from its stems — how much
 * of the model's decisions to apply (intensity, overall and per stem: 0 the neutral sum, 1 the model), parameters
 * locked to a value, stems muted, another loudness target, an excerpt. Each refusal names the field.
 */
public final class RenderSpec {
    private static final Set<String> FIELDS =
            Set.of("variant", "intensity", "preset", "stems", "targetLufs", "ceilingDbfs", "excerpt", "roleGainsDb");
    /** Largest role gain offset accepted, dB either way. */
    static final double MAX_ROLE_GAIN_DB = 12;

    private static final Set<String> STEM_FIELDS = Set.of("index", "intensity", "mute", "overrides");
    private static final Set<String> EXCERPT_FIELDS = Set.of("startSeconds", "seconds");

    public final Variant variant;
    public final float intensity;
    /** The preset the request named (built-in or saved), or null. */
    public final String presetName;
    /** The built-in preset whose moves apply (the named one, or a saved one's base), or null. */
    public final Preset preset;

    private final List<StemRole> roles;
    private final float[] stemIntensity;
    public final boolean[] muted;
    /** [stem][parameter]: the locked value, or NaN. */
    private final float[][] locked;

    public final Float targetLufs;
    public final Float ceilingDbfs;
    /** The excerpt in seconds, or null for the whole mix. */
    public final double[] excerpt;
    /** Gain offsets by role (dB, by {@link StemRole} ordinal; 0: none): a listener's taste, "mixed for you". */
    private final float[] roleGainsDb;

    private RenderSpec(
            Variant variant,
            float intensity,
            String presetName,
            Preset preset,
            List<StemRole> roles,
            float[] stemIntensity,
            boolean[] muted,
            float[][] locked,
            Float targetLufs,
            Float ceilingDbfs,
            double[] excerpt,
            float[] roleGainsDb) {
        this.roleGainsDb = roleGainsDb;
        this.variant = variant;
        this.intensity = intensity;
        this.presetName = presetName;
        this.preset = preset;
        this.roles = roles;
        this.stemIntensity = stemIntensity;
        this.muted = muted;
        this.locked = locked;
        this.targetLufs = targetLufs;
        this.ceilingDbfs = ceilingDbfs;
        this.excerpt = excerpt;
    }

    /**
     * @param roles the mix's stems' roles, in index order (presets move some roles only)
     * @param saved the key's saved preset of a name, or null: {@code preset} names a built-in or one of these
     */
    public static RenderSpec parse(JsonNode body, List<StemRole> roles, Function<String, UserPreset> saved) {
        int stems = roles.size();
        if (body == null || !body.isObject()) {
            throw invalid("", "must be a JSON object");
        }
        CHECK.known(body, FIELDS, "");
        Variant variant = CHECK.enumValue(Variant.class, body, "variant", "/variant", Variant.MAIN);
        String presetName = CHECK.text(body, "preset", "/preset", false);
        Preset preset = null;
        UserPreset user = null;
        if (presetName != null) {
            preset = Preset.BUILT_IN.get(presetName);
            user = preset == null ? saved.apply(presetName) : null;
            if (preset == null && user == null) {
                throw invalid(
                        "/preset",
                        "'" + presetName + "' is not a preset ("
                                + String.join(
                                        ", ",
                                        Preset.BUILT_IN.keySet().stream()
                                                .sorted()
                                                .toList())
                                + ", or one this key saved; GET /api/v1/presets)");
            }
            if (user != null) {
                preset = user.base();
            }
        }
        float intensity = (float) CHECK.number(
                body, "intensity", "/intensity", 0, 1, user != null && user.intensity() != null ? user.intensity() : 1);
        float[] stemIntensity = new float[stems];
        Arrays.fill(stemIntensity, 1f);
        boolean[] muted = new boolean[stems];
        float[][] locked = new float[stems][MixParams.COUNT];
        for (int i = 0; i < stems; i++) {
            Arrays.fill(locked[i], Float.NaN);
            StemShaping byRole = user == null ? null : user.roles().get(roles.get(i));
            if (byRole != null) {
                apply(byRole, i, stemIntensity, muted, locked);
            }
        }
        JsonNode list = body.get("stems");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw invalid("/stems", "must be an array of {index, intensity, mute, overrides}");
            }
            for (int k = 0; k < list.size(); k++) {
                JsonNode s = list.get(k);
                String at = "/stems/" + k;
                if (!s.isObject()) {
                    throw invalid(at, "must be an object {index, intensity, mute, overrides}");
                }
                CHECK.known(s, STEM_FIELDS, at);
                JsonNode idx = s.get("index");
                if (idx == null || !idx.isIntegralNumber() || idx.asInt() < 0 || idx.asInt() >= stems) {
                    throw invalid(at + "/index", "must be a stem index, 0.." + (stems - 1));
                }
                StemShaping shaping = StemShaping.parse(s, at, CHECK);
                int i = idx.asInt();
                // what the body says of a stem wins over the saved preset's role (its intensity when it gives one)
                if (!s.hasNonNull("intensity")) {
                    shaping = new StemShaping(stemIntensity[i], shaping.mute(), shaping.locked());
                }
                apply(shaping, i, stemIntensity, muted, locked);
            }
        }
        Float target = CHECK.optionalFloat(body, "targetLufs", MixSpec.MIN_TARGET_LUFS, MixSpec.MAX_TARGET_LUFS);
        if (target == null && user != null) {
            target = user.targetLufs();
        }
        if (target == null && preset != null) {
            target = preset.targetLufs();
        }
        Float ceiling = CHECK.optionalFloat(body, "ceilingDbfs", MixSpec.MIN_CEILING_DBFS, MixSpec.MAX_CEILING_DBFS);
        if (ceiling == null && user != null) {
            ceiling = user.ceilingDbfs();
        }
        double[] excerpt = null;
        JsonNode x = body.get("excerpt");
        if (x != null && !x.isNull()) {
            if (!x.isObject()) {
                throw invalid("/excerpt", "must be an object {startSeconds, seconds}");
            }
            CHECK.known(x, EXCERPT_FIELDS, "/excerpt");
            excerpt = new double[] {
                CHECK.number(x, "startSeconds", "/excerpt/startSeconds", 0, Double.MAX_VALUE, Double.NaN),
                CHECK.number(x, "seconds", "/excerpt/seconds", 0.01, Double.MAX_VALUE, Double.NaN)
            };
        }
        float[] roleGains = new float[StemRole.values().length];
        JsonNode g = body.get("roleGainsDb");
        if (g != null && !g.isNull()) {
            if (!g.isObject()) {
                throw invalid("/roleGainsDb", "must be an object of role: dB, e.g. {\"VOCALS\": 1.5}");
            }
            for (var it = g.fields(); it.hasNext(); ) {
                var e = it.next();
                StemRole role;
                try {
                    role = StemRole.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw invalid("/roleGainsDb/" + e.getKey(), "is not a stem role");
                }
                roleGains[role.ordinal()] = (float) CHECK.number(
                        g, e.getKey(), "/roleGainsDb/" + e.getKey(), -MAX_ROLE_GAIN_DB, MAX_ROLE_GAIN_DB, 0);
            }
        }
        return new RenderSpec(
                variant,
                intensity,
                presetName,
                preset,
                List.copyOf(roles),
                stemIntensity,
                muted,
                locked,
                target,
                ceiling,
                excerpt,
                roleGains);
    }

    private static void apply(StemShaping s, int stem, float[] stemIntensity, boolean[] muted, float[][] locked) {
        stemIntensity[stem] = s.intensity();
        if (s.mute() != null) {
            muted[stem] = s.mute();
        }
        for (int j = 0; j < MixParams.COUNT; j++) {
            if (!Float.isNaN(s.locked()[j])) {
                locked[stem][j] = s.locked()[j];
            }
        }
    }

    /**
     * The parameters of stem {@code stem} in a segment: the model's {@code p} moved toward neutral by the intensity,
     * then the preset's moves, then its role's gain offset, then the locked values.
     */
    public float[] parameters(int stem, StemParameters model) {
        float[] m = StemRender.vector(model);
        float[] neutral = MixParams.neutral();
        float f = intensity * stemIntensity[stem];
        float[] out = new float[MixParams.COUNT];
        for (int j = 0; j < out.length; j++) {
            out[j] = neutral[j] + f * (m[j] - neutral[j]);
        }
        if (preset != null) {
            preset.apply(roles.get(stem), out);
        }
        float offset = roleGainsDb[roles.get(stem).ordinal()];
        if (offset != 0) {
            int gain = MixParameter.GAIN_DB.ordinal();
            out[gain] = ParameterRanges.clamp(MixParameter.GAIN_DB, out[gain] + offset);
        }
        for (int j = 0; j < out.length; j++) {
            if (!Float.isNaN(locked[stem][j])) {
                out[j] = locked[stem][j];
            }
        }
        return out;
    }

    /** [segment - first][stem] parameter vectors for segments first..first+count-1 of the variant's result. */
    public float[][][] schedule(VariantResult v, int first, int count) {
        float[][][] s = new float[count][v.getStems().size()][];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < v.getStems().size(); i++) {
                List<StemParameters> automation = v.getStems().get(i).getAutomation();
                s[k][i] = parameters(i, automation.get(first + k));
            }
        }
        return s;
    }

    private static final BodyFields CHECK = new BodyFields(ApiError.INVALID_RENDER_REQUEST);

    private static ApiException invalid(String pointer, String what) {
        return CHECK.invalid(pointer, what);
    }
}
