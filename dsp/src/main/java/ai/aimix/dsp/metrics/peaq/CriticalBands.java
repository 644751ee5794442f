package ai.aimix.dsp.metrics.peaq;

import java.util.Arrays;

/**
 * The fixed tables of the PEAQ basic version's FFT ear model (ITU-R BS.1387-1, section 2.1; P. Kabal, "An
 * examination and interpretation of ITU-R BS.1387", 2002): 109 bands a quarter Bark wide from 80 Hz to 18 kHz on the
 * Bark scale z = 7 asinh(f / 650), their DFT-bin mapping with fractional edge bins, the outer and middle ear
 * weighting, the internal noise, the spreading normalisation, the masking offsets, the loudness constants and the
 * time constants of the three first-order smoothers.
 *
 * <p>The band edges are computed from the formula; BS.1387's Table 7 lists the same values rounded to 1 mHz, except
 * for two misprinted upper edges (bands 28 and 70), where the formula's values are used.
 */
final class CriticalBands {
    static final double FS = 48000;
    static final int NF = 2048;
    static final int HOP = NF / 2;
    static final int BINS = NF / 2 + 1;
    /** Frames per second. */
    static final double FSS = FS / HOP;

    static final double DZ = 0.25;
    static final double F_LOW = 80;
    static final double F_HIGH = 18000;
    static final double EMIN = 1e-12;

    final int nc;
    final double[] fc;
    final int[] kl;
    final int[] ku;
    final double[] ul;
    final double[] uu;
    /** Outer and middle ear weighting per DFT bin, as a power gain. */
    final double[] earWeight = new double[BINS];
    /** Internal noise per band (power). */
    final double[] internalNoise;
    /** Spreading of an all-ones pattern: the normalisation of the spreading function. */
    final double[] spreadNorm;
    /** NMR masking offsets (power factors). */
    final double[] maskOffset;
    /** Loudness: excitation threshold, excitation index s and the constant c (Et / (s E0))^0.23. */
    final double[] loudThreshold;

    final double[] loudIndex;
    final double[] loudScale;
    /** Time smoothing of excitation patterns (tau_100 30 ms), adaptation and modulation (50 ms): a, 1 - a. */
    final double[] smearA;

    final double[] adaptA;

    CriticalBands() {
        double zl0 = bark(F_LOW);
        double zu0 = bark(F_HIGH);
        nc = (int) Math.ceil((zu0 - zl0) / DZ);
        fc = new double[nc];
        double[] fl = new double[nc];
        double[] fu = new double[nc];
        for (int i = 0; i < nc; i++) {
            double zl = zl0 + i * DZ;
            double zu = Math.min(zl0 + (i + 1) * DZ, zu0);
            fl[i] = hz(zl);
            fu[i] = hz(zu);
            fc[i] = hz(0.5 * (zl + zu));
        }
        kl = new int[nc];
        ku = new int[nc];
        ul = new double[nc];
        uu = new double[nc];
        double df = FS / NF;
        for (int i = 0; i < nc; i++) {
            for (int k = 0; k < BINS; k++) {
                if ((k + 0.5) * df > fl[i]) {
                    kl[i] = k;
                    ul[i] = (Math.min(fu[i], (k + 0.5) * df) - Math.max(fl[i], (k - 0.5) * df)) / df;
                    break;
                }
            }
            for (int k = BINS - 1; k >= 0; k--) {
                if ((k - 0.5) * df < fu[i]) {
                    ku[i] = k;
                    uu[i] = kl[i] == k ? 0 : (Math.min(fu[i], (k + 0.5) * df) - Math.max(fl[i], (k - 0.5) * df)) / df;
                    break;
                }
            }
        }
        for (int k = 0; k < BINS; k++) {
            double f = k * (FS / 2) / (BINS - 1) / 1000;
            double db = -2.184 * Math.pow(f, -0.8)
                    + 6.5 * Math.exp(-0.6 * (f - 3.3) * (f - 3.3))
                    - 0.001 * Math.pow(f, 3.6);
            earWeight[k] = Math.pow(10, db / 10);
        }
        internalNoise = new double[nc];
        maskOffset = new double[nc];
        loudThreshold = new double[nc];
        loudIndex = new double[nc];
        loudScale = new double[nc];
        smearA = new double[nc];
        adaptA = new double[nc];
        for (int m = 0; m < nc; m++) {
            double fk = fc[m] / 1000;
            internalNoise[m] = Math.pow(10, 1.456 * Math.pow(fk, -0.8) / 10);
            double mdB = m <= 12 / DZ ? 3 : 0.25 * m * DZ;
            maskOffset[m] = Math.pow(10, -mdB / 10);
            loudThreshold[m] = Math.pow(10, 3.64 * Math.pow(fk, -0.8) / 10);
            double sdB = -2 - 2.05 * Math.atan(fc[m] / 4000) - 0.75 * Math.atan(Math.pow(fc[m] / 1600, 2));
            loudIndex[m] = Math.pow(10, sdB / 10);
            loudScale[m] = 1.07664 * Math.pow(loudThreshold[m] / (loudIndex[m] * 1e4), 0.23);
            smearA[m] = timeConstant(0.030, 0.008, fc[m]);
            adaptA[m] = timeConstant(0.050, 0.008, fc[m]);
        }
        double[] ones = new double[nc];
        Arrays.fill(ones, 1);
        double[] norm = new double[nc];
        Arrays.fill(norm, 1);
        spreadNorm = spread(ones, norm, new double[nc]);
    }

    static double bark(double f) {
        return 7 * asinh(f / 650);
    }

    static double hz(double z) {
        return 650 * Math.sinh(z / 7);
    }

    private static double asinh(double x) {
        return Math.log(x + Math.sqrt(x * x + 1));
    }

    /** a of y = a y + (1 - a) x for the band's time constant tau = tmin + 100 / fc (t100 - tmin), at the frame rate. */
    private static double timeConstant(double t100, double tmin, double fc) {
        double t = tmin + 100 / fc * (t100 - tmin);
        return Math.exp(-1 / (FSS * t));
    }

    /** Sum of the bins of a power spectrum in each band, the edge bins weighted by their overlap; at least EMIN. */
    void group(double[] power, double[] out) {
        for (int i = 0; i < nc; i++) {
            double e = ul[i] * power[kl[i]];
            for (int k = kl[i] + 1; k < ku[i]; k++) {
                e += power[k];
            }
            e += uu[i] * power[ku[i]];
            out[i] = Math.max(e, EMIN);
        }
    }

    /**
     * Level-dependent frequency spreading in the 0.4-power domain (the standard's two-sided slope: -27 dB/Bark below,
     * -(24 + 230 Hz / f) + 2 log10(E) dB/Bark above), normalised by {@code norm}. Returns {@code out}.
     */
    double[] spread(double[] e, double[] norm, double[] out) {
        double exponent = 0.4;
        double aL = Math.pow(10, -2.7 * DZ);
        double[] aUCEe = new double[nc];
        double[] ene = new double[nc];
        for (int m = 0; m < nc; m++) {
            double aUC = Math.pow(10, (-2.4 - 23 / fc[m]) * DZ);
            double aUCE = aUC * Math.pow(e[m], 0.2 * DZ);
            double gIL = (1 - Math.pow(aL, m + 1)) / (1 - aL);
            double gIU = (1 - Math.pow(aUCE, nc - m)) / (1 - aUCE);
            double en = e[m] / (gIL + gIU - 1);
            aUCEe[m] = Math.pow(aUCE, exponent);
            ene[m] = Math.pow(en, exponent);
        }
        double aLe = Math.pow(aL, exponent);
        out[nc - 1] = ene[nc - 1];
        for (int m = nc - 2; m >= 0; m--) {
            out[m] = aLe * out[m + 1] + ene[m];
        }
        for (int m = 0; m < nc - 1; m++) {
            double r = ene[m];
            double a = aUCEe[m];
            for (int i = m + 1; i < nc; i++) {
                r *= a;
                out[i] += r;
            }
        }
        for (int i = 0; i < nc; i++) {
            out[i] = Math.pow(out[i], 1 / exponent) / norm[i];
        }
        return out;
    }
}
