package ai.aimix.dsp.metrics;

import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.dsp.spectral.Windows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jtransforms.fft.FloatFFT_1D;

/**
 * Mix features used to evaluate automatic mixing (Man and Reiss; Martinez-Ramirez, Steinmetz et al., whose
 * automix-toolkit evaluation this follows), each computed frame by frame on the reference and the candidate, smoothed
 * by a running mean over {@link #RUNNING_MEAN} frames, and compared as a mean absolute percentage error (MAPE,
 * |reference - candidate| / |reference|, in [0, inf); 0 is identical).
 *
 * <ul>
 *   <li><b>loudness</b>: momentary loudness (BS.1770, 400 ms frames every 200 ms) and frame peak (dBFS).</li>
 *   <li><b>spectral</b> (4096-point STFT, hop 1024, square-root periodic Hann, no padding, per channel, after peak
 *       normalisation to -1 dBFS): centroid, bandwidth (p = 2), contrast in octave bands from 250 Hz (lows: below
 *       250 Hz; mids: mean of 250-500, 500-1000, 1000-2000 Hz; highs: 2 kHz to Nyquist; quantile 0.02, dB), roll-off
 *       (85 %) and flatness (of the power spectrum) as librosa defines them; centroid, bandwidth and roll-off get
 *       +1 Hz before the MAPE, as in the toolkit.</li>
 *   <li><b>panning</b> (stereo only, same STFT): the stereo panning spectrum of Tzanetakis et al. (1 - 2|L||R| /
 *       (|L|^2 + |R|^2), signed toward the louder side), as its RMS over 0-Nyquist, 0-250 Hz, 250-2500 Hz and
 *       2.5 kHz-Nyquist; and the stereo width, the side signal's share of the energy.</li>
 *   <li><b>dynamic</b> (4096-sample frames, hop 1024, after peak normalisation): RMS level (dB), dynamic spread (mean
 *       of the samples' dB level minus the frame's RMS dB) and crest factor (peak dB minus RMS dB; the toolkit
 *       divides the two instead).</li>
 * </ul>
 * Frames where the reference is silent (RMS below -100 dBFS, loudness below -70 LUFS, or no panning at all) are left
 * out, as the toolkit drops leading and trailing silence.
 */
public final class MixFeatures {
    public static final int RUNNING_MEAN = 40;
    static final int FFT = 4096;
    static final int HOP = 1024;
    static final double SILENT_RMS = 1e-5;
    static final double PEAK_TARGET = Math.pow(10, -1 / 20.0);

    private MixFeatures() {}

    /** One feature compared. */
    public static final class Feature {
        public final String group;
        public final String name;
        /** Mean of the per-frame values over the frames used (NaN when none). */
        public final double reference;

        public final double candidate;
        /** MAPE of the running means; NaN when not applicable (no usable frames, or panning of mono). */
        public final double mape;

        Feature(String group, String name, double reference, double candidate, double mape) {
            this.group = group;
            this.name = name;
            this.reference = reference;
            this.candidate = candidate;
            this.mape = mape;
        }
    }

    /** Planar signals of the same layout (1 or 2 channels), length and rate. */
    public static List<Feature> compare(float[][] reference, float[][] candidate, int sampleRate) {
        if (reference.length != candidate.length || reference.length < 1 || reference.length > 2) {
            throw new IllegalArgumentException("mix features compare mono or stereo signals of the same layout");
        }
        List<Feature> out = new ArrayList<>();
        loudness(reference, candidate, sampleRate, out);
        float[][] ref = peakNormalised(reference);
        float[][] cand = peakNormalised(candidate);
        spectralAndPanning(ref, cand, sampleRate, out);
        width(ref, cand, out);
        dynamic(ref, cand, out);
        return out;
    }

    /** Mean of the MAPEs of a group (or of all features when group is null), ignoring NaN. */
    public static double meanMape(List<Feature> features, String group) {
        double s = 0;
        int n = 0;
        for (Feature f : features) {
            if ((group == null || f.group.equals(group)) && !Double.isNaN(f.mape)) {
                s += f.mape;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    // ---- loudness

    private static void loudness(float[][] ref, float[][] cand, int sr, List<Feature> out) {
        int frame = (int) Math.round(0.4 * sr);
        int hop = (int) Math.round(0.2 * sr);
        double[] lr = frameLoudness(ref, sr, frame, hop);
        double[] lc = frameLoudness(cand, sr, frame, hop);
        double[] pr = framePeak(ref, frame, hop);
        double[] pc = framePeak(cand, frame, hop);
        boolean[] keep = new boolean[lr.length];
        for (int i = 0; i < lr.length; i++) {
            keep[i] = lr[i] > LoudnessMeter.ABSOLUTE_GATE_LUFS && Double.isFinite(lc[i]) && Double.isFinite(pc[i]);
        }
        out.add(feature("loudness", "lufs", lr, lc, keep, 0));
        out.add(feature("loudness", "peak_dbfs", pr, pc, keep, 0));
    }

    private static double[] frameLoudness(float[][] x, int sr, int frame, int hop) {
        int frames = frames(x[0].length, frame, hop);
        double[] l = new double[frames];
        ChannelWeights w = ChannelWeights.forChannels(x.length);
        for (int f = 0; f < frames; f++) {
            LoudnessMeter m = new LoudnessMeter(sr, w);
            m.push(x, f * hop, frame);
            l[f] = m.momentaryLufs();
        }
        return l;
    }

    private static double[] framePeak(float[][] x, int frame, int hop) {
        int frames = frames(x[0].length, frame, hop);
        double[] p = new double[frames];
        for (int f = 0; f < frames; f++) {
            double peak = 0;
            for (float[] ch : x) {
                for (int i = f * hop; i < f * hop + frame; i++) {
                    peak = Math.max(peak, Math.abs(ch[i]));
                }
            }
            p[f] = 20 * Math.log10(peak);
        }
        return p;
    }

    static int frames(int n, int frame, int hop) {
        return n < frame ? 0 : 1 + (n - frame) / hop;
    }

    // ---- spectral and panning

    /** Frame-by-frame magnitude STFT (square-root periodic Hann, no padding); nothing is kept between frames. */
    private static final class Stft {
        private final float[] window = Windows.periodicHann(FFT);
        private final FloatFFT_1D fft = new FloatFFT_1D(FFT);
        private final float[] work = new float[FFT];

        Stft() {
            for (int i = 0; i < window.length; i++) {
                window[i] = (float) Math.sqrt(window[i]);
            }
        }

        /** Magnitudes of frame t of every channel into out[channel][bin]. */
        void magnitudes(float[][] x, int t, float[][] out) {
            for (int c = 0; c < x.length; c++) {
                for (int i = 0; i < FFT; i++) {
                    work[i] = x[c][t * HOP + i] * window[i];
                }
                fft.realForward(work);
                float[] m = out[c];
                m[0] = Math.abs(work[0]);
                m[FFT / 2] = Math.abs(work[1]);
                for (int k = 1; k < FFT / 2; k++) {
                    double re = work[2 * k];
                    double im = work[2 * k + 1];
                    m[k] = (float) Math.sqrt(re * re + im * im);
                }
            }
        }
    }

    private static final String[] SPECTRAL = {
        "centroid", "bandwidth", "contrast_lows", "contrast_mids", "contrast_highs", "rolloff", "flatness"
    };

    /** Spectral and panning features in one pass over the frames of both mixes. */
    private static void spectralAndPanning(float[][] ref, float[][] cand, int sr, List<Feature> out) {
        int channels = ref.length;
        boolean stereo = channels == 2;
        int frames = frames(ref[0].length, FFT, HOP);
        Stft stft = new Stft();
        float[][] mr = new float[channels][FFT / 2 + 1];
        float[][] mc = new float[channels][FFT / 2 + 1];
        double[][][] fr = new double[SPECTRAL.length][channels][frames];
        double[][][] fc = new double[SPECTRAL.length][channels][frames];
        boolean[] keep = new boolean[frames];
        double[] freq = new double[FFT / 2 + 1];
        for (int k = 0; k < freq.length; k++) {
            freq[k] = k * (double) sr / FFT;
        }
        int[][] bands = contrastBands(freq);
        double[][] ranges = {{0, sr / 2.0}, {0, 250}, {250, 2500}, {2500, sr / 2.0}};
        double[][] pr = new double[PANNING.length][stereo ? frames : 0];
        double[][] pc = new double[PANNING.length][stereo ? frames : 0];
        boolean[] keepPanning = new boolean[stereo ? frames : 0];
        float[] spsRef = new float[FFT / 2 + 1];
        float[] spsCand = new float[FFT / 2 + 1];
        for (int t = 0; t < frames; t++) {
            stft.magnitudes(ref, t, mr);
            stft.magnitudes(cand, t, mc);
            for (int ch = 0; ch < channels; ch++) {
                spectralFrame(mr[ch], freq, bands, fr, ch, t);
                spectralFrame(mc[ch], freq, bands, fc, ch, t);
                keep[t] |= sum(mr[ch]) > 0;
            }
            if (stereo) {
                sps(mr[0], mr[1], spsRef);
                sps(mc[0], mc[1], spsCand);
                for (int b = 0; b < ranges.length; b++) {
                    int f1 = (int) Math.floor(ranges[b][0] * FFT / sr);
                    int f2 = (int) Math.floor(ranges[b][1] * FFT / sr);
                    pr[b][t] = bandRms(spsRef, f1, f2);
                    pc[b][t] = bandRms(spsCand, f1, f2);
                }
                keepPanning[t] = pr[0][t] > 0;
            }
        }
        double[] eps = {1, 1, 0, 0, 0, 1, 0};
        for (int f = 0; f < SPECTRAL.length; f++) {
            double mape = 0;
            double refMean = 0;
            double candMean = 0;
            for (int ch = 0; ch < channels; ch++) {
                Feature one = feature("spectral", SPECTRAL[f], fr[f][ch], fc[f][ch], keep, eps[f]);
                mape += one.mape / channels;
                refMean += one.reference / channels;
                candMean += one.candidate / channels;
            }
            out.add(new Feature("spectral", SPECTRAL[f], refMean, candMean, mape));
        }
        for (int b = 0; b < PANNING.length; b++) {
            out.add(
                    stereo
                            ? feature("panning", PANNING[b], pr[b], pc[b], keepPanning, 0)
                            : new Feature("panning", PANNING[b], Double.NaN, Double.NaN, Double.NaN));
        }
    }

    private static double sum(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }

    /**
     * librosa.feature.spectral_contrast's bands for fmin 250 Hz and 4 octave bands: [first bin, end bin) of each
     * of the 5 sub-bands (each band but the first reaches one bin below its lower edge; each but the last drops its
     * top bin; the last extends to Nyquist).
     */
    static int[][] contrastBands(double[] freq) {
        double[] edges = {0, 250, 500, 1000, 2000, 4000};
        int bands = edges.length - 1;
        int[][] out = new int[bands][2];
        for (int k = 0; k < bands; k++) {
            int first = -1;
            int last = -1;
            for (int i = 0; i < freq.length; i++) {
                if (freq[i] >= edges[k] && freq[i] <= edges[k + 1]) {
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                }
            }
            if (k > 0) {
                first--;
            }
            int end = k == bands - 1 ? freq.length : last + 1;
            if (k < bands - 1) {
                end--;
            }
            out[k][0] = first;
            out[k][1] = end;
        }
        return out;
    }

    private static void spectralFrame(float[] s, double[] freq, int[][] bands, double[][][] f, int ch, int t) {
        double total = 0;
        double weighted = 0;
        for (int k = 0; k < s.length; k++) {
            total += s[k];
            weighted += s[k] * freq[k];
        }
        double centroid = total > 0 ? weighted / total : 0;
        double spread = 0;
        if (total > 0) {
            for (int k = 0; k < s.length; k++) {
                double d = freq[k] - centroid;
                spread += s[k] / total * d * d;
            }
        }
        f[0][ch][t] = centroid;
        f[1][ch][t] = Math.sqrt(spread);
        double[] contrast = new double[bands.length];
        for (int b = 0; b < bands.length; b++) {
            int from = bands[b][0];
            int to = bands[b][1];
            // librosa counts the band's bins before dropping the top one
            int count = (b < bands.length - 1 ? to - from + 1 : to - from);
            int q = Math.max(1, (int) Math.rint(0.02 * count));
            float[] sub = Arrays.copyOfRange(s, from, to);
            double valley = meanOfSmallest(sub, q);
            double peak = meanOfLargest(sub, q);
            contrast[b] = 10 * Math.log10(Math.max(peak, 1e-10)) - 10 * Math.log10(Math.max(valley, 1e-10));
        }
        f[2][ch][t] = contrast[0];
        f[3][ch][t] = (contrast[1] + contrast[2] + contrast[3]) / 3;
        f[4][ch][t] = contrast[4];
        double threshold = 0.85 * total;
        double cum = 0;
        double rolloff = 0;
        for (int k = 0; k < s.length; k++) {
            cum += s[k];
            if (cum >= threshold && total > 0) {
                rolloff = freq[k];
                break;
            }
        }
        f[5][ch][t] = rolloff;
        // geometric mean through logs of products of 8 values (each in [1e-10, ~1e12]: no under- or overflow)
        double logSum = 0;
        double powSum = 0;
        double product = 1;
        for (int k = 0; k < s.length; k++) {
            double p = Math.max((double) s[k] * s[k], 1e-10);
            powSum += p;
            product *= p;
            if ((k & 7) == 7) {
                logSum += Math.log(product);
                product = 1;
            }
        }
        logSum += Math.log(product);
        f[6][ch][t] = Math.exp(logSum / s.length) / (powSum / s.length);
    }

    /** Mean of the q smallest values (reorders {@code x}): a selection, not a sort. */
    static double meanOfSmallest(float[] x, int q) {
        float kth = select(x, q - 1);
        double sum = 0;
        int below = 0;
        for (float v : x) {
            if (v < kth) {
                sum += v;
                below++;
            }
        }
        return (sum + (q - below) * (double) kth) / q;
    }

    /** Mean of the q largest values (reorders {@code x}). */
    static double meanOfLargest(float[] x, int q) {
        float kth = select(x, x.length - q);
        double sum = 0;
        int above = 0;
        for (float v : x) {
            if (v > kth) {
                sum += v;
                above++;
            }
        }
        return (sum + (q - above) * (double) kth) / q;
    }

    /** The k-th smallest value (0-based) by quickselect with median-of-three pivots; reorders {@code a}. */
    static float select(float[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            float pivot = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static final String[] PANNING = {"panning_total", "panning_lows", "panning_mids", "panning_highs"};

    /** Stereo panning spectrum from magnitudes: (1 - similarity), positive where the right channel is louder. */
    private static void sps(float[] l, float[] r, float[] out) {
        for (int k = 0; k < out.length; k++) {
            double a = l[k] + 1e-20;
            double b = r[k] + 1e-20;
            double phi = 2 * a * b / (a * a + b * b);
            out[k] = (float) ((1 - phi) * Math.signum(b * b - a * a));
        }
    }

    private static double bandRms(float[] x, int from, int to) {
        double s = 0;
        for (int k = from; k < to; k++) {
            s += (double) x[k] * x[k];
        }
        return to > from ? Math.sqrt(s / (to - from)) : 0;
    }

    /**
     * Stereo width: the side signal's share of the energy, S / (M + S) with M = (L+R)/2 and S = (L-R)/2, per
     * 4096-sample frame (hop 1024): 0 for mono, 0.5 for unrelated channels, 1 for opposite polarity. Frames where the
     * reference has no side at all are left out (a MAPE against 0 does not exist); a mono reference gives null.
     */
    private static void width(float[][] ref, float[][] cand, List<Feature> out) {
        if (ref.length != 2) {
            out.add(new Feature("panning", "stereo_width", Double.NaN, Double.NaN, Double.NaN));
            return;
        }
        double[] wr = widths(ref);
        double[] wc = widths(cand);
        boolean[] keep = new boolean[wr.length];
        for (int t = 0; t < wr.length; t++) {
            keep[t] = wr[t] > 1e-9;
        }
        out.add(feature("panning", "stereo_width", wr, wc, keep, 0));
    }

    private static double[] widths(float[][] x) {
        int frames = frames(x[0].length, FFT, HOP);
        int per = FFT / HOP;
        int hops = frames == 0 ? 0 : frames + per - 1;
        double[] mid = new double[hops];
        double[] side = new double[hops];
        for (int h = 0; h < hops; h++) {
            for (int i = h * HOP; i < (h + 1) * HOP; i++) {
                double m = 0.5 * (x[0][i] + x[1][i]);
                double s = 0.5 * (x[0][i] - x[1][i]);
                mid[h] += m * m;
                side[h] += s * s;
            }
        }
        double[] w = new double[frames];
        for (int t = 0; t < frames; t++) {
            double m = 0;
            double s = 0;
            for (int h = t; h < t + per; h++) {
                m += mid[h];
                s += side[h];
            }
            w[t] = m + s > 0 ? s / (m + s) : 0;
        }
        return w;
    }

    // ---- dynamics

    private static final String[] DYNAMIC = {"rms_level", "dynamic_spread", "crest_factor"};

    private static void dynamic(float[][] ref, float[][] cand, List<Feature> out) {
        double[][] dr = dynamics(ref);
        double[][] dc = dynamics(cand);
        int frames = dr[0].length;
        boolean[] keep = new boolean[frames];
        for (int t = 0; t < frames; t++) {
            keep[t] = dr[3][t] > SILENT_RMS;
        }
        for (int f = 0; f < DYNAMIC.length; f++) {
            out.add(feature("dynamic", DYNAMIC[f], dr[f], dc[f], keep, 0));
        }
    }

    /**
     * Per frame, averaged over channels: RMS dB, dynamic spread, crest factor dB; and [3] the linear RMS. Frames are
     * four hops long, so per-hop sums (of squares, of dB levels) and maxima are computed once and combined.
     */
    private static double[][] dynamics(float[][] x) {
        int frames = frames(x[0].length, FFT, HOP);
        int per = FFT / HOP;
        double[][] d = new double[4][frames];
        int hops = frames == 0 ? 0 : frames + per - 1;
        double[] squares = new double[hops];
        double[] logs = new double[hops];
        double[] peaks = new double[hops];
        for (float[] ch : x) {
            for (int h = 0; h < hops; h++) {
                double s = 0;
                double l = 0;
                double p = 0;
                for (int i = h * HOP; i < (h + 1) * HOP; i++) {
                    double v = Math.abs(ch[i]);
                    s += v * v;
                    l += 20 * Math.log10(v + 1e-30);
                    p = Math.max(p, v);
                }
                squares[h] = s;
                logs[h] = l;
                peaks[h] = p;
            }
            for (int t = 0; t < frames; t++) {
                double s = 0;
                double logSum = 0;
                double peak = 0;
                for (int h = t; h < t + per; h++) {
                    s += squares[h];
                    logSum += logs[h];
                    peak = Math.max(peak, peaks[h]);
                }
                double rms = Math.sqrt(s / FFT);
                double rmsDb = 20 * Math.log10(rms + 1e-30);
                d[0][t] += rmsDb / x.length;
                d[1][t] += (logSum / FFT - rmsDb) / x.length;
                d[2][t] += (20 * Math.log10(peak + 1e-30) - rmsDb) / x.length;
                d[3][t] += rms / x.length;
            }
        }
        return d;
    }

    // ---- common

    private static float[][] peakNormalised(float[][] x) {
        double peak = 0;
        for (float[] ch : x) {
            for (float v : ch) {
                peak = Math.max(peak, Math.abs(v));
            }
        }
        if (peak == 0) {
            return x;
        }
        float g = (float) (PEAK_TARGET / peak);
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            out[c] = new float[x[c].length];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = x[c][i] * g;
            }
        }
        return out;
    }

    /** Compares two per-frame series over the kept frames: means, and MAPE of running means (+eps). */
    static Feature feature(String group, String name, double[] ref, double[] cand, boolean[] keep, double eps) {
        int n = 0;
        for (int i = 0; i < ref.length; i++) {
            if (keep[i]) {
                n++;
            }
        }
        if (n == 0) {
            return new Feature(group, name, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] r = new double[n];
        double[] c = new double[n];
        int j = 0;
        double rm = 0;
        double cm = 0;
        for (int i = 0; i < ref.length; i++) {
            if (keep[i]) {
                r[j] = ref[i] + eps;
                c[j] = cand[i] + eps;
                rm += ref[i];
                cm += cand[i];
                j++;
            }
        }
        double[] rr = runningMean(r);
        double[] cr = runningMean(c);
        double mape = 0;
        for (int i = 0; i < rr.length; i++) {
            mape += Math.abs(rr[i] - cr[i]) / Math.max(Math.abs(rr[i]), Math.ulp(1.0));
        }
        return new Feature(group, name, rm / n, cm / n, mape / rr.length);
    }

    /** Means over every window of RUNNING_MEAN consecutive values (the whole series when it is shorter). */
    static double[] runningMean(double[] x) {
        int w = Math.min(RUNNING_MEAN, x.length);
        double[] out = new double[x.length - w + 1];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i];
            if (i >= w) {
                s -= x[i - w];
            }
            if (i >= w - 1) {
                out[i - w + 1] = s / w;
            }
        }
        return out;
    }
}
