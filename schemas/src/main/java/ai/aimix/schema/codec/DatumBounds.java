package ai.aimix.schema.codec;

import org.apache.avro.Schema;

import java.util.IdentityHashMap;
import java.util.Map;

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
        Cursor c = new Cursor(bytes, offset, ContractLimits.itemBudget(bytes.length));
        walk(writer, c, 0, writer.getName());
        if (c.pos != bytes.length) {
            throw new Violation((bytes.length - c.pos) + " byte(s) after the end of the datum");
        }
    }

    private void walk(Schema s, Cursor c, int depth, String path) throws Violation {
        if (depth > ContractLimits.MAX_NESTING) {
            throw new Violation("nested deeper than " + ContractLimits.MAX_NESTING + " at " + path);
        }
        switch (s.getType()) {
            case NULL:
                return;
            case BOOLEAN:
                int b = c.readByte(path);
                if (b != 0 && b != 1) {
                    throw new Violation(path + ": boolean byte " + b);
                }
                return;
            case INT:
                c.readInt(path);
                return;
            case LONG:
                c.readLong(path);
                return;
            case FLOAT:
                c.skip(4, path);
                return;
            case DOUBLE:
                c.skip(8, path);
                return;
            case STRING:
            case BYTES:
                long length = c.readLong(path);
                if (length < 0) {
                    throw new Violation(path + ": negative length " + length);
                }
                if (length > c.remaining()) {
                    throw new Violation(path + " declares " + length + " bytes but only " + c.remaining()
                            + " follow");
                }
                c.pos += (int) length;
                return;
            case FIXED:
                c.skip(s.getFixedSize(), path);
                return;
            case ENUM:
                int symbol = c.readInt(path);
                if (symbol < 0 || symbol >= s.getEnumSymbols().size()) {
                    throw new Violation(path + ": enum index " + symbol + " of " + s.getEnumSymbols().size()
                            + " symbols");
                }
                return;
            case UNION:
                int branch = c.readInt(path);
                if (branch < 0 || branch >= s.getTypes().size()) {
                    throw new Violation(path + ": union branch " + branch + " of " + s.getTypes().size());
                }
                walk(s.getTypes().get(branch), c, depth + 1, path);
                return;
            case RECORD:
                for (Schema.Field f : s.getFields()) {
                    walk(f.schema(), c, depth + 1, path + "." + f.name());
                }
                return;
            case ARRAY:
                items(s.getElementType(), null, c, depth, path);
                return;
            case MAP:
                items(s.getValueType(), Schema.create(Schema.Type.STRING), c, depth, path);
                return;
            default:
                throw new Violation(path + ": unsupported schema type " + s.getType());
        }
    }

    /** The blocks of an array or map: counts checked against the remaining bytes and the item budget. */
    private void items(Schema item, Schema key, Cursor c, int depth, String path) throws Violation {
        int minItem = minSize(item) + (key == null ? 0 : 1);
        while (true) {
            long count = c.readLong(path);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new Violation(path + ": block count out of range");
                }
                count = -count;
                long blockBytes = c.readLong(path);
                if (blockBytes < 0 || blockBytes > c.remaining()) {
                    throw new Violation(path + ": block size " + blockBytes + " with " + c.remaining()
                            + " bytes left");
                }
            }
            if (minItem > 0 && count > c.remaining() / minItem) {
                throw new Violation(path + " declares " + count + " items but only " + c.remaining()
                        + " bytes follow");
            }
            if (count > c.itemsLeft) {
                throw new Violation(path + " declares " + count + " items; a record of " + c.bytes.length
                        + " bytes may hold at most " + ContractLimits.itemBudget(c.bytes.length) + " in all");
            }
            c.itemsLeft -= count;
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    walk(key, c, depth + 1, path + "{key}");
                }
                walk(item, c, depth + 1, path + "[]");
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

        Cursor(byte[] bytes, int pos, long itemBudget) {
            this.bytes = bytes;
            this.pos = pos;
            this.itemsLeft = itemBudget;
        }

        int remaining() {
            return bytes.length - pos;
        }

        int readByte(String path) throws Violation {
            if (pos >= bytes.length) {
                throw new Violation(path + ": the datum ends early");
            }
            return bytes[pos++] & 0xFF;
        }

        void skip(int n, String path) throws Violation {
            if (n > remaining()) {
                throw new Violation(path + ": the datum ends early");
            }
            pos += n;
        }

        /** A zig-zag varint of at most 5 bytes that fits an int. */
        int readInt(String path) throws Violation {
            long v = readVarint(5, path);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new Violation(path + ": int out of range");
            }
            return (int) v;
        }

        long readLong(String path) throws Violation {
            return readVarint(10, path);
        }

        private long readVarint(int maxBytes, String path) throws Violation {
            long raw = 0;
            for (int i = 0; i < maxBytes; i++) {
                int b = readByte(path);
                raw |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new Violation(path + ": malformed variable-length number");
        }
    }
}
