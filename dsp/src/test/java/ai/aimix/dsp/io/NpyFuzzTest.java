package ai.aimix.dsp.io;

import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.Fuzz;
import ai.aimix.schema.testing.Mutation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the {@code .npy} reader (issue 14): arrays of every dtype it reads, C and Fortran order, versions 1 to 3,
 * then mutated (header text, shapes, lengths, bytes). Invariant: an array or an {@link NpyFormatException}, never
 * another exception, and never more memory than a small multiple of the file's size.
 */
@Tag("fuzz")
class NpyFuzzTest {
    static final long BYTES_PER_INPUT_BYTE = 24;
    static final long FIXED_BYTES = 1 << 20;

    @BeforeAll
    static void warmUp() throws Exception {
        Npy.read(ByteBuffer.wrap(npy("<f4", false, new int[] {3, 4}, 1)), "warm");
    }

    /** A .npy file: header (version by its length, or 3 for UTF-8) and {@code product(shape)} values of {@code descr}. */
    static byte[] npy(String descr, boolean fortran, int[] shape, int version) {
        StringBuilder h = new StringBuilder("{'descr': '")
                .append(descr)
                .append("', 'fortran_order': ")
                .append(fortran ? "True" : "False")
                .append(", 'shape': (");
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            h.append(i == 0 ? "" : ", ").append(shape[i]);
            count *= shape[i];
        }
        h.append(shape.length == 1 ? ",), }" : "), }").append('\n');
        byte[] text = h.toString().getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            out.write(text.length & 0xFF);
            out.write(text.length >> 8);
        } else {
            for (int i = 0; i < 4; i++) {
                out.write(text.length >> (8 * i));
            }
        }
        out.writeBytes(text);
        int width = Integer.parseInt(descr.substring(2));
        for (long i = 0; i < count * width; i++) {
            out.write((int) (i * 37));
        }
        return out.toByteArray();
    }

    /** A file's bytes, for the report. */
    record Input(byte[] bytes) {
        @Override
        public String toString() {
            return Mutation.hex(bytes);
        }
    }

    static Input mutatedArray(SplittableRandom r) {
        String descr = Fuzz.oneOf(
                r, "<f2", "<f4", ">f4", "<f8", "|i1", "<i2", ">i4", "<i8", "|u1", "<u2", "<u4", ">u8", "|b1");
        int[] shape = new int[r.nextInt(4)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = r.nextInt(8);
        }
        byte[] file = npy(descr, r.nextBoolean(), shape, 1 + r.nextInt(3));
        return new Input(Mutation.apply(file, Mutation.randomList(r, 4)));
    }

    /** The header is text: shapes and dtypes written by hand, as a hostile file would. */
    static Input hostileHeader(SplittableRandom r) {
        List<String> dims = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            dims.add(
                    r.nextBoolean()
                            ? String.valueOf(r.nextInt())
                            : Fuzz.oneOf(
                                    r,
                                    "0",
                                    "1",
                                    "7",
                                    "-1",
                                    "2147483647",
                                    "2147483648",
                                    "4294967296",
                                    "99999999999999999999",
                                    "3L",
                                    "",
                                    " ",
                                    "x",
                                    "1073741824"));
        }
        String descr = Fuzz.oneOf(r, "<f4", "<f", "f4", "<f99999999999", "<c8", "<U3", "'", "<i8", "|b1");
        String fortran = Fuzz.oneOf(r, "True", "False", "Maybe");
        byte[] text = ("{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': ("
                        + String.join(", ", dims) + "), }\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) text.length, (byte) (text.length >> 8)});
        out.writeBytes(text);
        out.writeBytes(new byte[64]);
        return new Input(out.toByteArray());
    }

    @Test
    void anyFileReadsOrIsRefusedWithinItsMemoryBound() {
        Fuzz.check(".npy files, mutated", NpyFuzzTest::mutatedArray, NpyFuzzTest::check);
    }

    @Test
    void anyHeaderReadsOrIsRefusedWithinItsMemoryBound() {
        Fuzz.check(".npy headers", NpyFuzzTest::hostileHeader, NpyFuzzTest::check);
    }

    private static void check(Input input) {
        long before = Allocation.ofThisThread();
        try {
            Npy.read(ByteBuffer.wrap(input.bytes()), "fuzz.npy");
        } catch (NpyFormatException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new AssertionError("not one line: " + e.getMessage());
            }
        }
        long allocated = Allocation.ofThisThread() - before;
        long bound = BYTES_PER_INPUT_BYTE * input.bytes().length + FIXED_BYTES;
        if (allocated > bound) {
            throw new AssertionError(
                    "reading " + input.bytes().length + " bytes allocated " + allocated + " bytes, above " + bound);
        }
    }
}
