package ai.aimix.gateway.mix;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.codec.ParameterRanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A built-in preset: a loudness target, and moves applied on top of the model's parameters (after the intensity,
 * before locked values, each clamped to the contract's range): gain offsets for some roles, a stereo width factor on
 * every pan, a shelf tilt on every stem, compression offsets for some roles. A preset with only a loudness target
 * can be given when a mix is created (the contract carries the target); the others shape a completed mix's renders.
 */
public record Preset(
        String name,
        String description,
        Float targetLufs,
        Set<StemRole> roles,
        float roleGainDb,
        float otherGainDb,
        float width,
        float lowShelfDb,
        float highShelfDb,
        float roleThresholdDb,
        float roleRatioAdd) {

    /** The built-in presets, by name. */
    public static final Map<String, Preset> BUILT_IN = Map.of(
            "balanced",
            new Preset("balanced", "The model's mix as it decided it", null, Set.of(), 0, 0, 1, 0, 0, 0, 0),
            "vocal-forward",
            new Preset(
                    "vocal-forward",
                    "Vocals 3 dB up, everything else 1 dB down",
                    null,
                    Set.of(StemRole.VOCALS, StemRole.BACKING_VOCALS, StemRole.LEAD),
                    3,
                    -1,
                    1,
                    0,
                    0,
                    0,
                    0),
            "punchy-drums",
            new Preset(
                    "punchy-drums",
                    "Drums and percussion 2 dB up and compressed harder (threshold 4 dB lower, ratio 2 higher)",
                    null,
                    Set.of(StemRole.DRUMS, StemRole.PERCUSSION),
                    2,
                    0,
                    1,
                    0,
                    0,
                    -4,
                    2),
            "wide",
            new Preset(
                    "wide",
                    "Every pan position 1.6 times further from the centre",
                    null,
                    Set.of(),
                    0,
                    0,
                    1.6f,
                    0,
                    0,
                    0,
                    0),
            "warm",
            new Preset(
                    "warm",
                    "Every stem's low shelf 2 dB up and high shelf 2 dB down",
                    null,
                    Set.of(),
                    0,
                    0,
                    1,
                    2,
                    -2,
                    0,
                    0),
            "streaming",
            loudness("streaming", "Loudness -14 LUFS (streaming services)", -14),
            "loud",
            loudness("loud", "Loudness -9 LUFS (loud masters)", -9),
            "broadcast",
            loudness("broadcast", "Loudness -23 LUFS (EBU R 128 broadcast)", -23),
            "podcast",
            loudness("podcast", "Loudness -16 LUFS (podcasts)", -16));

    private static Preset loudness(String name, String description, float lufs) {
        return new Preset(name, description, lufs, Set.of(), 0, 0, 1, 0, 0, 0, 0);
    }

    /** Whether the preset only sets a loudness target (so it can be given when a mix is created). */
    public boolean loudnessOnly() {
        return roleGainDb == 0
                && otherGainDb == 0
                && width == 1
                && lowShelfDb == 0
                && highShelfDb == 0
                && roleThresholdDb == 0
                && roleRatioAdd == 0;
    }

    /** Applies the preset's moves to a stem's parameter vector, in place, each clamped to its range. */
    public void apply(StemRole role, float[] p) {
        boolean mine = roles.contains(role);
        add(p, MixParameter.GAIN_DB, mine ? roleGainDb : otherGainDb);
        p[MixParams.PAN] = ParameterRanges.clamp(MixParameter.PAN, p[MixParams.PAN] * width);
        add(p, MixParameter.LOW_SHELF_DB, lowShelfDb);
        add(p, MixParameter.HIGH_SHELF_DB, highShelfDb);
        if (mine) {
            add(p, MixParameter.COMP_THRESHOLD_DB, roleThresholdDb);
            add(p, MixParameter.COMP_RATIO, roleRatioAdd);
        }
    }

    private static void add(float[] p, MixParameter which, float delta) {
        p[which.ordinal()] = ParameterRanges.clamp(which, p[which.ordinal()] + delta);
    }

    /** The preset as {@code GET /presets} lists it. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        o.put("description", description);
        if (targetLufs != null) {
            o.put("targetLufs", targetLufs);
        }
        o.put("builtIn", true);
        o.put("atCreation", loudnessOnly());
        return o;
    }

    /** The preset a request body names in {@code preset}, or null when it names none; refused when unknown. */
    static Preset in(JsonNode body, BodyFields check) {
        String name = check.text(body, "preset", "/preset", false);
        if (name == null) {
            return null;
        }
        Preset p = BUILT_IN.get(name);
        if (p == null) {
            throw check.invalid(
                    "/preset",
                    "'" + name + "' is not a preset ("
                            + String.join(
                                    ", ", BUILT_IN.keySet().stream().sorted().toList())
                            + "; GET /api/v1/presets)");
        }
        return p;
    }

    /** The built-in presets in a stable order (by name). */
    public static List<Preset> all() {
        return BUILT_IN.values().stream()
                .sorted((a, b) -> a.name.compareTo(b.name))
                .toList();
    }
}
