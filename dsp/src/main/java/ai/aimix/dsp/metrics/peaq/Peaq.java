package ai.aimix.dsp.metrics.peaq;

/**
 * PEAQ, basic version (ITU-R BS.1387-1): the objective difference grade of a test signal against a time-aligned
 * reference, both at 48 kHz, mono or stereo, full scale 1.0 (a full-scale sine plays at 92 dB SPL).
 *
 * <p>Framing follows P. Kabal's reference implementation: the data boundaries are found in the reference (the first
 * and last places where five consecutive samples sum to more than 200/32768 in absolute value, in any channel); every
 * frame from the start of the file is processed so the filters settle, and frames from the one holding the start
 * boundary to the last frame with at least 1024 samples before the end boundary enter the averages. The modulation
 * and noise-loudness MOVs skip the first 0.5 s (counting frames before the start boundary), noise loudness also waits
 * for 50 ms after both signals first exceed a loudness of 0.1 sone. Stereo MOVs are the mean of the two channels';
 * the detection probability takes the larger of the two channels per band.
 */
public final class Peaq {
    public static final int SAMPLE_RATE = 48000;
    private static final double DATA_THRESHOLD = 200.0 / 32768;
    private static final int DATA_RUN = 5;

    private Peaq() {}

    /**
     * Scores {@code test} against {@code reference}: planar channels (1 or 2), same channel count, 48 kHz. Signals
     * of different lengths are compared over the shorter one.
     *
     * @throws IllegalArgumentException for other channel counts or when the reference has no audio above PEAQ's
     *     data threshold, or is shorter than one frame (2048 samples) of it
     */
    public static PeaqResult basic(float[][] reference, float[][] test) {
        int channels = reference.length;
        if (channels < 1 || channels > 2 || test.length != channels) {
            throw new IllegalArgumentException("PEAQ compares mono or stereo signals with the same channel count, got "
                    + reference.length + " and " + test.length);
        }
        int n = Integer.MAX_VALUE;
        for (int c = 0; c < channels; c++) {
            n = Math.min(n, Math.min(reference[c].length, test[c].length));
        }
        long[] bounds = dataBounds(reference, n);
        if (bounds == null) {
            throw new IllegalArgumentException("the reference is silent (no audio above PEAQ's data threshold)");
        }
        int hop = CriticalBands.HOP;
        int first = (int) (bounds[0] / hop);
        int last = (int) Math.floorDiv(bounds[1] + 1 - hop, hop);
        int frames = last - first + 1;
        if (frames < 1) {
            throw new IllegalArgumentException("too short for PEAQ: " + (bounds[1] + 1) + " samples up to the end of "
                    + "the audio, at least " + hop + " more than the start of a frame are needed");
        }
        CriticalBands cb = new CriticalBands();
        Averages avg = new Averages(channels, frames, cb.nc);
        EarModel[] ears = new EarModel[channels];
        EarModel.FrameMovs[] movs = new EarModel.FrameMovs[channels];
        for (int c = 0; c < channels; c++) {
            ears[c] = new EarModel(cb);
            movs[c] = new EarModel.FrameMovs(cb.nc);
        }
        double[] r = new double[CriticalBands.NF];
        double[] t = new double[CriticalBands.NF];
        for (int f = 0; f <= last; f++) {
            for (int c = 0; c < channels; c++) {
                copyFrame(reference[c], n, f * hop, r);
                copyFrame(test[c], n, f * hop, t);
                ears[c].frame(r, t, movs[c]);
            }
            if (f >= first) {
                avg.add(f - first, movs);
            }
        }
        double[] mov = avg.movs(first);
        double di = PeaqNetwork.distortionIndex(mov);
        return new PeaqResult(mov, di, PeaqNetwork.odg(di), frames);
    }

    private static void copyFrame(float[] x, int n, int from, double[] out) {
        for (int i = 0; i < out.length; i++) {
            int j = from + i;
            out[i] = j < n ? x[j] : 0;
        }
    }

    /** First and last sample of the reference's data, or null when there is none. */
    static long[] dataBounds(float[][] x, int n) {
        long start = -1;
        long end = -1;
        for (float[] ch : x) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.abs(ch[i]);
                if (i >= DATA_RUN) {
                    s -= Math.abs(ch[i - DATA_RUN]);
                }
                if (s > DATA_THRESHOLD) {
                    long begin = Math.max(0, i - DATA_RUN + 1);
                    start = start < 0 ? begin : Math.min(start, begin);
                    break;
                }
            }
            s = 0;
            for (int i = n - 1; i >= 0; i--) {
                s += Math.abs(ch[i]);
                if (i + DATA_RUN < n) {
                    s -= Math.abs(ch[i + DATA_RUN]);
                }
                if (s > DATA_THRESHOLD) {
                    long stop = Math.min(n - 1, i + DATA_RUN - 1);
                    end = Math.max(end, stop);
                    break;
                }
            }
        }
        return start < 0 || end < 0 ? null : new long[] {start, end};
    }

    /** Collects the per-frame precursors and time-averages them into the eleven MOVs (BS.1387 section 5). */
    private static final class Averages {
        private final int channels;
        private final int frames;
        private final double[][] modDiff1;
        private final double[][] modDiff2;
        private final double[][] modWeight;
        private final double[][] noiseLoudness;
        private final double[][] loudRef;
        private final double[][] loudTest;
        private final double[][] bwRef;
        private final double[][] bwTest;
        private final double[][] nmrAvg;
        private final double[][] nmrMax;
        private final double[][] ehs;
        private final double[] pc;
        private final double[] qc;

        Averages(int channels, int frames, int bands) {
            this.channels = channels;
            this.frames = frames;
            modDiff1 = new double[channels][frames];
            modDiff2 = new double[channels][frames];
            modWeight = new double[channels][frames];
            noiseLoudness = new double[channels][frames];
            loudRef = new double[channels][frames];
            loudTest = new double[channels][frames];
            bwRef = new double[channels][frames];
            bwTest = new double[channels][frames];
            nmrAvg = new double[channels][frames];
            nmrMax = new double[channels][frames];
            ehs = new double[channels][frames];
            pc = new double[frames];
            qc = new double[frames];
        }

        void add(int i, EarModel.FrameMovs[] m) {
            for (int c = 0; c < channels; c++) {
                modDiff1[c][i] = m[c].modDiff1;
                modDiff2[c][i] = m[c].modDiff2;
                modWeight[c][i] = m[c].modWeight;
                noiseLoudness[c][i] = m[c].noiseLoudness;
                loudRef[c][i] = m[c].loudnessRef;
                loudTest[c][i] = m[c].loudnessTest;
                bwRef[c][i] = m[c].bandwidthRef;
                bwTest[c][i] = m[c].bandwidthTest;
                nmrAvg[c][i] = m[c].nmrAverage;
                nmrMax[c][i] = m[c].nmrMax;
                ehs[c][i] = m[c].ehs;
            }
            double notDetected = 1;
            double steps = 0;
            for (int b = 0; b < m[0].detection.length; b++) {
                double p = m[0].detection[b];
                double q = m[0].steps[b];
                for (int c = 1; c < channels; c++) {
                    p = Math.max(p, m[c].detection[b]);
                    q = Math.max(q, m[c].steps[b]);
                }
                notDetected *= 1 - p;
                steps += q;
            }
            pc[i] = 1 - notDetected;
            qc[i] = steps;
        }

        double[] movs(int warmUpFrames) {
            double[] mov = new double[11];
            int n500ms = (int) Math.ceil(0.5 * CriticalBands.FSS);
            int delay = Math.max(0, n500ms - warmUpFrames);
            int n50ms = (int) Math.ceil(0.050 * CriticalBands.FSS);
            int loudDelay = Math.max(loudnessReached() + n50ms, delay);
            int window = (int) Math.floor(0.1 * CriticalBands.FSS);
            for (int c = 0; c < channels; c++) {
                mov[0] += positiveMean(bwRef[c]) / channels;
                mov[1] += positiveMean(bwTest[c]) / channels;
                mov[2] += 10 * Math.log10(mean(nmrAvg[c])) / channels;
                mov[3] += windowedAverage(modDiff1[c], delay, window) / channels;
                mov[5] += 1000 * positiveMean(ehs[c]) / channels;
                mov[6] += weightedMean(modDiff1[c], modWeight[c], delay) / channels;
                mov[7] += weightedMean(modDiff2[c], modWeight[c], delay) / channels;
                mov[8] += rms(noiseLoudness[c], loudDelay) / channels;
                mov[10] += fractionAbove(nmrMax[c], Math.pow(10, 1.5 / 10)) / channels;
            }
            // ADBB and MFPDB from the detection probabilities
            double filtered = 0;
            double max = 0;
            double qsum = 0;
            int detected = 0;
            for (int i = 0; i < frames; i++) {
                filtered = 0.9 * filtered + 0.1 * pc[i];
                max = Math.max(max, filtered);
                if (pc[i] > 0.5) {
                    detected++;
                    qsum += qc[i];
                }
            }
            mov[4] = detected == 0 ? 0 : qsum > 0 ? Math.log10(qsum / detected) : -0.5;
            mov[9] = max;
            return mov;
        }

        /** First frame where both loudnesses exceed 0.1 sone in every channel's sense (min over channels). */
        private int loudnessReached() {
            int first = frames;
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < frames; i++) {
                    if (loudRef[c][i] > 0.1 && loudTest[c][i] > 0.1) {
                        first = Math.min(first, i);
                        break;
                    }
                }
            }
            return first;
        }

        private static double positiveMean(double[] x) {
            double s = 0;
            int n = 0;
            for (double v : x) {
                if (v >= 0) {
                    s += v;
                    n++;
                }
            }
            return n > 0 ? s / n : 0;
        }

        private static double mean(double[] x) {
            double s = 0;
            for (double v : x) {
                s += v;
            }
            return s / x.length;
        }

        private static double fractionAbove(double[] x, double threshold) {
            int n = 0;
            for (double v : x) {
                if (v > threshold) {
                    n++;
                }
            }
            return x.length == 0 ? 0 : (double) n / x.length;
        }

        /** sqrt of the mean over sliding windows of L frames of (mean of sqrt(x))^4, from frame {@code from}. */
        private static double windowedAverage(double[] x, int from, int l) {
            int n = x.length - from;
            if (n < l) {
                return 0;
            }
            double s = 0;
            for (int i = from + l - 1; i < x.length; i++) {
                double t = 0;
                for (int m = 0; m < l; m++) {
                    t += Math.sqrt(x[i - m]);
                }
                t /= l;
                s += t * t * t * t;
            }
            return Math.sqrt(s / (n - l + 1));
        }

        private static double weightedMean(double[] x, double[] w, int from) {
            double s = 0;
            double sw = 0;
            for (int i = from; i < x.length; i++) {
                s += w[i] * x[i];
                sw += w[i];
            }
            return sw > 0 ? s / sw : 0;
        }

        private static double rms(double[] x, int from) {
            double s = 0;
            int n = 0;
            for (int i = from; i < x.length; i++) {
                s += x[i] * x[i];
                n++;
            }
            return n > 0 ? Math.sqrt(s / n) : 0;
        }
    }
}
