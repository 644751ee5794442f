package ai.aimix.gateway.mix;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * The field checks of a JSON request body: each refusal is an {@link ApiException} of one error (the mix request's,
 * the render request's) whose detail names the field as a JSON pointer and what is wrong with it.
 */
final class BodyFields {
    private final ApiError error;

    BodyFields(ApiError error) {
        this.error = error;
    }

    ApiException invalid(String pointer, String what) {
        return new ApiException(error, (pointer.isEmpty() ? "the body" : pointer) + ": " + what);
    }

    /** Refuses a field of {@code o} that is not one of {@code known} (a typo is not silently ignored). */
    void known(JsonNode o, Set<String> known, String at) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw invalid(
                        at + "/" + f,
                        "is not a field here (known: "
                                + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A number in [min, max]; {@code absent} when the field is missing or null, required when that is NaN. */
    double number(JsonNode o, String field, String at, double min, double max, double absent) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (Double.isNaN(absent)) {
                throw invalid(at, "is required");
            }
            return absent;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw invalid(at, "must be a number");
        }
        double x = v.asDouble();
        if (x < min || x > max) {
            throw invalid(at, x + " is outside " + min + ".." + max);
        }
        return x;
    }

    /** A top-level number in [min, max] as a float, or null when it is missing. */
    Float optionalFloat(JsonNode o, String field, double min, double max) {
        return o.hasNonNull(field) ? Float.valueOf((float) number(o, field, "/" + field, min, max, 0)) : null;
    }

    int integer(JsonNode o, String field, String at, int min, int max) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw invalid(at, "is required");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw invalid(at, "must be an integer");
        }
        int x = v.intValue();
        if (x < min || x > max) {
            throw invalid(at, x + " is outside " + min + ".." + max);
        }
        return x;
    }

    String text(JsonNode o, String field, String at, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid(at, "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(at, "must be a string");
        }
        return v.asText();
    }

    /** An enum symbol, case-insensitive; {@code absent} when missing (required when that is null). */
    <E extends Enum<E>> E enumValue(Class<E> type, JsonNode o, String field, String at, E absent) {
        String v = text(o, field, at, absent == null);
        if (v == null) {
            return absent;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(at, "'" + v + "' is not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }
}
