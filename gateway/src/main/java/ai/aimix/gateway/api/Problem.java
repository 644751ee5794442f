package ai.aimix.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An RFC 9457 problem details object ({@code application/problem+json}): type, title, status, detail, instance, plus
 * the extension member {@code code}, the stable error code clients should switch on.
 */
public final class Problem {
    public static final String CONTENT_TYPE = "application/problem+json";

    private Problem() {}

    /** The problem document for {@code error} on the request path {@code instance}. */
    public static ObjectNode of(ObjectMapper json, ApiError error, String detail, String instance) {
        ObjectNode p = json.createObjectNode();
        p.put("type", error.type());
        p.put("title", error.title);
        p.put("status", error.status);
        if (detail != null) {
            p.put("detail", detail);
        }
        if (instance != null) {
            p.put("instance", instance);
        }
        p.put("code", error.name());
        return p;
    }
}
