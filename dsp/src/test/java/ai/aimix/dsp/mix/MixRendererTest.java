package ai.aimix.dsp.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.Signals;
import ai.aimix.dsp.loudness.LoudnessMeter;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MixRendererTest {

    static RenderSettings settings(double sr, int segment) {
        return RenderSettings.builder(sr)
                .segmentFrames(segment)
                .rampFrames(Math.min(2048, segment))
                .build();
    }

    /** Varied stems: a stereo drum-like noise burst pattern, a mono bass sine, a stereo chord. */
    static float[][] stems(int frames, double sr) {
        float[] drumsL = new float[frames];
        float[] drumsR = new float[frames];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < frames; i++) {
            double env = Math.exp(-((i % (int) (sr / 2)) / (0.05 * sr)));
            drumsL[i] = (float) (0.8 * env * (2 * r.nextDouble() - 1));
            drumsR[i] = (float) (0.8 * env * (2 * r.nextDouble() - 1));
        }
        float[] bass = Signals.sine(55, 0.6, sr, frames, 0);
        float[] chordL = new float[frames];
        float[] chordR = new float[frames];
        for (int i = 0; i < frames; i++) {
            double t = i / sr;
            chordL[i] = (float) (0.2 * (Math.sin(2 * Math.PI * 261.6 * t) + Math.sin(2 * Math.PI * 329.6 * t)));
            chordR[i] = (float) (0.2 * (Math.sin(2 * Math.PI * 392.0 * t) + Math.sin(2 * Math.PI * 523.2 * t)));
        }
        return new float[][] {Signals.interleave(drumsL, drumsR), bass, Signals.interleave(chordL, chordR)};
    }

    static float[][][] randomSchedule(int segments, int stems, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][][] s = new float[segments][stems][];
        for (int k = 0; k < segments; k++) {
            for (int i = 0; i < stems; i++) {
                s[k][i] = new float[] {
                    (float) (-12 + 18 * r.nextDouble()), (float) (2 * r.nextDouble() - 1),
                    (float) (-12 + 24 * r.nextDouble()), (float) (-12 + 24 * r.nextDouble()),
                    (float) (-12 + 24 * r.nextDouble()), (float) (-40 + 40 * r.nextDouble()),
                    (float) (1 + 7 * r.nextDouble())
                };
            }
        }
        return s;
    }

    /** The streaming path (a fresh renderer per segment, state saved and restored) equals the offline render. */
    @ParameterizedTest
    @CsvSource({"44100,8192,50000", "48000,4096,4096", "44100,65536,200000", "22050,2048,10001"})
    void streamedEqualsOffline(double sr, int segment, int frames) {
        RenderSettings s = settings(sr, segment);
        float[][] audio = stems(frames, sr);
        int[] channels = {2, 1, 2};
        int segments = (frames + segment - 1) / segment;
        float[][][] schedule = randomSchedule(segments, 3, frames);

        float[] offline = OfflineRenderer.render(s, audio, channels, frames, schedule);

        float[] streamed = new float[2 * frames];
        int written = 0;
        byte[] state = null;
        for (int k = 0; k < segments; k++) {
            int start = k * segment;
            int n = Math.min(segment, frames - start);
            float[][] seg = new float[3][];
            for (int i = 0; i < 3; i++) {
                seg[i] = Arrays.copyOfRange(audio[i], start * channels[i], (start + n) * channels[i]);
            }
            MixRenderer r = new MixRenderer(s, channels);
            if (state != null) {
                r.load(state);
            }
            float[] out = r.renderSegment(seg, 0, n, schedule[k]);
            System.arraycopy(out, 0, streamed, written, out.length);
            written += out.length;
            if (k == segments - 1) {
                float[] tail = r.finish();
                System.arraycopy(tail, 0, streamed, written, tail.length);
                written += tail.length;
            }
            state = r.save();
        }
        assertEquals(2 * frames, written);
        double maxDiff = 0;
        for (int i = 0; i < offline.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(offline[i] - streamed[i]));
        }
        assertTrue(maxDiff <= 1e-4, "max difference " + maxDiff);
        assertEquals(0.0, maxDiff, "the same code path on the same numbers is bit-exact");
    }

    @Test
    void neutralParametersReachTheLoudnessTargetUnderTheCeiling() {
        double sr = 44100;
        int frames = (int) (sr * 20);
        int segment = 16384;
        RenderSettings s = settings(sr, segment);
        float[][] audio = stems(frames, sr);
        int[] channels = {2, 1, 2};
        int segments = (frames + segment - 1) / segment;
        float[][][] schedule = new float[segments][3][];
        for (float[][] seg : schedule) {
            for (int i = 0; i < 3; i++) {
                seg[i] = MixParams.neutral();
            }
        }
        float[] out = OfflineRenderer.render(s, audio, channels, frames, schedule);
        float[] l = new float[frames];
        float[] r = new float[frames];
        float peak = 0;
        for (int i = 0; i < frames; i++) {
            l[i] = out[2 * i];
            r[i] = out[2 * i + 1];
            peak = Math.max(peak, Math.max(Math.abs(l[i]), Math.abs(r[i])));
        }
        LoudnessMeter m = new LoudnessMeter(sr, 2);
        m.push(l, r, 0, frames);
        assertEquals(-14.0, m.integratedLufs(), 1.0);
        assertTrue(peak <= (float) Math.pow(10, -1 / 20.0), "sample peak " + peak);
    }

    /** A big parameter jump at a segment boundary is ramped: no step in the output larger than the signal's own. */
    @Test
    void parameterJumpsDoNotClick() {
        double sr = 44100;
        int segment = 8192;
        int frames = 4 * segment;
        RenderSettings s = RenderSettings.builder(sr)
                .segmentFrames(segment)
                .rampFrames(2048)
                .masterGainRange(0, 0)
                .ceilingDbfs(0)
                .build();
        float[] tone = Signals.sine(100, 0.25, sr, frames, 0);
        float[][][] schedule = new float[4][1][];
        schedule[0][0] = new float[] {-12, -1, 0, 0, 0, 0, 1};
        schedule[1][0] = new float[] {6, 1, 12, -12, 12, -30, 8};
        schedule[2][0] = new float[] {-12, -1, 0, 0, 0, 0, 1};
        schedule[3][0] = new float[] {6, 1, 12, -12, 12, -30, 8};
        float[] out = OfflineRenderer.render(s, new float[][] {tone}, new int[] {1}, frames, schedule);
        // the steepest possible step of the loudest steady state: 100 Hz at up to 0.25 * 2 (+6 dB) * eq boost ~4
        double naturalStep = 2 * Math.PI * 100 / sr * 0.25 * 2 * 4;
        for (int i = 2; i < out.length; i += 2) {
            double step = Math.abs(out[i] - out[i - 2]);
            assertTrue(step < naturalStep, "left step " + step + " at frame " + i / 2);
        }
    }

    /**
     * The two stages run as a pipeline — a segment's stems summed on this thread while the previous segment's master
     * runs on another, two buses taking turns — give exactly the output of renderSegment.
     */
    @Test
    void theStagesPipelinedOnTwoThreadsEqualRenderSegment() throws Exception {
        double sr = 44100;
        int segment = 8192;
        int frames = 5 * segment + 1234;
        float[][] audio = stems(frames, sr);
        int[] channels = {2, 1, 2};
        int segments = (frames + segment - 1) / segment;
        float[][][] schedule = randomSchedule(segments, 3, 7);
        RenderSettings s = settings(sr, segment);

        MixRenderer one = new MixRenderer(s, channels);
        float[] whole = new float[0];
        for (int k = 0; k < segments; k++) {
            int n = Math.min(segment, frames - k * segment);
            whole = concat(whole, one.renderSegment(offsetAudio(audio, channels, k * segment, n), 0, n, schedule[k]));
        }
        whole = concat(whole, one.finish());

        MixRenderer two = new MixRenderer(s, channels);
        float[][][] buses = {{new float[segment], new float[segment]}, {new float[segment], new float[segment]}};
        ExecutorService master = Executors.newSingleThreadExecutor();
        float[][] out = {new float[0]};
        try {
            Future<?> previous = CompletableFuture.completedFuture(null);
            for (int k = 0; k < segments; k++) {
                int n = Math.min(segment, frames - k * segment);
                float[][] bus = buses[k % 2];
                two.sumStems(
                        offsetAudio(audio, channels, k * segment, n),
                        0,
                        n,
                        schedule[k],
                        ParallelRunner.SEQUENTIAL,
                        bus[0],
                        bus[1]);
                previous.get();
                previous = master.submit(() -> out[0] = concat(out[0], two.master(bus[0], bus[1], n)));
            }
            previous.get();
        } finally {
            master.shutdown();
        }
        float[] piped = concat(out[0], two.finish());
        assertArrayEquals(whole, piped);
    }

    /**
     * With the output meters left to the caller, who meters each block on a third thread after its master, the audio
     * and every figure of the output are exactly those of a renderer that meters its own output.
     */
    @Test
    void outputMeteredByTheCallerReadsAsMeteredByTheBus() throws Exception {
        double sr = 48000;
        int segment = 8192;
        int frames = 7 * segment + 99;
        float[][] audio = stems(frames, sr);
        int[] channels = {2, 1, 2};
        int segments = (frames + segment - 1) / segment;
        float[][][] schedule = randomSchedule(segments, 3, 11);
        RenderSettings s = settings(sr, segment);

        MixRenderer own = new MixRenderer(s, channels);
        float[] whole = new float[0];
        for (int k = 0; k < segments; k++) {
            int n = Math.min(segment, frames - k * segment);
            whole = concat(whole, own.renderSegment(offsetAudio(audio, channels, k * segment, n), 0, n, schedule[k]));
        }
        whole = concat(whole, own.finish());

        MixRenderer deferred = new MixRenderer(s, channels);
        deferred.deferOutputMeters();
        ExecutorService meters = Executors.newSingleThreadExecutor();
        float[][] out = {new float[0]};
        try {
            for (int k = 0; k < segments; k++) {
                int n = Math.min(segment, frames - k * segment);
                float[] block = deferred.renderSegment(offsetAudio(audio, channels, k * segment, n), 0, n, schedule[k]);
                meters.submit(() -> {
                    deferred.meterOutput(block);
                    out[0] = concat(out[0], block);
                });
            }
            float[] tail = deferred.finish();
            meters.submit(() -> {
                        deferred.meterOutput(tail);
                        out[0] = concat(out[0], tail);
                    })
                    .get();
        } finally {
            meters.shutdown();
        }
        assertArrayEquals(whole, out[0]);
        assertEquals(own.outputLufs(), deferred.outputLufs(), 0.0);
        assertEquals(own.outputLoudnessRangeLu(), deferred.outputLoudnessRangeLu(), 0.0);
        assertEquals(own.outputMomentaryMaxLufs(), deferred.outputMomentaryMaxLufs(), 0.0);
        assertEquals(own.truePeakDbtp(), deferred.truePeakDbtp(), 0.0);
        assertEquals(own.samplePeakDbfs(), deferred.samplePeakDbfs(), 0.0);
        assertEquals(own.framesOut(), deferred.framesOut());
    }

    private static float[][] offsetAudio(float[][] audio, int[] channels, int from, int n) {
        float[][] out = new float[audio.length][];
        for (int i = 0; i < audio.length; i++) {
            out[i] = Arrays.copyOfRange(audio[i], from * channels[i], (from + n) * channels[i]);
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
