package ai.aimix.gateway.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void readsTheFormsOfRfc9110() {
        assertArrayEquals(new long[] {0, 99}, ByteRange.parse("bytes=0-99", 1000));
        assertArrayEquals(new long[] {500, 999}, ByteRange.parse("bytes=500-", 1000));
        assertArrayEquals(new long[] {900, 999}, ByteRange.parse("bytes=-100", 1000));
        assertArrayEquals(new long[] {0, 999}, ByteRange.parse("bytes=-5000", 1000));
        assertArrayEquals(new long[] {990, 999}, ByteRange.parse("bytes=990-5000", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=1000-", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 1000));
        // the whole file: no header, several ranges, units or forms not read here
        assertNull(ByteRange.parse(null, 1000));
        assertNull(ByteRange.parse("bytes=0-1,5-6", 1000));
        assertNull(ByteRange.parse("items=0-1", 1000));
        assertNull(ByteRange.parse("bytes=9-3", 1000));
        assertNull(ByteRange.parse("bytes=x-3", 1000));
        assertNull(ByteRange.parse("bytes=-", 1000));
    }
}
