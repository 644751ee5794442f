package ai.aimix.dsp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading files numpy.save wrote, and writing files numpy reads (byte-identical to numpy.save for float32). */
class NpyTest {

    @Test
    void readsWhatNumpyWrote() {
        NpyArray a = Golden.npy("npy/f4_3x4.npy");
        assertArrayEquals(new int[] {3, 4}, a.shape());
        assertEquals("<f4", a.dtype());
        for (int i = 0; i < 12; i++) {
            assertEquals(i / 8f, a.floats()[i]);
        }
        NpyArray f = Golden.npy("npy/f8_fortran_2x3.npy");
        assertArrayEquals(new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}, f.doubles(), 0.0);
        NpyArray be = Golden.npy("npy/f8_big_endian_4.npy");
        assertArrayEquals(new double[] {1.5, -2.25, 1e300, -0.0}, be.doubles(), 0.0);
        NpyArray h = Golden.npy("npy/f2_5.npy");
        // numpy's float16 values of 1.0, -2.5, 65504, 6.1035e-05 and 5.96e-08
        assertArrayEquals(new float[] {1f, -2.5f, 65504f, 6.1035156e-05f, 5.9604645e-08f}, h.floats(), 0f);
        assertArrayEquals(
                new float[] {-32768, 32767, 0, -1}, Golden.npy("npy/i2_2x2.npy").floats(), 0f);
        assertArrayEquals(new float[] {0, 128, 255}, Golden.npy("npy/u1_3.npy").floats(), 0f);
        NpyArray scalar = Golden.npy("npy/f4_scalar.npy");
        assertEquals(0, scalar.dimensions());
        assertEquals(3.25f, scalar.floats()[0]);
        assertArrayEquals(new int[] {0, 5}, Golden.npy("npy/f4_empty_0x5.npy").shape());
    }

    @Test
    void writesExactlyWhatNumpyWrites() throws Exception {
        float[] v = new float[12];
        for (int i = 0; i < 12; i++) {
            v[i] = i / 8f;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, NpyArray.ofFloats(v, 3, 4), Npy.Dtype.FLOAT32);
        assertArrayEquals(Files.readAllBytes(Golden.path("npy/f4_3x4.npy")), out.toByteArray());
    }

    @Test
    void roundTripsEveryDtypeAndRank(@TempDir Path dir) throws Exception {
        float[] v = {0.1f, -3f, 1e-3f, 7f, 65000f, -0f};
        for (Npy.Dtype t : Npy.Dtype.values()) {
            for (int[] shape : new int[][] {{6}, {2, 3}, {1, 2, 3}}) {
                Path f = dir.resolve(t + "-" + shape.length + ".npy");
                Npy.write(f, NpyArray.ofFloats(v, shape), t);
                NpyArray back = Npy.read(f);
                assertArrayEquals(shape, back.shape());
                float[] expected = v.clone();
                if (t == Npy.Dtype.FLOAT16) {
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = Half.toFloat(Half.fromFloat(expected[i]));
                    }
                }
                assertArrayEquals(expected, back.floats(), 0f);
                long header = Files.size(f) - (long) v.length * t.bytes;
                assertEquals(0, header % 64, "data starts 64-aligned");
            }
        }
    }

    /** Every float16 value survives half -> float -> half, and float -> half rounds to nearest, ties to even. */
    @Test
    void halfConversions() {
        for (int h = 0; h < 0x10000; h++) {
            short s = (short) h;
            float f = Half.toFloat(s);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))));
            } else {
                assertEquals(s, Half.fromFloat(f), "0x" + Integer.toHexString(h));
            }
        }
        assertEquals((short) 0x3C00, Half.fromFloat(1f));
        assertEquals((short) 0x7BFF, Half.fromFloat(65504f));
        assertEquals((short) 0x7C00, Half.fromFloat(65520f)); // rounds up past the largest finite half
        assertEquals((short) 0x3C00, Half.fromFloat(1f + 0x1p-11f)); // tie: to even (1.0)
        assertEquals((short) 0x3C02, Half.fromFloat(1f + 3 * 0x1p-11f)); // tie: to even (1 + 2^-9)
        assertEquals((short) 0x0001, Half.fromFloat(0x1p-24f));
        assertEquals((short) 0x0000, Half.fromFloat(0x1p-25f)); // tie between 0 and the smallest subnormal: 0
    }

    @Test
    void badFilesGiveOneLineReasons(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("x.npy");
        Files.writeString(text, "not numpy at all");
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(text));
        assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
        byte[] good = Files.readAllBytes(Golden.path("npy/f4_3x4.npy"));
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(good, good.length - 5));
        e = assertThrows(NpyFormatException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
