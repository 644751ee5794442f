package ai.aimix.dsp.dynamics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.Signals;
import ai.aimix.dsp.loudness.Oversampler;
import ai.aimix.dsp.loudness.TruePeakMeter;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import org.junit.jupiter.api.Test;

class LookaheadLimiterTest {

    @Test
    void delaysByTheLookaheadAndPassesQuietSignalsUnchanged() {
        LookaheadLimiter lim = new LookaheadLimiter(48000, 2, 50, -1);
        int d = lim.latency();
        assertEquals(96 + Oversampler.DELAY, d);
        float[] x = Signals.noise(5000, 0.5, 1);
        float[] out = new float[2 * (x.length + d)];
        lim.process(x, x, 0, x.length, out, 0);
        lim.flush(out, 2 * x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], out[2 * (i + d)], 0f);
            assertEquals(x[i], out[2 * (i + d) + 1], 0f);
        }
        assertEquals(0.0, lim.maxReductionDb(), 0);
    }

    @Test
    void neverExceedsTheCeilingAndDoesNotOverReduce() {
        double sr = 44100;
        LookaheadLimiter lim = new LookaheadLimiter(sr, 2, 50, -1);
        float ceiling = lim.ceiling();
        float[] l = Signals.sine(440, 1.6, sr, 44100, 0);
        float[] r = Signals.noise(44100, 1.2, 3);
        for (int i = 20000; i < 20010; i++) {
            l[i] = 4f; // an isolated spike
        }
        float[] out = new float[2 * l.length];
        lim.process(l, r, 0, l.length, out, 0);
        float max = 0;
        for (float v : out) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= ceiling, "peak " + max + " above ceiling " + ceiling);
        assertTrue(max > 0.99f * ceiling, "limiter pulls peaks down to the ceiling, not below: " + max);
        assertTrue(lim.maxReductionDb() < -10);
    }

    /** Peaks between samples count: the output's true peak (4x oversampled) stays at the ceiling. */
    @Test
    void limitsTruePeakNotJustSamplePeak() {
        double sr = 48000;
        LookaheadLimiter lim = new LookaheadLimiter(sr, 2, 50, -1);
        // fs/4 at 45 degrees: samples at 0.707 of a true amplitude of 1.5; plus loud noise bursts
        float[] l = Signals.sine(sr / 4, 1.5, sr, 48000, Math.PI / 4);
        float[] r = Signals.noise(48000, 1.3, 11);
        float[] out = new float[2 * l.length];
        lim.process(l, r, 0, l.length, out, 0);
        TruePeakMeter meter = new TruePeakMeter(2);
        meter.pushInterleaved(out, 0, l.length);
        double tp = TruePeakMeter.toDb(meter.truePeak());
        assertTrue(tp <= -1.0 + 0.05, "true peak " + tp + " dBTP over a -1 dBTP ceiling");
        assertTrue(tp > -1.5, "not over-limited: " + tp);
    }

    @Test
    void stateRoundTripGivesIdenticalOutput() {
        float[] l = Signals.noise(20000, 2.0, 5);
        float[] r = Signals.noise(20000, 1.5, 6);
        LookaheadLimiter whole = new LookaheadLimiter(44100, 1.5, 40, -1);
        float[] expected = new float[2 * l.length];
        whole.process(l, r, 0, l.length, expected, 0);

        float[] actual = new float[2 * l.length];
        byte[] state = null;
        for (int off = 0; off < l.length; off += 3001) {
            LookaheadLimiter part = new LookaheadLimiter(44100, 1.5, 40, -1);
            if (state != null) {
                part.load(new StateReader(state));
            }
            int n = Math.min(3001, l.length - off);
            part.process(l, r, off, n, actual, 2 * off);
            StateWriter w = new StateWriter();
            part.save(w);
            state = w.toByteArray();
        }
        assertArrayEquals(expected, actual);
    }
}
