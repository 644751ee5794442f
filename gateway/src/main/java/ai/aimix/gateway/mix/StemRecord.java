package ai.aimix.gateway.mix;

import ai.aimix.schema.SampleEncoding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A stem's upload as the replica taking it moved it on (claimed, given back, done, failed), on the mixes topic after
 * the mix's own record, so every replica knows which stems are taken and how far the mix has come.
 *
 * @param frames,bytes what the stem's upload has delivered (when done)
 * @param encoding how its samples are stored in the shared stem store (when done), else null
 * @param code,message why it failed (when failed), else null
 * @param origin the replica that took the stem: its own records a replica skips
 */
public record StemRecord(
        String id,
        int stem,
        MixState.Upload state,
        long frames,
        long bytes,
        SampleEncoding encoding,
        String code,
        String message,
        String origin)
        implements GatewayRecord {

    public byte[] toBytes() {
        ObjectNode o = GatewayRecord.Json.MAPPER.createObjectNode();
        o.put("type", TYPE);
        o.put("id", id);
        o.put("stem", stem);
        o.put("state", state.name());
        o.put("frames", frames);
        o.put("bytes", bytes);
        if (encoding != null) {
            o.put("encoding", encoding.name());
        }
        if (code != null) {
            o.put("code", code);
            o.put("message", message);
        }
        o.put("origin", origin);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The value of the {@code type} field that marks a stem record (a mix's own record: {@link MixRecord#TYPE}). */
    public static final String TYPE = "stem";

    /** A record read back; {@link IOException} when it is not one. */
    static StemRecord of(JsonNode o) throws IOException {
        for (String field : new String[] {"id", "stem", "state", "origin"}) {
            if (!o.hasNonNull(field)) {
                throw new IOException("a stem record without " + field);
            }
        }
        MixState.Upload state;
        try {
            state = MixState.Upload.valueOf(o.path("state").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException("a stem record in state " + o.path("state").asText());
        }
        SampleEncoding encoding = null;
        if (o.hasNonNull("encoding")) {
            try {
                encoding = SampleEncoding.valueOf(o.path("encoding").asText());
            } catch (IllegalArgumentException e) {
                throw new IOException(
                        "a stem record with encoding " + o.path("encoding").asText());
            }
        }
        return new StemRecord(
                o.path("id").asText(),
                o.path("stem").asInt(),
                state,
                o.path("frames").asLong(),
                o.path("bytes").asLong(),
                encoding,
                o.hasNonNull("code") ? o.path("code").asText() : null,
                o.hasNonNull("message") ? o.path("message").asText() : null,
                o.path("origin").asText());
    }
}
