package ai.aimix.dsp.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.aimix.dsp.Signals;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
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
}
