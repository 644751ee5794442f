package ai.aimix.dsp.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.dsp.Signals;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BiquadCascadeTest {

    /** Three sections in one pass equal three single sections in series (float rounding between them aside), across splits with state saved and restored. */
    @ParameterizedTest
    @ValueSource(ints = {1, 32, 1000, 65536})
    void fusedEqualsSectionBySection(int block) {
        double sr = 44100;
        Biquad[] eq = {
            Biquad.lowShelf(sr, 100, 1, 5), Biquad.peaking(sr, 1000, 1.2, -7), Biquad.highShelf(sr, 8000, 1, 3)
        };
        float[] l = Signals.noise(70000, 0.7, 1);
        float[] r = Signals.noise(70000, 0.7, 2);
        float[] l2 = l.clone();
        float[] r2 = r.clone();

        BiquadCascade fused = new BiquadCascade(3, 2);
        for (int s = 0; s < 3; s++) {
            fused.set(s, eq[s]);
        }
        for (int off = 0; off < l.length; off += block) {
            // round-trip the state through bytes every block, as Flink state does
            StateWriter w = new StateWriter();
            fused.save(w);
            BiquadCascade restored = new BiquadCascade(3, 2);
            for (int s = 0; s < 3; s++) {
                restored.set(s, eq[s]);
            }
            restored.load(new StateReader(w.toByteArray()));
            fused = restored;
            fused.process(l, r, off, Math.min(block, l.length - off));
        }

        BiquadCascade[] single = new BiquadCascade[3];
        for (int s = 0; s < 3; s++) {
            single[s] = new BiquadCascade(1, 2);
            single[s].set(0, eq[s]);
        }
        for (int off = 0; off < l2.length; off += block) {
            int n = Math.min(block, l2.length - off);
            for (BiquadCascade c : single) {
                c.process(l2, r2, off, n);
            }
        }
        assertArrayEquals(l2, l, 1e-5f);
        assertArrayEquals(r2, r, 1e-5f);
    }

    /**
     * A section flat from the start (0 dB: the identity, to the bit) is skipped and passes its input on exactly: the
     * cascade equals one of the other two sections alone, bit for bit, in stereo and mono, across blocks.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void flatSectionIsSkippedExactly(int channels) {
        double sr = 44100;
        Biquad low = Biquad.lowShelf(sr, 100, 1, 5);
        Biquad high = Biquad.highShelf(sr, 8000, 1, -4);
        float[] l = Signals.noise(20000, 0.7, 3);
        float[] r = Signals.noise(20000, 0.7, 4);
        float[] l2 = l.clone();
        float[] r2 = r.clone();
        BiquadCascade three = new BiquadCascade(3, channels);
        three.set(0, low);
        three.set(1, Biquad.peaking(sr, 1000, 1.2, 0));
        three.set(2, high);
        BiquadCascade two = new BiquadCascade(2, channels);
        two.set(0, low);
        two.set(1, high);
        for (int off = 0; off < l.length; off += 777) {
            int n = Math.min(777, l.length - off);
            three.process(l, channels == 2 ? r : null, off, n);
            two.process(l2, channels == 2 ? r2 : null, off, n);
        }
        assertArrayEquals(l2, l);
        if (channels == 2) {
            assertArrayEquals(r2, r);
        }
    }

    /**
     * A section made flat in mid-stream still rings out what it holds (its state does not follow its input yet): the
     * cascade equals a plain direct-form-I reference in double precision, where a skipped section would differ.
     */
    @Test
    void sectionTurnedFlatRingsOut() {
        double sr = 44100;
        Biquad[] before = {
            Biquad.lowShelf(sr, 100, 1, 6), Biquad.peaking(sr, 1000, 4, 12), Biquad.highShelf(sr, 8000, 1, -3)
        };
        Biquad[] after = {before[0], Biquad.peaking(sr, 1000, 4, 0), before[2]};
        float[] x = Signals.noise(8000, 0.5, 5);
        float[] y = x.clone();
        BiquadCascade c = new BiquadCascade(3, 1);
        double[][] ref = new double[3][4];
        double[][] dropped = new double[3][4]; // what skipping the mid section at the change would give
        double[] expected = new double[x.length];
        double ringing = 0;
        for (int off = 0; off < x.length; off += 1000) {
            Biquad[] eq = off < 4000 ? before : after;
            for (int s = 0; s < 3; s++) {
                c.set(s, eq[s]);
            }
            c.process(y, null, off, 1000);
            for (int i = off; i < off + 1000; i++) {
                expected[i] = directForm(eq, ref, x[i], false);
                double skipped = directForm(eq, dropped, x[i], off >= 4000);
                ringing = Math.max(ringing, Math.abs(skipped - expected[i]));
            }
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], y[i], 1e-5, "sample " + i);
        }
        assertEquals(true, ringing > 1e-3, "what the mid section still rings after the change: " + ringing);
    }

    /** Direct form I through the sections in double precision; {@code skipMid} passes the middle one's input on. */
    private static double directForm(Biquad[] eq, double[][] h, double x, boolean skipMid) {
        double v = x;
        for (int s = 0; s < 3; s++) {
            if (skipMid && s == 1) {
                continue;
            }
            double[] st = h[s];
            double out = eq[s].b0 * v + eq[s].b1 * st[0] + eq[s].b2 * st[1] - eq[s].a1 * st[2] - eq[s].a2 * st[3];
            st[1] = st[0];
            st[0] = v;
            st[3] = st[2];
            st[2] = out;
            v = out;
        }
        return v;
    }
}
