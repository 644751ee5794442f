package ai.aimix.dsp.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link NpyFuzzTest} found (2026-12-06), kept as regression seeds (docs/SECURITY.md, Fuzzing). */
class NpyFuzzFindingsTest {

    static byte[] npy(String header, int dataBytes) {
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) text.length, (byte) (text.length >> 8)});
        out.writeBytes(text);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    /**
     * Shapes whose product overflows a long: 2^30 x 2^30 x 16 wrapped to 0 values (an "array" of a billion billion
     * elements holding none); (2^31-1)^3 to a negative count (NegativeArraySizeException); another wrapped to 7 and
     * made the Fortran-order reordering index out of bounds (ArrayIndexOutOfBoundsException 2147483641).
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "1073741824, 1073741824, 16",
                "2147483647, 2147483647, 2147483647",
                "7, 2147483647, 2147483647, 2147483647, 2147483647"
            })
    void shapesWhoseSizeOverflowsAreRefused(String shape) {
        byte[] file = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (" + shape + "), }\n", 28);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(ByteBuffer.wrap(file), "x.npy"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /** A header the reader cannot use was echoed whole, newlines and all, into the one-line error. */
    @Test
    void anUnusableHeaderIsQuotedOnOneLine() {
        byte[] file = npy("descr': '<f2', 'fortran_order': True, 'shape': (3,), }\n %\n" + "x".repeat(5000), 0);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(ByteBuffer.wrap(file), "x.npy"));
        assertTrue(!e.getMessage().contains("\n") && e.getMessage().length() < 300, e.getMessage());
    }
}
