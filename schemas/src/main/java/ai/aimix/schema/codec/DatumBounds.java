package ai.aimix.schema.codec;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Checks an Avro binary datum against its writer schema without building anything: every length prefix, item count,
 * enum symbol and union branch is checked against the bytes that actually follow, so the real decoder, run
 * afterwards, never allocates more than the input can fill. Avro's own decoder trusts a length prefix and allocates
 * it before reading (a 47-byte record declaring 3·10⁹ bytes throws UnsupportedOperationException, one declaring
 * just under 2³¹ allocates 2 GB first).
 *
 * <p>Limits: strings and bytes at most the remaining input; the items of all arrays and maps together at most
 * {@link ContractLimits#itemBudget(int)} (so tiny items cannot multiply into a heap far larger than the record); no
 * trailing bytes after the datum. Thread-safe: the per-schema minimum sizes are computed once per instance.
 */
final class DatumBounds {
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    /** Path names of an array's item and a map's key (compared by identity). */
    private static final String ITEM = new String("[]");

    private static final String KEY = new String("{key}");
    private final Map<Schema, Integer> minSizes = new IdentityHashMap<>();

    /** Thrown with a one-line reason when the datum breaks a bound. */
    static final class Violation extends Exception {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message);
        }
    }

    /** Checks {@code bytes[offset..]} holds exactly one datum of {@code writer}. */
    void check(Schema writer, byte[] bytes, int offset) throws Violation {
        Cursor c = new Cursor(bytes, offset, ContractLimits.itemBudget(bytes.length), writer.getName());
        walk(writer, c, 0);
        if (c.pos != bytes.length) {
            throw new Violation((bytes.length - c.pos) + " byte(s) after the end of the datum");
        }
    }

    private void walk(Schema s, Cursor c, int depth) throws Violation {
        if (depth > ContractLimits.MAX_NESTING) {
            throw new Violation("nested deeper than " + ContractLimits.MAX_NESTING + " at " + c.where());
        }
        switch (s.getType()) {
            case NULL:
                return;
            case BOOLEAN:
                int b = c.readByte();
                if (b != 0 && b != 1) {
                    throw new Violation(c.where() + ": boolean byte " + b);
                }
                return;
            case INT:
                c.readInt();
                return;
            case LONG:
                c.readLong();
                return;
            case FLOAT:
                c.skip(4);
                return;
            case DOUBLE:
                c.skip(8);
                return;
            case STRING:
            case BYTES:
                long length = c.readLong();
                if (length < 0) {
                    throw new Violation(c.where() + ": negative length " + length);
                }
                if (length > c.remaining()) {
                    throw new Violation(
                            c.where() + " declares " + length + " bytes but only " + c.remaining() + " follow");
                }
                c.pos += (int) length;
                return;
            case FIXED:
                c.skip(s.getFixedSize());
                return;
            case ENUM:
                int symbol = c.readInt();
                if (symbol < 0 || symbol >= s.getEnumSymbols().size()) {
                    throw new Violation(c.where() + ": enum index " + symbol + " of "
                            + s.getEnumSymbols().size() + " symbols");
                }
                return;
            case UNION:
                int branch = c.readInt();
                if (branch < 0 || branch >= s.getTypes().size()) {
                    throw new Violation(c.where() + ": union branch " + branch + " of "
                            + s.getTypes().size());
                }
                walk(s.getTypes().get(branch), c, depth + 1);
                return;
            case RECORD:
                for (Schema.Field f : s.getFields()) {
                    c.enter(f.name());
                    walk(f.schema(), c, depth + 1);
                    c.leave();
                }
                return;
            case ARRAY:
                items(s.getElementType(), null, c, depth);
                return;
            case MAP:
                items(s.getValueType(), STRING, c, depth);
                return;
            default:
                throw new Violation(c.where() + ": unsupported schema type " + s.getType());
        }
    }

    /** The blocks of an array or map: counts checked against the remaining bytes and the item budget. */
    private void items(Schema item, Schema key, Cursor c, int depth) throws Violation {
        int minItem = minSize(item) + (key == null ? 0 : 1);
        while (true) {
            long count = c.readLong();
            long blockBytes = -1;
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new Violation(c.where() + ": block count out of range");
                }
                count = -count;
                blockBytes = c.readLong();
                if (blockBytes < 0 || blockBytes > c.remaining()) {
                    throw new Violation(
                            c.where() + ": block size " + blockBytes + " with " + c.remaining() + " bytes left");
                }
            }
            int blockStart = c.pos;
            if (minItem > 0 && count > c.remaining() / minItem) {
                throw new Violation(
                        c.where() + " declares " + count + " items but only " + c.remaining() + " bytes follow");
            }
            if (count > c.itemsLeft) {
                throw new Violation(c.where() + " declares " + count + " items; a record of " + c.bytes.length
                        + " bytes may hold at most " + ContractLimits.itemBudget(c.bytes.length) + " in all");
            }
            c.itemsLeft -= count;
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    c.enter(KEY);
                    walk(key, c, depth + 1);
                    c.leave();
                }
                c.enter(ITEM);
                walk(item, c, depth + 1);
                c.leave();
            }
            // a reader that skips the block jumps by its declared size: it must be what the items take
            if (blockBytes >= 0 && c.pos - blockStart != blockBytes) {
                throw new Violation(c.where() + ": block size " + blockBytes + " but its items take "
                        + (c.pos - blockStart) + " bytes");
            }
        }
    }

    /** The fewest bytes a value of {@code s} takes (0 for null, and for records of nulls). */
    private int minSize(Schema s) {
        synchronized (minSizes) {
            Integer known = minSizes.get(s);
            if (known != null) {
                return known;
            }
        }
        int size;
        switch (s.getType()) {
            case NULL:
                size = 0;
                break;
            case FLOAT:
                size = 4;
                break;
            case DOUBLE:
                size = 8;
                break;
            case FIXED:
                size = s.getFixedSize();
                break;
            case RECORD:
                size = 0;
                for (Schema.Field f : s.getFields()) {
                    size += minSize(f.schema());
                }
                break;
            default:
                // boolean, int, long, enum, union index, string/bytes length, array/map end marker
                size = 1;
        }
        synchronized (minSizes) {
            minSizes.put(s, size);
        }
        return size;
    }

    /** A read position in the datum's bytes. */
    private static final class Cursor {
        final byte[] bytes;
        int pos;
        long itemsLeft;

        /** Where the walk is, as names (fields, {@link #ITEM}, {@link #KEY}): built into a path only for a message. */
        private final String[] names = new String[ContractLimits.MAX_NESTING + 2];

        private int depth;

        Cursor(byte[] bytes, int pos, long itemBudget, String root) {
            this.bytes = bytes;
            this.pos = pos;
            this.itemsLeft = itemBudget;
            this.names[0] = root;
            this.depth = 1;
        }

        void enter(String name) {
            if (depth < names.length) {
                names[depth] = name;
            }
            depth++;
        }

        void leave() {
            depth--;
        }

        /** The path of the value being read, e.g. {@code AudioChunk.data} or {@code Battle.voters[]}. */
        String where() {
            StringBuilder b = new StringBuilder(names[0]);
            for (int i = 1; i < Math.min(depth, names.length); i++) {
                b.append(names[i] == ITEM ? "[]" : names[i] == KEY ? "{key}" : "." + names[i]);
            }
            return b.toString();
        }

        int remaining() {
            return bytes.length - pos;
        }

        int readByte() throws Violation {
            if (pos >= bytes.length) {
                throw new Violation(where() + ": the datum ends early");
            }
            return bytes[pos++] & 0xFF;
        }

        void skip(int n) throws Violation {
            if (n > remaining()) {
                throw new Violation(where() + ": the datum ends early");
            }
            pos += n;
        }

        /** A zig-zag varint of at most 5 bytes that fits an int. */
        int readInt() throws Violation {
            long v = readVarint(5);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new Violation(where() + ": int out of range");
            }
            return (int) v;
        }

        long readLong() throws Violation {
            return readVarint(10);
        }

        private long readVarint(int maxBytes) throws Violation {
            long raw = 0;
            for (int i = 0; i < maxBytes; i++) {
                int b = readByte();
                raw |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new Violation(where() + ": malformed variable-length number");
        }
    }
}
