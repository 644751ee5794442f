package ai.aimix.schema.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One change to a byte string, as the fuzz tests apply them to valid inputs: the changes a hostile producer, a
 * truncated upload or a damaged disk make. Positions are fractions of the input's length, so a mutation applies to
 * any input.
 */
public record Mutation(Kind kind, double where, long value, int length) {
    /** What a mutation does. */
    public enum Kind {
        /** XOR a byte with {@code value}. */
        FLIP,
        /** Set a byte to {@code value}. */
        SET,
        /** Insert {@code length} bytes derived from {@code value}. */
        INSERT,
        /** Remove {@code length} bytes. */
        DELETE,
        /** Cut the input there. */
        TRUNCATE,
        /** Replace {@code length} bytes by Avro's zig-zag varint of {@code value} (a length, count or index). */
        VARINT,
        /** Replace 4 bytes by {@code value} as a little-endian int (a RIFF or .npy size field). */
        INT32,
        /** Repeat {@code length} bytes in place. */
        DUPLICATE
    }

    /** Values that break readers: around the int and array limits, negative, tiny. */
    static final long[] INTERESTING = {
        -1,
        0,
        1,
        2,
        7,
        127,
        128,
        255,
        65535,
        65536,
        Integer.MAX_VALUE - 9,
        Integer.MAX_VALUE,
        1L << 31,
        3_000_000_000L,
        0xFFFFFFFFL,
        1L << 40,
        1L << 62,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        -2_000_000_000L
    };

    /** A random mutation. */
    public static Mutation random(SplittableRandom r) {
        Kind[] kinds = Kind.values();
        return new Mutation(
                kinds[r.nextInt(kinds.length)], r.nextDouble(), Fuzz.interesting(r, INTERESTING), 1 + r.nextInt(16));
    }

    /** Up to {@code max} random mutations. */
    public static List<Mutation> randomList(SplittableRandom r, int max) {
        List<Mutation> out = new ArrayList<>();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            out.add(random(r));
        }
        return out;
    }

    /** A mutation that replaces a varint somewhere by a length of about two gigabytes. */
    public static Mutation hugeLength(double where) {
        return new Mutation(Kind.VARINT, where, Integer.MAX_VALUE - 9, 1);
    }

    /** The input with the mutations applied in order. */
    public static byte[] apply(byte[] input, List<Mutation> mutations) {
        byte[] b = input;
        for (Mutation m : mutations) {
            b = m.apply(b);
        }
        return b;
    }

    public byte[] apply(byte[] in) {
        int pos = (int) Math.min(in.length, Math.floor(where * in.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        switch (kind) {
            case FLIP:
            case SET:
                if (in.length == 0) {
                    return in;
                }
                byte[] copy = in.clone();
                int p = Math.min(pos, in.length - 1);
                copy[p] = kind == Kind.FLIP ? (byte) (copy[p] ^ (value | 1)) : (byte) value;
                return copy;
            case INSERT:
                out.write(in, 0, pos);
                for (int i = 0; i < length; i++) {
                    out.write((int) (value >>> (8 * (i % 8))));
                }
                out.write(in, pos, in.length - pos);
                return out.toByteArray();
            case DELETE:
                out.write(in, 0, pos);
                int from = Math.min(in.length, pos + length);
                out.write(in, from, in.length - from);
                return out.toByteArray();
            case TRUNCATE:
                return Arrays.copyOf(in, pos);
            case VARINT:
                out.write(in, 0, pos);
                long zigzag = (value << 1) ^ (value >> 63);
                do {
                    int bits = (int) (zigzag & 0x7F);
                    zigzag >>>= 7;
                    out.write(zigzag != 0 ? bits | 0x80 : bits);
                } while (zigzag != 0);
                int after = Math.min(in.length, pos + Math.min(length, 10));
                out.write(in, after, in.length - after);
                return out.toByteArray();
            case INT32:
                byte[] c = in.clone();
                for (int i = 0; i < 4 && pos + i < c.length; i++) {
                    c[pos + i] = (byte) (value >>> (8 * i));
                }
                return c;
            default:
                out.write(in, 0, Math.min(in.length, pos + length));
                out.write(in, pos, in.length - pos);
                return out.toByteArray();
        }
    }

    public static String hex(byte[] bytes) {
        return bytes.length <= 512
                ? HexFormat.of().formatHex(bytes)
                : HexFormat.of().formatHex(bytes, 0, 512) + "... (" + bytes.length + " bytes)";
    }
}
