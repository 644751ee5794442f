package ai.aimix.dsp.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.dsp.Signals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The filters as run over real samples, against the RBJ cookbook's analogue prototypes evaluated at the
 * bilinear-warped frequency (the digital filter equals its prototype at Omega = tan(w/2) / tan(w0/2)).
 */
class BiquadTest {
    private static final double TOLERANCE_DB = 0.05;
    private static final double[] PROBES = {30, 100, 250, 1000, 3000, 8000, 15000};

    enum Kind {
        PEAK,
        LOW_SHELF,
        HIGH_SHELF
    }

    /** |H(j Omega)| of the normalised analogue prototypes of the cookbook. */
    static double analogMagnitude(Kind kind, double omega, double a, double q) {
        double re;
        double im;
        double dre;
        double dim;
        double w2 = omega * omega;
        switch (kind) {
            case PEAK: // (s^2 + s A/Q + 1) / (s^2 + s/(A Q) + 1)
                re = 1 - w2;
                im = omega * a / q;
                dre = 1 - w2;
                dim = omega / (a * q);
                return Math.hypot(re, im) / Math.hypot(dre, dim);
            case LOW_SHELF: // A (s^2 + sqrt(A)/Q s + A) / (A s^2 + sqrt(A)/Q s + 1)
                re = a - w2;
                im = Math.sqrt(a) / q * omega;
                dre = 1 - a * w2;
                dim = Math.sqrt(a) / q * omega;
                return a * Math.hypot(re, im) / Math.hypot(dre, dim);
            default: // A (A s^2 + sqrt(A)/Q s + 1) / (s^2 + sqrt(A)/Q s + A)
                re = 1 - a * w2;
                im = Math.sqrt(a) / q * omega;
                dre = a - w2;
                dim = Math.sqrt(a) / q * omega;
                return a * Math.hypot(re, im) / Math.hypot(dre, dim);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "PEAK,44100,1000,1.0,6", "PEAK,44100,1000,1.0,-12", "PEAK,48000,2500,0.7,9",
        "LOW_SHELF,44100,100,1.0,6", "LOW_SHELF,44100,100,1.0,-9", "LOW_SHELF,48000,250,0.5,12",
        "HIGH_SHELF,44100,8000,1.0,6", "HIGH_SHELF,44100,8000,1.0,-12", "HIGH_SHELF,96000,5000,1.0,3"
    })
    void filteredSinesFollowTheCookbookResponse(Kind kind, double sr, double f0, double qOrSlope, double db) {
        Biquad bq;
        double q;
        double a = Math.pow(10, db / 40);
        switch (kind) {
            case PEAK:
                bq = Biquad.peaking(sr, f0, qOrSlope, db);
                q = qOrSlope;
                break;
            case LOW_SHELF:
                bq = Biquad.lowShelf(sr, f0, qOrSlope, db);
                q = Biquad.shelfQ(a, qOrSlope);
                break;
            default:
                bq = Biquad.highShelf(sr, f0, qOrSlope, db);
                q = Biquad.shelfQ(a, qOrSlope);
        }
        double warp = Math.tan(Math.PI * f0 / sr);
        for (double f : PROBES) {
            if (f >= sr / 2) {
                continue;
            }
            int n = (int) sr; // one second; measure over the last half, after the transient
            float[] x = Signals.sine(f, 0.25, sr, n, 0.1);
            float[] y = x.clone();
            BiquadCascade c = new BiquadCascade(1, 1);
            c.set(0, bq);
            for (int off = 0; off < n; off += 777) { // odd block sizes: state carries over
                c.process(y, y, off, Math.min(777, n - off));
            }
            double measuredDb = Signals.db(Signals.amplitudeAt(y, n / 2, n, f, sr) / 0.25);
            double omega = Math.tan(Math.PI * f / sr) / warp;
            double expectedDb = Signals.db(analogMagnitude(kind, omega, a, q));
            assertEquals(expectedDb, measuredDb, TOLERANCE_DB, kind + " at " + f + " Hz");
            assertEquals(expectedDb, Signals.db(bq.magnitude(sr, f)), 1e-6, "closed form at " + f + " Hz");
        }
    }

    @ParameterizedTest
    @CsvSource({"44100,6", "48000,-9", "22050,12"})
    void analyticTruths(double sr, double db) {
        // peaking: the full gain at f0; shelves: the full gain at DC / Nyquist, half of it (in dB) at f0, 0 dB far away
        assertEquals(db, Signals.db(Biquad.peaking(sr, 1000, 1, db).magnitude(sr, 1000)), 1e-9);
        assertEquals(db, Signals.db(Biquad.lowShelf(sr, 100, 1, db).magnitude(sr, 1e-6)), 1e-6);
        assertEquals(db / 2, Signals.db(Biquad.lowShelf(sr, 100, 1, db).magnitude(sr, 100)), 1e-9);
        assertEquals(0, Signals.db(Biquad.lowShelf(sr, 100, 1, db).magnitude(sr, sr / 2 - 1e-6)), 1e-6);
        assertEquals(db, Signals.db(Biquad.highShelf(sr, 5000, 1, db).magnitude(sr, sr / 2 - 1e-6)), 1e-6);
        assertEquals(db / 2, Signals.db(Biquad.highShelf(sr, 5000, 1, db).magnitude(sr, 5000)), 1e-9);
        assertEquals(0, Signals.db(Biquad.highShelf(sr, 5000, 1, db).magnitude(sr, 1e-6)), 1e-6);
    }
}
