package ai.aimix.dsp.metrics.peaq;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The PEAQ basic version's FFT ear model and per-frame model output variable precursors for one channel pair
 * (reference, test), with the filter memories that carry from frame to frame. Follows BS.1387-1 section 2 and
 * P. Kabal's reading of it (the "PQevalAudio" reference): each 2048-sample frame (hop 1024) at 48 kHz is Hann
 * windowed with the gain that puts a full-scale 1019.5 Hz sine at 92 dB SPL, weighted by the outer and middle ear,
 * grouped into 109 quarter-Bark bands, given internal noise, spread over frequency and smeared over time.
 */
final class EarModel {
    private static final double LEVEL_DB = 92;
    private static final double LEVEL_FREQUENCY = 1019.5;
    /** EHS: energy threshold of a frame's second half, for full scale 1.0 (8000 for 16-bit full scale 32768). */
    static final double EHS_ENERGY_THRESHOLD = 8000.0 / (32768.0 * 32768.0);

    private static final int EHS_LAG = 256;

    private final CriticalBands cb;
    private final int nc;
    private final double[] window;
    private final DoubleFFT_1D fft = new DoubleFFT_1D(CriticalBands.NF);
    private final DoubleFFT_1D corrFft = new DoubleFFT_1D(2 * EHS_LAG);
    private final DoubleFFT_1D ehsFft = new DoubleFFT_1D(EHS_LAG);
    private final double[] ehsWindow;
    private final double[] modThreshold;

    // filter memories
    private final double[][] smeared;
    private final double[][] adaptP;
    private final double[] adaptRn;
    private final double[] adaptRd;
    private final double[][] adaptPc;
    private final double[][] envPrevious;
    private final double[][] envDerivative;
    private final double[][] envAverage;

    // per-frame work
    private final double[] work = new double[CriticalBands.NF];
    final double[][] power = new double[2][CriticalBands.BINS];
    private final double[][] weighted = new double[2][CriticalBands.BINS];
    private final double[] noisePower = new double[CriticalBands.BINS];
    private final double[] noiseBands;
    private final double[][] excitation;
    private final double[][] unsmeared;
    private final double[][] patterns;
    private final double[][] adapted;
    private final double[][] modulation;

    EarModel(CriticalBands cb) {
        this.cb = cb;
        this.nc = cb.nc;
        int nf = CriticalBands.NF;
        int w = nf - 1;
        double fcN = LEVEL_FREQUENCY / CriticalBands.FS;
        double df = 1.0 / nf;
        int k = (int) Math.floor(fcN / df);
        double dfN = Math.min((k + 1) * df - fcN, fcN - k * df);
        double dfW = dfN * w;
        double gp = Math.sin(Math.PI * dfW) / (Math.PI * dfW * (1 - dfW * dfW));
        double gain = Math.pow(10, LEVEL_DB / 20) / (gp * 1.0 / 4 * w);
        window = new double[nf];
        for (int n = 0; n < nf; n++) {
            window[n] = gain * 0.5 * (1 - Math.cos(2 * Math.PI * n / (nf - 1)));
        }
        ehsWindow = new double[EHS_LAG];
        for (int n = 0; n < EHS_LAG; n++) {
            ehsWindow[n] = Math.sqrt(8.0 / 3) / EHS_LAG * 0.5 * (1 - Math.cos(2 * Math.PI * n / (EHS_LAG - 1)));
        }
        modThreshold = new double[nc];
        for (int m = 0; m < nc; m++) {
            modThreshold[m] = Math.pow(cb.internalNoise[m], 0.3);
        }
        smeared = new double[2][nc];
        adaptP = new double[2][nc];
        adaptRn = new double[nc];
        adaptRd = new double[nc];
        adaptPc = new double[2][nc];
        envPrevious = new double[2][nc];
        envDerivative = new double[2][nc];
        envAverage = new double[2][nc];
        noiseBands = new double[nc];
        excitation = new double[2][nc];
        unsmeared = new double[2][nc];
        patterns = new double[2][nc];
        adapted = new double[2][nc];
        modulation = new double[2][nc];
    }

    /** One frame of both signals ({@code CriticalBands.NF} samples each, full scale 1.0); fills {@code out}. */
    void frame(double[] reference, double[] test, FrameMovs out) {
        spectrum(reference, power[0]);
        spectrum(test, power[1]);
        for (int k = 0; k < CriticalBands.BINS; k++) {
            double r = cb.earWeight[k] * power[0][k];
            double t = cb.earWeight[k] * power[1][k];
            weighted[0][k] = r;
            weighted[1][k] = t;
            noisePower[k] = r - 2 * Math.sqrt(r * t) + t;
        }
        cb.group(noisePower, noiseBands);
        for (int s = 0; s < 2; s++) {
            double[] bands = excitation[s];
            cb.group(weighted[s], bands);
            for (int m = 0; m < nc; m++) {
                bands[m] += cb.internalNoise[m];
            }
            cb.spread(bands, cb.spreadNorm, unsmeared[s]);
            for (int m = 0; m < nc; m++) {
                double a = cb.smearA[m];
                smeared[s][m] = a * smeared[s][m] + (1 - a) * unsmeared[s][m];
                patterns[s][m] = Math.max(smeared[s][m], unsmeared[s][m]);
            }
        }
        adapt();
        modulationPatterns();
        out.loudnessRef = loudness(patterns[0]);
        out.loudnessTest = loudness(patterns[1]);
        modulationDifference(out);
        out.noiseLoudness = noiseLoudness();
        bandwidth(out);
        noiseToMask(out);
        detection(out);
        out.ehs = errorHarmonicStructure(reference, test);
    }

    private void spectrum(double[] x, double[] p) {
        for (int i = 0; i < work.length; i++) {
            work[i] = window[i] * x[i];
        }
        fft.realForward(work);
        int half = CriticalBands.NF / 2;
        p[0] = work[0] * work[0];
        p[half] = work[1] * work[1];
        for (int k = 1; k < half; k++) {
            p[k] = work[2 * k] * work[2 * k] + work[2 * k + 1] * work[2 * k + 1];
        }
    }

    /** Level and pattern adaptation (BS.1387 2.1.6): spectrally adapted patterns in {@code adapted}. */
    private void adapt() {
        double sn = 0;
        double sd = 0;
        for (int m = 0; m < nc; m++) {
            double a = cb.adaptA[m];
            adaptP[0][m] = a * adaptP[0][m] + (1 - a) * patterns[0][m];
            adaptP[1][m] = a * adaptP[1][m] + (1 - a) * patterns[1][m];
            sn += Math.sqrt(adaptP[1][m] * adaptP[0][m]);
            sd += adaptP[1][m];
        }
        double cl = (sn / sd) * (sn / sd);
        double[] r0 = new double[nc];
        double[] r1 = new double[nc];
        for (int m = 0; m < nc; m++) {
            if (cl > 1) {
                adapted[0][m] = patterns[0][m] / cl;
                adapted[1][m] = patterns[1][m];
            } else {
                adapted[0][m] = patterns[0][m];
                adapted[1][m] = patterns[1][m] * cl;
            }
            double a = cb.adaptA[m];
            adaptRn[m] = a * adaptRn[m] + adapted[1][m] * adapted[0][m];
            adaptRd[m] = a * adaptRd[m] + adapted[0][m] * adapted[0][m];
            if (adaptRn[m] >= adaptRd[m]) {
                r0[m] = 1;
                r1[m] = adaptRd[m] / adaptRn[m];
            } else {
                r0[m] = adaptRn[m] / adaptRd[m];
                r1[m] = 1;
            }
        }
        for (int m = 0; m < nc; m++) {
            int lo = Math.max(m - 3, 0);
            int hi = Math.min(m + 4, nc - 1);
            double s0 = 0;
            double s1 = 0;
            for (int i = lo; i <= hi; i++) {
                s0 += r0[i];
                s1 += r1[i];
            }
            double a = cb.adaptA[m];
            adaptPc[0][m] = a * adaptPc[0][m] + (1 - a) * s0 / (hi - lo + 1);
            adaptPc[1][m] = a * adaptPc[1][m] + (1 - a) * s1 / (hi - lo + 1);
            adapted[0][m] *= adaptPc[0][m];
            adapted[1][m] *= adaptPc[1][m];
        }
    }

    /** Modulation patterns from the unsmeared excitation (BS.1387 2.1.7). */
    private void modulationPatterns() {
        for (int s = 0; s < 2; s++) {
            for (int m = 0; m < nc; m++) {
                double a = cb.adaptA[m];
                double ee = Math.pow(unsmeared[s][m], 0.3);
                envDerivative[s][m] =
                        a * envDerivative[s][m] + (1 - a) * CriticalBands.FSS * Math.abs(ee - envPrevious[s][m]);
                envAverage[s][m] = a * envAverage[s][m] + (1 - a) * ee;
                envPrevious[s][m] = ee;
                modulation[s][m] = envDerivative[s][m] / (1 + envAverage[s][m] / 0.3);
            }
        }
    }

    private double loudness(double[] e) {
        double sum = 0;
        for (int m = 0; m < nc; m++) {
            double n = cb.loudScale[m]
                    * (Math.pow(1 - cb.loudIndex[m] + cb.loudIndex[m] * e[m] / cb.loudThreshold[m], 0.23) - 1);
            sum += Math.max(n, 0);
        }
        return 24.0 / nc * sum;
    }

    private void modulationDifference(FrameMovs out) {
        double s1 = 0;
        double s2 = 0;
        double wt = 0;
        for (int m = 0; m < nc; m++) {
            double mr = modulation[0][m];
            double mt = modulation[1][m];
            double num1 = Math.abs(mr - mt);
            double num2 = mr > mt ? 0.1 * num1 : num1;
            s1 += num1 / (1.0 + mr);
            s2 += num2 / (0.01 + mr);
            wt += envAverage[0][m] / (envAverage[0][m] + 100 * modThreshold[m]);
        }
        out.modDiff1 = 100.0 / nc * s1;
        out.modDiff2 = 100.0 / nc * s2;
        out.modWeight = wt;
    }

    private double noiseLoudness() {
        double s = 0;
        for (int m = 0; m < nc; m++) {
            double sref = 0.15 * modulation[0][m] + 0.5;
            double stest = 0.15 * modulation[1][m] + 0.5;
            double er = adapted[0][m];
            double et = adapted[1][m];
            double beta = Math.exp(-1.5 * (et - er) / er);
            double a = Math.max(stest * et - sref * er, 0);
            double b = cb.internalNoise[m] + sref * er * beta;
            s += Math.pow(cb.internalNoise[m] / stest, 0.23) * (Math.pow(1 + a / b, 0.23) - 1);
        }
        return Math.max(24.0 / nc * s, 0);
    }

    /** Bandwidths of reference and test in DFT bins, -1 where undefined (BS.1387 4.4). */
    private void bandwidth(FrameMovs out) {
        int kx = 921;
        int kl = 346;
        double[] r = power[0];
        double[] t = power[1];
        double threshold = t[kx];
        for (int k = kx + 1; k < CriticalBands.NF / 2; k++) {
            threshold = Math.max(threshold, t[k]);
        }
        out.bandwidthRef = -1;
        for (int k = kx - 1; k >= kl + 1; k--) {
            if (r[k] >= 10 * threshold) {
                out.bandwidthRef = k + 1;
                break;
            }
        }
        out.bandwidthTest = -1;
        double thT = Math.pow(10, 0.5) * threshold;
        for (int k = out.bandwidthRef - 1; k >= 0; k--) {
            if (t[k] >= thT) {
                out.bandwidthTest = k + 1;
                break;
            }
        }
    }

    private void noiseToMask(FrameMovs out) {
        double max = 0;
        double sum = 0;
        for (int m = 0; m < nc; m++) {
            double nmr = noiseBands[m] / (cb.maskOffset[m] * patterns[0][m]);
            sum += nmr;
            max = Math.max(max, nmr);
        }
        out.nmrAverage = sum / nc;
        out.nmrMax = max;
    }

    /** Probability of detection per band (BS.1387 4.7): p into out.detection, steps above threshold into out.steps. */
    private void detection(FrameMovs out) {
        for (int m = 0; m < nc; m++) {
            double er = 10 * Math.log10(patterns[0][m]);
            double et = 10 * Math.log10(patterns[1][m]);
            double e = er - et;
            double l;
            double b;
            if (e > 0) {
                l = 0.3 * er + 0.7 * et;
                b = 4;
            } else {
                l = et;
                b = 6;
            }
            double s = l > 0
                    ? 5.95072 * Math.pow(6.39468 / l, 1.71332)
                            + (-0.198719 + l * (0.0550197 + l * (-0.00102438 + l * (5.05622e-6 + l * 9.01033e-11))))
                    : 1e30;
            out.detection[m] = 1 - Math.pow(0.5, Math.pow(Math.abs(e) / s, b));
            out.steps[m] = Math.abs((double) (long) e) / s;
        }
    }

    /**
     * Error harmonic structure (BS.1387 4.8): the largest peak (after the first valley) of the power spectrum of
     * the windowed, mean-removed autocorrelation of the log ratio of test to reference power over the DFT bins
     * below about 9 kHz; -1 when both frames' second halves are below the energy threshold.
     */
    private double errorHarmonicStructure(double[] reference, double[] test) {
        double er = 0;
        double et = 0;
        for (int i = CriticalBands.HOP; i < CriticalBands.NF; i++) {
            er += reference[i] * reference[i];
            et += test[i] * test[i];
        }
        if (er < EHS_ENERGY_THRESHOLD && et < EHS_ENERGY_THRESHOLD) {
            return -1;
        }
        int nl = EHS_LAG;
        int kmax = 2 * nl - 1;
        double[] d = new double[kmax];
        for (int k = 0; k < kmax; k++) {
            double r = power[0][k];
            double t = power[1][k];
            d[k] = r == 0 && t == 0 ? 0 : Math.log(Math.max(t, 1e-30) / Math.max(r, 1e-30));
        }
        // C[i] = sum_{j < nl} d[j] d[i + j], i < nl, by FFT correlation of zero-padded sequences
        int nfft = 2 * nl;
        double[] a = new double[nfft];
        double[] b = new double[nfft];
        System.arraycopy(d, 0, a, 0, nl);
        System.arraycopy(d, 0, b, 0, kmax);
        corrFft.realForward(a);
        corrFft.realForward(b);
        // conj(A) * B in JTransforms' packed layout
        double[] x = new double[nfft];
        x[0] = a[0] * b[0];
        x[1] = a[1] * b[1];
        for (int k = 1; k < nfft / 2; k++) {
            double ar = a[2 * k];
            double ai = a[2 * k + 1];
            double br = b[2 * k];
            double bi = b[2 * k + 1];
            x[2 * k] = ar * br + ai * bi;
            x[2 * k + 1] = ar * bi - ai * br;
        }
        corrFft.realInverse(x, true);
        double[] cn = new double[nl];
        double s0 = x[0];
        double sj = s0;
        cn[0] = 1;
        double mean = 1;
        for (int i = 1; i < nl; i++) {
            sj += d[i + nl - 1] * d[i + nl - 1] - d[i - 1] * d[i - 1];
            double den = s0 * sj;
            cn[i] = den <= 0 ? 1 : x[i] / Math.sqrt(den);
            mean += cn[i];
        }
        mean /= nl;
        double[] cw = new double[nl];
        for (int i = 0; i < nl; i++) {
            cw[i] = ehsWindow[i] * (cn[i] - mean);
        }
        ehsFft.realForward(cw);
        double[] c2 = new double[nl / 2 + 1];
        c2[0] = cw[0] * cw[0];
        c2[nl / 2] = cw[1] * cw[1];
        for (int k = 1; k < nl / 2; k++) {
            c2[k] = cw[2 * k] * cw[2 * k] + cw[2 * k + 1] * cw[2 * k + 1];
        }
        int n = 1;
        while (n < c2.length && c2[n] <= c2[n - 1]) {
            n++; // descend to the first valley
        }
        double max = 0;
        for (; n < c2.length; n++) {
            max = Math.max(max, c2[n]);
        }
        return max;
    }

    /** The per-frame model output variable precursors of one channel. */
    static final class FrameMovs {
        double loudnessRef;
        double loudnessTest;
        double modDiff1;
        double modDiff2;
        double modWeight;
        double noiseLoudness;
        int bandwidthRef;
        int bandwidthTest;
        double nmrAverage;
        double nmrMax;
        final double[] detection;
        final double[] steps;
        double ehs;

        FrameMovs(int bands) {
            detection = new double[bands];
            steps = new double[bands];
        }
    }
}
