package ai.aimix.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SealedEntryTest {
    @Test
    void opensWhatWasSealed() {
        byte[] payload = new byte[10_000];
        new Random(7).nextBytes(payload);
        assertArrayEquals(payload, SealedEntry.open(SealedEntry.seal(payload)));
        assertArrayEquals(new byte[0], SealedEntry.open(SealedEntry.seal(new byte[0])));
    }

    @Test
    void everyFlippedByteTruncationOrForeignValueIsAMiss() {
        byte[] payload = new byte[300];
        new Random(8).nextBytes(payload);
        byte[] sealed = SealedEntry.seal(payload);
        for (int i = 0; i < sealed.length; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= 1;
            assertNull(SealedEntry.open(bad), "flipped byte " + i);
        }
        assertNull(SealedEntry.open(Arrays.copyOf(sealed, sealed.length - 1)));
        assertNull(SealedEntry.open(Arrays.copyOf(sealed, sealed.length + 1)));
        assertNull(SealedEntry.open(new byte[3]));
        assertNull(SealedEntry.open(null));
        assertNull(SealedEntry.open("some other program's value".getBytes()));
    }
}
