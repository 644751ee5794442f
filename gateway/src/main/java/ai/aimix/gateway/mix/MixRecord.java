package ai.aimix.gateway.mix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A mix as its gateway replica created it, on the mixes topic (key: the mix id; value: this record as JSON), for
 * the other replicas to answer for it too: its owner, its create body as accepted (the key's default callback
 * applied), its upload token, when it was made and by which replica.
 *
 * @param origin the creating replica's id (random per gateway process): its own records a replica skips
 */
public record MixRecord(String id, String owner, JsonNode body, String uploadToken, long createdAtMillis, String origin)
        implements GatewayRecord {

    /** The record of a mix this replica made from {@code body} (the callback it will use written into it). */
    public static MixRecord of(MixState m, JsonNode body, String origin) {
        ObjectNode b = body.deepCopy();
        if (m.spec.callbackUrl != null) {
            b.put("callbackUrl", m.spec.callbackUrl);
        }
        return new MixRecord(m.id, m.owner, b, m.uploadToken, m.createdAtMillis, origin);
    }

    /** The value of the {@code type} field that marks a mix's own record. */
    public static final String TYPE = "mix";

    public byte[] toBytes() {
        ObjectNode o = GatewayRecord.Json.MAPPER.createObjectNode();
        o.put("type", TYPE);
        o.put("id", id);
        o.put("owner", owner);
        o.set("body", body);
        o.put("uploadToken", uploadToken);
        o.put("createdAtMillis", createdAtMillis);
        o.put("origin", origin);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A mix's record read back; {@link IOException} when it is not one. */
    static MixRecord of(JsonNode o) throws IOException {
        for (String field : new String[] {"id", "owner", "body", "uploadToken", "createdAtMillis", "origin"}) {
            if (!o.hasNonNull(field)) {
                throw new IOException("a mix record without " + field);
            }
        }
        return new MixRecord(
                o.path("id").asText(),
                o.path("owner").asText(),
                o.path("body"),
                o.path("uploadToken").asText(),
                o.path("createdAtMillis").asLong(),
                o.path("origin").asText());
    }
}
