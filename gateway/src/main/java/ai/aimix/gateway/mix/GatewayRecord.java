package ai.aimix.gateway.mix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A record one gateway replica writes for the others on the mixes topic (keyed by mix id, JSON with a {@code type}):
 * a mix's own ({@link MixRecord}), or one of its stems' uploads moving on ({@link StemRecord}).
 */
public sealed interface GatewayRecord permits MixRecord, StemRecord {
    /** The mix it is about. */
    String id();

    /** The replica that wrote it. */
    String origin();

    byte[] toBytes();

    /** One mapper for every record read (thread-safe once configured; made once, not per record). */
    final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();

        private Json() {}
    }

    /** A record read back; {@link IOException} when it is none of them. */
    static GatewayRecord parse(byte[] value) throws IOException {
        JsonNode o = Json.MAPPER.readTree(value);
        if (o == null || !o.isObject()) {
            throw new IOException("not a JSON object");
        }
        String type = o.path("type").asText();
        if (type.equals(StemRecord.TYPE)) {
            return StemRecord.of(o);
        }
        if (type.equals(MixRecord.TYPE)) {
            return MixRecord.of(o);
        }
        throw new IOException("a record of type '" + type + "'");
    }
}
