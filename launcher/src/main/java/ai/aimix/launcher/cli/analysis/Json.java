package ai.aimix.launcher.cli.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** JSON output of the analysis commands: non-finite numbers become null (JSON has no -Infinity or NaN). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Puts a number rounded to {@code decimals}, or null when it is NaN or infinite. */
    static void put(ObjectNode node, String field, double value, int decimals) {
        if (Double.isFinite(value)) {
            node.put(
                    field,
                    new BigDecimal(value)
                            .setScale(decimals, RoundingMode.HALF_EVEN)
                            .doubleValue());
        } else {
            node.putNull(field);
        }
    }

    static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A number for people: "-inf", "n/a" or fixed decimals. */
    static String human(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Double.isInfinite(value)) {
            return value < 0 ? "-inf" : "inf";
        }
        return String.format("%." + decimals + "f", value);
    }
}
