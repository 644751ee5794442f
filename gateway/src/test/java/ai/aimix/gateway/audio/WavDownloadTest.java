package ai.aimix.gateway.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Mixed audio stored chunk by chunk, downloaded as 24-bit WAV whole or by range, and drawn as a waveform. */
class WavDownloadTest {
    static final int RATE = 48000;

    static float[] music(int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[2 * frames];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.8 * Math.sin(i * 0.01) + 0.1 * (r.nextDouble() - 0.5));
        }
        return x;
    }

    /** The audio as the job sends it: chunks of {@code chunk} frames, in order, the last flagged. */
    static MixAudio stored(AudioStore store, float[] x, int chunk, SampleEncoding enc) {
        return stored(store, x, chunk, enc, RATE);
    }

    static MixAudio stored(AudioStore store, float[] x, int chunk, SampleEncoding enc, int rate) {
        MixAudio m = store.create("mix_t");
        int frames = x.length / 2;
        long seq = 0;
        for (int f = 0; f < frames; f += chunk) {
            int n = Math.min(chunk, frames - f);
            ByteBuffer data = Pcm.encode(x, 2 * f, 2 * n, enc);
            m.append(new MixOutputChunk(
                    "mix_t",
                    Variant.MAIN,
                    "m1",
                    seq++,
                    (long) f,
                    rate,
                    2,
                    enc,
                    data,
                    f + n >= frames,
                    Checksums.crc32c(data)));
        }
        return m;
    }

    /** 24-bit (the default download) and 32-bit float (the stored samples exactly, {@code format=wav-float}). */
    @ParameterizedTest
    @EnumSource(
            value = Wav.Encoding.class,
            names = {"PCM_24", "FLOAT_32"})
    void theWholeFileAndAnyRangeOfItAreWhatWavWriteWrites(Wav.Encoding encoding, @TempDir Path tmp) throws Exception {
        float[] x = music(30011, 1);
        try (AudioStore store = new AudioStore(tmp.resolve("store"))) {
            MixAudio m = stored(store, x, 4096, SampleEncoding.PCM_F32LE);
            VariantAudio a = m.variant(Variant.MAIN);
            assertEquals(true, a.complete());
            assertEquals(30011, a.frames());
            WavDownload wav = new WavDownload(a, encoding);
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            wav.write(whole, 0, wav.length() - 1);
            byte[] bytes = whole.toByteArray();
            assertEquals(wav.length(), bytes.length);
            Path f = tmp.resolve("mix.wav");
            Files.write(f, bytes);
            Audio back = Wav.read(f);
            assertEquals(RATE, back.sampleRate());
            assertEquals(2, back.channels());
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            Wav.write(expected, new Audio(RATE, 2, x), encoding);
            assertArrayEquals(expected.toByteArray(), bytes, "what Wav.write would write");
            // ranges: across the header, inside a sample, to the end
            for (long[] r : new long[][] {
                {0, 0}, {10, 100}, {43, 47}, {1001, 1001}, {5000, 70001}, {bytes.length - 7, bytes.length - 1}
            }) {
                ByteArrayOutputStream part = new ByteArrayOutputStream();
                wav.write(part, r[0], r[1]);
                assertArrayEquals(
                        Arrays.copyOfRange(bytes, (int) r[0], (int) r[1] + 1), part.toByteArray(), Arrays.toString(r));
            }
            m.close();
        }
    }

    /** Closing a mix removes its directory whatever is in it (a render that failed half-way leaves a part file). */
    @Test
    void closingAMixRemovesItsDirectoryWithWhatIsLeftInIt(@TempDir Path tmp) throws Exception {
        try (AudioStore store = new AudioStore(tmp.resolve("store"))) {
            MixAudio m = stored(store, music(2000, 3), 500, SampleEncoding.PCM_F32LE);
            Path part = m.renderFile("rnd_x").resolveSibling("render-rnd_x.f32.part");
            Files.writeString(part, "half a render");
            m.close();
            assertEquals(false, Files.exists(tmp.resolve("store").resolve("mix_t")));
        }
    }

    @Test
    void sixteenBitChunksAreStoredAsTheirValues(@TempDir Path tmp) throws Exception {
        float[] x = music(5000, 2);
        try (AudioStore store = new AudioStore(tmp)) {
            MixAudio m = stored(store, x, 1024, SampleEncoding.PCM_S16LE);
            float[] got = new float[x.length];
            m.variant(Variant.MAIN).read(0, got, got.length);
            float[] expected =
                    Pcm.decode(Pcm.encode(x, 0, x.length, SampleEncoding.PCM_S16LE), SampleEncoding.PCM_S16LE);
            assertArrayEquals(expected, got, 0f);
        }
    }

    @Test
    void theWaveformHoldsEachSpansExtremes(@TempDir Path tmp) throws Exception {
        float[] x = new float[2 * 1000];
        x[2 * 150] = 0.9f; // span 1 of 10 (frames 100..199), left
        x[2 * 950 + 1] = -0.7f; // span 9, right
        try (AudioStore store = new AudioStore(tmp)) {
            MixAudio m = stored(store, x, 300, SampleEncoding.PCM_F32LE);
            float[] w = m.variant(Variant.MAIN).waveform(10);
            assertSame(w, m.variant(Variant.MAIN).waveform(10), "computed once");
            assertEquals(0.9f, w[3]);
            assertEquals(0f, w[2]);
            assertEquals(-0.7f, w[18]);
            assertEquals(0f, w[0]);
            assertEquals(0f, w[1]);
        }
    }
}
