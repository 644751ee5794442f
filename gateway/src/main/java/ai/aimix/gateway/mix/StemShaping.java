package ai.aimix.gateway.mix;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.codec.ParameterRanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How one stem is shaped: its own intensity (multiplying the overall one), muted or not, and parameters locked to a
 * value (within the contract's ranges; a value outside is refused, not clamped). A render request gives one per stem
 * index, a saved preset one per role.
 *
 * @param locked per parameter, the locked value or NaN
 * @param mute null when not said
 */
public record StemShaping(float intensity, Boolean mute, float[] locked) {
    static final Set<String> FIELDS = Set.of("intensity", "mute", "overrides");

    /** The fields of {@code o} at pointer {@code at}; other fields of {@code o} are the caller's to check. */
    static StemShaping parse(JsonNode o, String at, BodyFields check) {
        float intensity = (float) check.number(o, "intensity", at + "/intensity", 0, 1, 1);
        Boolean mute = null;
        if (o.hasNonNull("mute")) {
            if (!o.get("mute").isBoolean()) {
                throw check.invalid(at + "/mute", "must be true or false");
            }
            mute = o.get("mute").asBoolean();
        }
        float[] locked = new float[MixParams.COUNT];
        Arrays.fill(locked, Float.NaN);
        JsonNode overrides = o.get("overrides");
        if (overrides != null && !overrides.isNull()) {
            if (!overrides.isObject()) {
                throw check.invalid(at + "/overrides", "must be an object of parameter: value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                MixParameter p;
                try {
                    p = MixParameter.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw check.invalid(
                            at + "/overrides/" + e.getKey(),
                            "is not a parameter (" + Arrays.toString(MixParameter.values()) + ")");
                }
                locked[p.ordinal()] = (float) check.number(
                        overrides,
                        e.getKey(),
                        at + "/overrides/" + e.getKey(),
                        ParameterRanges.min(p),
                        ParameterRanges.max(p),
                        Double.NaN);
            }
        }
        return new StemShaping(intensity, mute, locked);
    }

    /** The shaping as JSON, the fields {@link #parse} reads. */
    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("intensity", intensity);
        if (mute != null) {
            o.put("mute", mute);
        }
        ObjectNode overrides = o.putObject("overrides");
        for (MixParameter p : MixParameter.values()) {
            if (!Float.isNaN(locked[p.ordinal()])) {
                overrides.put(p.name(), locked[p.ordinal()]);
            }
        }
        return o;
    }
}
