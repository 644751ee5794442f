package ai.aimix.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * A contract record as plain JSON: records as objects by field name, unions as their value (no Avro type wrappers),
 * enums as their symbol, bytes as base64; null fields are left out.
 */
public final class AvroJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {}

    public static ObjectNode of(IndexedRecord record) {
        ObjectNode o = NODES.objectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            Object v = record.get(f.pos());
            if (v != null) {
                o.set(f.name(), value(v));
            }
        }
        return o;
    }

    private static JsonNode value(Object v) {
        if (v instanceof IndexedRecord r) {
            return of(r);
        }
        if (v instanceof Collection<?> c) {
            ArrayNode a = NODES.arrayNode();
            for (Object x : c) {
                a.add(x == null ? NODES.nullNode() : value(x));
            }
            return a;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            m.forEach((k, x) -> o.set(String.valueOf(k), x == null ? NODES.nullNode() : value(x)));
            return o;
        }
        if (v instanceof Enum<?> e) {
            return NODES.textNode(e.name());
        }
        if (v instanceof GenericEnumSymbol<?> e) {
            return NODES.textNode(e.toString());
        }
        if (v instanceof ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            byte[] bytes = new byte[d.remaining()];
            d.get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (v instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof Float f) {
            return Float.isFinite(f) ? NODES.numberNode(f) : NODES.nullNode();
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? NODES.numberNode(d) : NODES.nullNode();
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        return NODES.textNode(v.toString());
    }
}
