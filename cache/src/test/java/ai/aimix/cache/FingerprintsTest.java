package ai.aimix.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FingerprintsTest {
    private static ByteBuffer pcm(float... samples) {
        ByteBuffer b = ByteBuffer.allocate(4 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : samples) {
            b.putFloat(f);
        }
        return b.flip();
    }

    @Test
    void isSha256OfThePreviousFingerprintTheShapeAndTheSamples() throws Exception {
        ByteBuffer audio = pcm(0.5f, -0.25f, 0f, 1f);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(Fingerprints.START);
        md.update(ByteBuffer.allocate(21)
                .putLong(0)
                .putInt(48_000)
                .putInt(2)
                .putInt(2)
                .put((byte) 0)
                .array());
        md.update(audio.duplicate());
        assertArrayEquals(md.digest(), Fingerprints.next(Fingerprints.START, 0, 48_000, 2, 2, false, audio));
        assertEquals(4 * 4, audio.remaining(), "the samples' buffer is not consumed");
    }

    @Test
    void namesTheWholeHistoryNotJustTheSegment() {
        ByteBuffer same = pcm(0.1f, 0.2f);
        byte[] a = Fingerprints.next(Fingerprints.START, 0, 48_000, 1, 2, false, pcm(1f, 1f));
        byte[] b = Fingerprints.next(Fingerprints.START, 0, 48_000, 1, 2, false, pcm(1f, 0.5f));
        assertFalse(Arrays.equals(
                Fingerprints.next(a, 0, 48_000, 1, 2, false, same),
                Fingerprints.next(b, 0, 48_000, 1, 2, false, same)));
        // and the shape: the same bytes as stereo, at another rate, or as the last segment are other audio
        byte[] mono = Fingerprints.next(a, 0, 48_000, 1, 2, false, same);
        assertFalse(Arrays.equals(mono, Fingerprints.next(a, 0, 48_000, 2, 1, false, same)));
        assertFalse(Arrays.equals(mono, Fingerprints.next(a, 0, 44_100, 1, 2, false, same)));
        assertFalse(Arrays.equals(mono, Fingerprints.next(a, 0, 48_000, 1, 2, true, same)));
        // and where it starts: a chain begun mid-stem is not one begun at the start
        assertFalse(Arrays.equals(mono, Fingerprints.next(a, 2, 48_000, 1, 2, false, same)));
    }

    @Test
    void derivedKeysSeparateTheirParts() {
        byte[] ab = Fingerprints.derive("k", new byte[] {1, 2}, new byte[] {3});
        byte[] a_b = Fingerprints.derive("k", new byte[] {1}, new byte[] {2, 3});
        assertFalse(Arrays.equals(ab, a_b));
        assertFalse(Arrays.equals(ab, Fingerprints.derive("l", new byte[] {1, 2}, new byte[] {3})));
        assertArrayEquals(ab, Fingerprints.derive("k", new byte[] {1, 2}, new byte[] {3}));
    }
}
