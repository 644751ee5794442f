package ai.aimix.gateway.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One webhook delivery and where it stands; its id is the Idempotency-Key every attempt carries.
 *
 * @param status PENDING (to be tried at {@code nextAtMillis}), DELIVERED, or FAILED (given up, or refused by the URL
 *               guard)
 */
public record Delivery(
        String id,
        String keyId,
        String mixId,
        String event,
        String url,
        String body,
        String status,
        int attempts,
        long firstAtMillis,
        long nextAtMillis,
        int lastStatusCode,
        String lastError) {
    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    Delivery attempted(String newStatus, long nextAt, int statusCode, String error) {
        return new Delivery(
                id, keyId, mixId, event, url, body, newStatus, attempts + 1, firstAtMillis, nextAt, statusCode, error);
    }

    public ObjectNode toJson(boolean withBody) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id);
        o.put("keyId", keyId);
        o.put("mix", mixId);
        o.put("event", event);
        o.put("url", url);
        o.put("status", status);
        o.put("attempts", attempts);
        o.put("firstAtMillis", firstAtMillis);
        o.put("nextAtMillis", nextAtMillis);
        o.put("lastStatusCode", lastStatusCode);
        if (lastError != null) {
            o.put("lastError", lastError);
        }
        if (withBody) {
            o.put("body", body);
        }
        return o;
    }

    static Delivery fromJson(JsonNode o) {
        return new Delivery(
                o.path("id").asText(),
                o.path("keyId").asText(),
                o.path("mix").asText(),
                o.path("event").asText(),
                o.path("url").asText(),
                o.path("body").asText(),
                o.path("status").asText(PENDING),
                o.path("attempts").asInt(),
                o.path("firstAtMillis").asLong(),
                o.path("nextAtMillis").asLong(),
                o.path("lastStatusCode").asInt(),
                o.hasNonNull("lastError") ? o.path("lastError").asText() : null);
    }
}
