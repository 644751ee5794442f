package ai.aimix.gateway.mix;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.schema.StemRole;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A preset a user saved (per API key): a built-in preset to start from, an overall intensity, a loudness target and
 * ceiling, and per stem role an intensity, a mute and locked parameters — what the studio's controls set, kept so
 * that it applies to any mix. A render that names it gets these as its defaults; what the render's body says wins.
 */
public record UserPreset(
        String name,
        String description,
        Preset base,
        Float intensity,
        Float targetLufs,
        Float ceilingDbfs,
        Map<StemRole, StemShaping> roles) {
    static final Set<String> FIELDS = Set.of("description", "base", "intensity", "targetLufs", "ceilingDbfs", "roles");
    /** Names: letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit. */
    static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,63}");

    private static final BodyFields CHECK = new BodyFields(ApiError.INVALID_PRESET);
    private static final int MAX_DESCRIPTION = 500;

    /** The preset {@code name} as the body of {@code PUT /presets/{name}} defines it; each refusal names the field. */
    public static UserPreset parse(String name, JsonNode body) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw CHECK.invalid(
                    "",
                    "the name '" + name + "' must be 1..64 letters, digits, spaces, dots, dashes or underscores,"
                            + " starting with a letter or digit");
        }
        if (Preset.BUILT_IN.containsKey(name.toLowerCase(Locale.ROOT))) {
            throw CHECK.invalid("", "'" + name + "' is a built-in preset's name");
        }
        if (body == null || !body.isObject()) {
            throw CHECK.invalid("", "must be a JSON object");
        }
        CHECK.known(body, FIELDS, "");
        String description = CHECK.text(body, "description", "/description", false);
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw CHECK.invalid("/description", "longer than " + MAX_DESCRIPTION + " characters");
        }
        Preset base = null;
        String baseName = CHECK.text(body, "base", "/base", false);
        if (baseName != null) {
            base = Preset.BUILT_IN.get(baseName);
            if (base == null) {
                throw CHECK.invalid(
                        "/base",
                        "'" + baseName + "' is not a built-in preset ("
                                + String.join(
                                        ", ",
                                        Preset.BUILT_IN.keySet().stream()
                                                .sorted()
                                                .toList())
                                + ")");
            }
        }
        Float intensity = body.hasNonNull("intensity")
                ? Float.valueOf((float) CHECK.number(body, "intensity", "/intensity", 0, 1, 1))
                : null;
        Float target = CHECK.optionalFloat(body, "targetLufs", MixSpec.MIN_TARGET_LUFS, MixSpec.MAX_TARGET_LUFS);
        Float ceiling = CHECK.optionalFloat(body, "ceilingDbfs", MixSpec.MIN_CEILING_DBFS, MixSpec.MAX_CEILING_DBFS);
        Map<StemRole, StemShaping> roles = new EnumMap<>(StemRole.class);
        JsonNode r = body.get("roles");
        if (r != null && !r.isNull()) {
            if (!r.isObject()) {
                throw CHECK.invalid("/roles", "must be an object of role: {intensity, mute, overrides}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = "/roles/" + e.getKey();
                StemRole role;
                try {
                    role = StemRole.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw CHECK.invalid(at, "is not a stem role (" + Arrays.toString(StemRole.values()) + ")");
                }
                if (!e.getValue().isObject()) {
                    throw CHECK.invalid(at, "must be an object {intensity, mute, overrides}");
                }
                CHECK.known(e.getValue(), StemShaping.FIELDS, at);
                roles.put(role, StemShaping.parse(e.getValue(), at, CHECK));
            }
        }
        return new UserPreset(name, description, base, intensity, target, ceiling, Map.copyOf(roles));
    }

    /** The preset as {@code GET /presets} lists it: its definition, readable by {@link #parse}. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        if (description != null) {
            o.put("description", description);
        }
        o.put("builtIn", false);
        o.put("atCreation", false);
        if (base != null) {
            o.put("base", base.name());
        }
        if (intensity != null) {
            o.put("intensity", intensity);
        }
        if (targetLufs != null) {
            o.put("targetLufs", targetLufs);
        }
        if (ceilingDbfs != null) {
            o.put("ceilingDbfs", ceilingDbfs);
        }
        ObjectNode r = o.putObject("roles");
        roles.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> r.set(e.getKey().name(), e.getValue().toJson()));
        return o;
    }
}
