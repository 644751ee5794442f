package ai.aimix.dsp.resample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerStreamTest {

    /** Streamed in blocks of any size, the output is the whole-array output, bit for bit. */
    @ParameterizedTest(name = "{0} -> {1} Hz in blocks of up to {2}")
    @CsvSource({
        "44100, 48000, 1",
        "44100, 48000, 37",
        "44100, 48000, 4410",
        "22050, 48000, 1000",
        "48000, 44100, 513",
        "96000, 48000, 8192",
        "48000, 48000, 100",
        "44100, 48000, 100000"
    })
    void streamedEqualsWhole(int from, int to, int maxBlock) {
        SplittableRandom rnd = new SplittableRandom(from + to + maxBlock);
        int n = 20_000 + rnd.nextInt(1000);
        float[][] x = new float[2][n];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) {
                x[c][i] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        Resampler r = new Resampler(from, to);
        float[][] whole = r.process(x);
        ResamplerStream s = r.stream(2);
        float[][] streamed = {new float[0], new float[0]};
        for (int at = 0; at < n; ) {
            int len = Math.min(n - at, 1 + rnd.nextInt(maxBlock));
            float[][] block = {Arrays.copyOfRange(x[0], at, at + len), Arrays.copyOfRange(x[1], at, at + len)};
            streamed = append(streamed, s.push(block, len));
            at += len;
        }
        streamed = append(streamed, s.finish());
        assertEquals(whole[0].length, s.produced());
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(whole[c], streamed[c], "channel " + c);
        }
    }

    @ParameterizedTest(name = "{0} -> {1} Hz")
    @CsvSource({"44100, 48000", "48000, 48000"})
    void refusesWrongChannelsAndPushesAfterTheEnd(int from, int to) {
        ResamplerStream s = new Resampler(from, to).stream(2);
        assertThrows(IllegalArgumentException.class, () -> s.push(new float[1][4], 4));
        s.finish();
        assertThrows(IllegalStateException.class, () -> s.push(new float[2][4], 4));
    }

    private static float[][] append(float[][] a, float[][] b) {
        float[][] out = new float[a.length][];
        for (int c = 0; c < a.length; c++) {
            out[c] = Arrays.copyOf(a[c], a[c].length + b[c].length);
            System.arraycopy(b[c], 0, out[c], a[c].length, b[c].length);
        }
        return out;
    }
}
