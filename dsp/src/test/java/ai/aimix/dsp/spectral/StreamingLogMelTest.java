package ai.aimix.dsp.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.dsp.Signals;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Frames continue across block boundaries exactly as if the signal were one array. */
class StreamingLogMelTest {

    @ParameterizedTest
    @CsvSource({
        "100,2048,512,7",
        "1024,2048,512,1",
        "1025,2048,512,2",
        "65536,2048,512,1",
        "65536,2048,512,5",
        "200000,2048,512,13",
        "44100,1024,256,9",
        "30000,2048,512,40"
    })
    void anySplitGivesTheWholeArrayFrames(int length, int nFft, int hop, long seed) {
        double sr = 44100;
        float[] x = Signals.noise(length, 0.5, seed);
        MelFilterbank bank = MelFilterbank.librosaDefault(sr, nFft, 64);
        float[][] whole = Stft.melPower(x, nFft, hop, PadMode.CONSTANT, bank);
        int frames = Stft.frameCount(length, hop);
        assertEquals(frames, whole[0].length);

        // random block sizes, restoring from saved state before every block
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[64 * frames];
        byte[] state = new StreamingLogMel(bank, nFft, hop).saveState();
        int pos = 0;
        int emitted = 0;
        do {
            int n = Math.min(length - pos, 1 + r.nextInt(3 * nFft));
            boolean last = pos + n == length;
            StreamingLogMel s = new StreamingLogMel(bank, nFft, hop);
            s.loadState(state);
            int expected = s.framesFor(n, last);
            int got = s.push(x, pos, n, last, out, frames, emitted);
            assertEquals(expected, got);
            emitted += got;
            pos += n;
            state = s.saveState();
        } while (pos < length);
        assertEquals(frames, emitted);
        for (int m = 0; m < 64; m++) {
            for (int t = 0; t < frames; t++) {
                assertEquals(Decibels.powerToDb(whole[m][t]), out[m * frames + t], 0.0, "band " + m + " frame " + t);
            }
        }
    }
}
