package ai.aimix.dsp.metrics.pesq;

import java.util.Arrays;

/**
 * P.862's perceptual model (10.2.3 to 10.2.11): per 32 ms frame (half overlapped), Bark-band power densities of both
 * signals with the reference compensated for the system's frequency response and the degraded for its gain
 * variation, loudness densities by Zwicker's law, a symmetric and an asymmetric disturbance per frame with a dead
 * zone for masking, realignment of runs of bad frames, and the L6/L2 aggregation into the raw score.
 */
final class PerceptualModel {
    /** Five samples summing to less than this (in absolute value) are silence before or after the speech. */
    private static final float SILENCE_OF_5_SAMPLES = 500.0f;
    /** Frames with a symmetric disturbance above this are bad and may be realigned. */
    private static final float BAD_FRAME_THRESHOLD = 30;
    /** A realigned stretch has at least this many bad frames. */
    private static final int MIN_BAD_FRAMES = 5;
    /** Frames the bad-frame flags are smeared over each way. */
    private static final int SMEAR_RANGE = 2;
    /** Realignment searches this many transform lengths each way. */
    private static final int SEARCH_RANGE_TRANSFORMS = 4;
    /** Frames per syllable in the time aggregation (320 ms), taken every half syllable. */
    private static final int FRAMES_PER_SYLLABLE = 20;

    private static final double ZWICKER_POWER = 0.23;
    private static final float MAX_SCALE = 5.0f;
    private static final float MIN_SCALE = (float) 3e-4;
    private static final float DISTURBANCE_CEILING = 45;
    private static final double SYMMETRIC_WEIGHT = 0.1;
    private static final double ASYMMETRIC_WEIGHT = 0.0309;

    private final PesqRate rate;
    private final PesqSignal ref;
    private final PesqSignal deg;
    private final Utterances u;
    private final int nf;
    private final int nb;
    private final int buffer;
    private final int maxSamples;
    private final int padding;
    private final PesqFft fft;
    private final float[] hann;
    private final float[] fftTmp;

    PerceptualModel(PesqSignal ref, PesqSignal deg, Utterances utterances, int maxSamples, FftCache ffts) {
        this.rate = ref.rate;
        this.ref = ref;
        this.deg = deg;
        this.u = utterances;
        this.maxSamples = maxSamples;
        nf = rate.downsample * 8;
        nb = rate.bands;
        buffer = ref.buffer();
        padding = ref.padding();
        fft = ffts.of(nf);
        hann = new float[nf];
        for (int n = 0; n < nf; n++) {
            hann[n] = (float) (0.5 * (1.0 - Math.cos((6.28318530717959 * n) / nf)));
        }
        fftTmp = new float[nf + 2];
    }

    /** The raw P.862 score. */
    float rawScore() {
        int skipStart = 0;
        float sum5;
        do {
            sum5 = 0.0f;
            for (int i = 0; i < 5; i++) {
                sum5 += Math.abs(ref.data[buffer + skipStart + i]);
            }
            if (sum5 < SILENCE_OF_5_SAMPLES) {
                skipStart++;
            }
        } while (sum5 < SILENCE_OF_5_SAMPLES && skipStart < maxSamples / 2);
        int skipEnd = 0;
        do {
            sum5 = 0.0f;
            for (int i = 0; i < 5; i++) {
                sum5 += Math.abs(ref.data[maxSamples - buffer + padding - 1 - skipEnd - i]);
            }
            if (sum5 < SILENCE_OF_5_SAMPLES) {
                skipEnd++;
            }
        } while (sum5 < SILENCE_OF_5_SAMPLES && skipEnd < maxSamples / 2);
        int half = nf / 2;
        int startFrame = skipStart / half;
        int stopFrame = (maxSamples - 2 * buffer + padding - skipEnd) / half - 1;
        int frames = stopFrame + 1;

        float[] hzRef = new float[half];
        float[] hzDeg = new float[half];
        float[] ppdRef = new float[frames * nb];
        float[] ppdDeg = new float[frames * nb];
        boolean[] silent = new boolean[frames];
        for (int frame = 0; frame <= stopFrame; frame++) {
            int startRef = buffer + frame * half;
            shortTermSpectrum(ref.data, startRef, hzRef);
            int startDeg = startRef + delayAt(startRef);
            if (startDeg > 0 && startDeg + nf < maxSamples + padding) {
                shortTermSpectrum(deg.data, startDeg, hzDeg);
            } else {
                Arrays.fill(hzDeg, 0);
            }
            bark(hzRef, ppdRef, frame);
            bark(hzDeg, ppdDeg, frame);
            silent[frame] = totalAudible(frame, ppdRef, 1e2f) < 1e7;
        }
        int averagedFrames = (maxSamples - 2 * buffer + padding) / half - 1;
        float[] avgRef = timeAverageAudible(frames, silent, ppdRef, averagedFrames);
        float[] avgDeg = timeAverageAudible(frames, silent, ppdDeg, averagedFrames);
        compensateFrequencyResponse(frames, ppdRef, avgRef, avgDeg, 1000f);

        float[] totalPowerRef = new float[frames];
        float[] disturbance = new float[frames];
        float[] asymmetric = new float[frames];
        boolean badFrameSeen = false;
        float oldScale = 1;
        for (int frame = 0; frame <= stopFrame; frame++) {
            totalPowerRef[frame] = totalAudible(frame, ppdRef, 1);
            oldScale = scaleDegraded(frame, totalPowerRef[frame], ppdDeg, oldScale);
            float[] d = disturbances(frame, ppdRef, ppdDeg);
            disturbance[frame] = d[0];
            asymmetric[frame] = d[1];
            if (disturbance[frame] > BAD_FRAME_THRESHOLD) {
                badFrameSeen = true;
            }
        }
        skipDelayJumps(stopFrame, disturbance, asymmetric);

        if (badFrameSeen) {
            realignBadIntervals(stopFrame, ppdRef, ppdDeg, disturbance, asymmetric, hzDeg);
        }

        float[] timeWeight = new float[frames];
        for (int frame = 0; frame <= stopFrame; frame++) {
            float h = 1;
            if (stopFrame + 1 > 1000) {
                long n = (maxSamples - 2L * buffer) / half - 1;
                double factor = (n - (float) 1000) / (float) 5500;
                if (factor > (float) 0.5) {
                    factor = (float) 0.5;
                }
                h = (float) (((float) 1.0 - factor) + factor * (float) frame / (float) n);
            }
            timeWeight[frame] = h;
        }
        for (int frame = 0; frame <= stopFrame; frame++) {
            float h = (float) Math.pow((totalPowerRef[frame] + 1e5) / 1e7, 0.04);
            disturbance[frame] /= h;
            asymmetric[frame] /= h;
            disturbance[frame] = Math.min(disturbance[frame], DISTURBANCE_CEILING);
            asymmetric[frame] = Math.min(asymmetric[frame], DISTURBANCE_CEILING);
        }
        float d = lpqWeight(startFrame, stopFrame, 6, 2, disturbance, timeWeight);
        float a = lpqWeight(startFrame, stopFrame, 6, 2, asymmetric, timeWeight);
        return (float) (4.5 - SYMMETRIC_WEIGHT * d - ASYMMETRIC_WEIGHT * a);
    }

    /** The delay of the utterance the sample {@code startRef} of the reference belongs to. */
    private int delayAt(int startRef) {
        int utt = u.count - 1;
        while (utt >= 0 && u.start[utt] * rate.downsample > startRef) {
            utt--;
        }
        return utt >= 0 ? u.delay[utt] : u.delay[0];
    }

    private void shortTermSpectrum(float[] data, int start, float[] hz) {
        for (int n = 0; n < nf; n++) {
            fftTmp[n] = data[start + n] * hann[n];
        }
        fft.realForward(fftTmp);
        for (int k = 0; k < nf / 2; k++) {
            hz[k] = fftTmp[k << 1] * fftTmp[k << 1] + fftTmp[1 + (k << 1)] * fftTmp[1 + (k << 1)];
        }
        hz[0] = 0;
    }

    /** FFT bins to Bark-band pitch power densities. */
    private void bark(float[] hz, float[] ppd, int frame) {
        int bin = 0;
        for (int band = 0; band < nb; band++) {
            double sum = 0;
            for (int i = 0; i < rate.binsPerBand[band]; i++) {
                sum += hz[bin++];
            }
            sum *= rate.powerDensityCorrection[band];
            sum *= rate.sp;
            ppd[frame * nb + band] = (float) sum;
        }
    }

    private float totalAudible(int frame, float[] ppd, float factor) {
        double result = 0.;
        for (int band = 1; band < nb; band++) {
            float h = ppd[frame * nb + band];
            float threshold = (float) (factor * rate.absoluteThreshold[band]);
            if (h > threshold) {
                result += h;
            }
        }
        return (float) result;
    }

    private float[] timeAverageAudible(int frames, boolean[] silent, float[] ppd, int totalFrames) {
        float[] avg = new float[nb];
        for (int band = 0; band < nb; band++) {
            double result = 0;
            for (int frame = 0; frame < frames; frame++) {
                if (!silent[frame]) {
                    float h = ppd[frame * nb + band];
                    if (h > 100 * rate.absoluteThreshold[band]) {
                        result += h;
                    }
                }
            }
            avg[band] = (float) (result / totalFrames);
        }
        return avg;
    }

    private void compensateFrequencyResponse(int frames, float[] ppdRef, float[] avgRef, float[] avgDeg, float c) {
        for (int band = 0; band < nb; band++) {
            float x = (avgDeg[band] + c) / (avgRef[band] + c);
            x = Math.max((float) 0.01, Math.min((float) 100.0, x));
            for (int frame = 0; frame < frames; frame++) {
                ppdRef[frame * nb + band] *= x;
            }
        }
    }

    /** Scales the degraded frame toward the reference's audible power, smoothed over frames; returns the scale. */
    private float scaleDegraded(int frame, float audibleRef, float[] ppdDeg, float oldScale) {
        float audibleDeg = totalAudible(frame, ppdDeg, 1);
        float scale = (audibleRef + (float) 5e3) / (audibleDeg + (float) 5e3);
        if (frame > 0) {
            scale = (float) 0.2 * oldScale + (float) 0.8 * scale;
        }
        float smoothed = scale;
        scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale));
        for (int band = 0; band < nb; band++) {
            ppdDeg[frame * nb + band] *= scale;
        }
        return smoothed;
    }

    /** The frame's symmetric (L2 over bands) and asymmetric (L1) disturbances. */
    private float[] disturbances(int frame, float[] ppdRef, float[] ppdDeg) {
        float[] loudRef = loudness(frame, ppdRef);
        float[] loudDeg = loudness(frame, ppdDeg);
        float[] dist = new float[nb];
        for (int band = 0; band < nb; band++) {
            float d = loudDeg[band] - loudRef[band];
            float m = Math.min(loudDeg[band], loudRef[band]);
            m *= 0.25;
            if (d > m) {
                d -= m;
            } else if (d < -m) {
                d += m;
            } else {
                d = 0;
            }
            dist[band] = d;
        }
        float symmetric = pseudoLp(dist, 2);
        for (int band = 0; band < nb; band++) {
            float ratio = (ppdDeg[frame * nb + band] + (float) 50) / (ppdRef[frame * nb + band] + (float) 50);
            float h = (float) Math.pow(ratio, (float) 1.2);
            if (h > (float) 12) {
                h = (float) 12;
            }
            if (h < (float) 3) {
                h = (float) 0.0;
            }
            dist[band] *= h;
        }
        return new float[] {symmetric, pseudoLp(dist, 1)};
    }

    /** Zwicker's law per band, with the exponent raised below 4 Bark. */
    private float[] loudness(int frame, float[] ppd) {
        float[] loud = new float[nb];
        for (int band = 0; band < nb; band++) {
            float threshold = (float) rate.absoluteThreshold[band];
            float input = ppd[frame * nb + band];
            float h;
            if (rate.centreBark[band] < (float) 4) {
                h = (float) 6 / ((float) rate.centreBark[band] + (float) 2);
            } else {
                h = (float) 1;
            }
            if (h > (float) 2) {
                h = (float) 2;
            }
            h = (float) Math.pow(h, (float) 0.15);
            double power = ZWICKER_POWER * h;
            if (input > threshold) {
                loud[band] = (float)
                        (Math.pow(threshold / 0.5, power) * (Math.pow(0.5 + 0.5 * input / threshold, power) - 1));
            } else {
                loud[band] = 0;
            }
            loud[band] *= rate.sl;
        }
        return loud;
    }

    /** The band-width-weighted Lp norm over bands 1.. of P.862 10.2.9. */
    private float pseudoLp(float[] x, float p) {
        double totalWeight = 0;
        double result = 0;
        for (int band = 1; band < nb; band++) {
            float h = Math.abs(x[band]);
            float w = (float) rate.widthBark[band];
            float prod = h * w;
            result += Math.pow(prod, p);
            totalWeight += w;
        }
        result /= totalWeight;
        result = Math.pow(result, 1 / p);
        result *= totalWeight;
        return (float) result;
    }

    /** Frames at a large negative delay jump between utterances (part of the reference is skipped) score zero. */
    private void skipDelayJumps(int stopFrame, float[] disturbance, float[] asymmetric) {
        int half = nf / 2;
        int downsample = rate.downsample;
        for (int utt = 1; utt < u.count; utt++) {
            int frame1 = ((u.start[utt] - PesqSignal.SEARCH_BUFFER) * downsample + u.delay[utt]) / half;
            int j = ((u.end[utt - 1] - PesqSignal.SEARCH_BUFFER) * downsample + u.delay[utt - 1]) / half;
            int jump = u.delay[utt] - u.delay[utt - 1];
            frame1 = Math.max(0, Math.min(frame1, j));
            if (jump < -half) {
                int frame2 =
                        ((u.start[utt] - PesqSignal.SEARCH_BUFFER) * downsample + Math.max(0, Math.abs(jump))) / half
                                + 1;
                for (int frame = frame1; frame <= frame2; frame++) {
                    if (frame < stopFrame) {
                        disturbance[frame] = 0;
                        asymmetric[frame] = 0;
                    }
                }
            }
        }
    }

    /**
     * Runs of bad frames are realigned: the degraded signal (already shifted by each utterance's delay) is searched
     * for a better local delay over each run, and a frame keeps the smaller of its old and new disturbances.
     */
    private void realignBadIntervals(
            int stopFrame, float[] ppdRef, float[] ppdDeg, float[] disturbance, float[] asymmetric, float[] hzDeg) {
        int half = nf / 2;
        int nn = padding + maxSamples;
        float[] tweaked = new float[nn];
        for (int i = buffer; i < nn - buffer; i++) {
            int j = i + delayAt(i);
            j = Math.max(buffer, Math.min(nn - buffer - 1, j));
            tweaked[i] = deg.data[j];
        }
        boolean[] bad = new boolean[stopFrame + 1];
        boolean[] smeared = new boolean[stopFrame + 1];
        for (int frame = 0; frame <= stopFrame; frame++) {
            bad[frame] = disturbance[frame] > BAD_FRAME_THRESHOLD;
        }
        bad[0] = false;
        for (int frame = SMEAR_RANGE; frame < stopFrame - SMEAR_RANGE; frame++) {
            boolean left = bad[frame];
            boolean right = bad[frame];
            for (int i = -SMEAR_RANGE; i <= 0; i++) {
                left |= bad[frame + i];
            }
            for (int i = 0; i <= SMEAR_RANGE; i++) {
                right |= bad[frame + i];
            }
            smeared[frame] = left && right;
        }
        int[][] intervals = new int[stopFrame + 1][];
        int count = 0;
        int frame = 0;
        while (frame <= stopFrame) {
            while (frame <= stopFrame && !smeared[frame]) {
                frame++;
            }
            if (frame <= stopFrame) {
                int start = frame;
                while (frame <= stopFrame && smeared[frame]) {
                    frame++;
                }
                if (frame <= stopFrame && frame - start >= MIN_BAD_FRAMES) {
                    intervals[count++] = new int[] {start, frame};
                }
            }
        }
        if (count == 0) {
            return;
        }
        int search = SEARCH_RANGE_TRANSFORMS * nf;
        int[] delays = new int[count];
        for (int b = 0; b < count; b++) {
            int startSample = intervals[b][0] * half + buffer;
            int stopSample = intervals[b][1] * half + nf + buffer;
            int samples = stopSample - startSample;
            float[] r = new float[2 * search + samples];
            float[] d = new float[2 * search + samples];
            System.arraycopy(ref.data, startSample, r, search, samples);
            int limit = maxSamples - buffer + padding;
            for (int i = 0; i < 2 * search + samples; i++) {
                int j = startSample - search + i;
                j = Math.max(buffer, Math.min(limit - 1, j));
                d[i] = tweaked[j];
            }
            float[] correlation = new float[1];
            int delay = computeDelay(0, 2 * search + samples, search, r, d, correlation);
            delays[b] = correlation[0] < 0.5 ? 0 : delay;
        }
        float[] doubly = tweaked.clone();
        for (int b = 0; b < count; b++) {
            int startSample = intervals[b][0] * half + buffer;
            int stopSample = intervals[b][1] * half + nf + buffer;
            for (int i = startSample; i < stopSample; i++) {
                int j = Math.max(0, Math.min(maxSamples - 1, i + delays[b]));
                doubly[i] = tweaked[j];
            }
        }
        for (int b = 0; b < count; b++) {
            int first = intervals[b][0];
            int stop = Math.min(intervals[b][1], stopFrame);
            for (frame = first; frame < stop; frame++) {
                shortTermSpectrum(doubly, buffer + frame * half, hzDeg);
                bark(hzDeg, ppdDeg, frame);
            }
            float oldScale = 1;
            for (frame = first; frame < stop; frame++) {
                oldScale = scaleDegraded(frame, totalAudible(frame, ppdRef, 1), ppdDeg, oldScale);
                float[] dist = disturbances(frame, ppdRef, ppdDeg);
                disturbance[frame] = Math.min(disturbance[frame], dist[0]);
                asymmetric[frame] = Math.min(asymmetric[frame], dist[1]);
            }
        }
    }

    /** The lag within ±{@code range} of the largest normalised cross-correlation of the two envelopes' magnitudes. */
    private static int computeDelay(int start, int stop, int range, float[] a, float[] b, float[] maxCorrelation) {
        int n = stop - start;
        int size = TimeAlignment.nextPow2(2 * n);
        double power1 = PesqSignal.power(a, start, stop, n) * (double) n / (double) size;
        double power2 = PesqSignal.power(b, start, stop, n) * (double) n / (double) size;
        double normalization = Math.sqrt(power1 * power2);
        maxCorrelation[0] = 0;
        if (power1 <= 1e-6 || power2 <= 1e-6) {
            return 0;
        }
        PesqFft fft = new PesqFft(size);
        float[] x1 = new float[size + 2];
        float[] x2 = new float[size + 2];
        float[] y = new float[size + 2];
        for (int i = 0; i < n; i++) {
            x1[i] = Math.abs(a[i + start]);
            x2[i] = Math.abs(b[i + start]);
        }
        fft.realForward(x1);
        fft.realForward(x2);
        for (int i = 0; i <= size / 2; i++) {
            x1[2 * i] /= size;
            x1[2 * i + 1] /= size;
        }
        for (int i = 0; i <= size / 2; i++) {
            y[2 * i] = x1[2 * i] * x2[2 * i] + x1[2 * i + 1] * x2[2 * i + 1];
            y[2 * i + 1] = -x1[2 * i + 1] * x2[2 * i] + x1[2 * i] * x2[2 * i + 1];
        }
        fft.realInverse(y);
        int best = 0;
        for (int i = -range; i <= -1; i++) {
            double h = (float) Math.abs(y[i + size]) / normalization;
            if (Math.abs(h) > (double) maxCorrelation[0]) {
                maxCorrelation[0] = (float) Math.abs(h);
                best = i;
            }
        }
        for (int i = 0; i < range; i++) {
            double h = (float) Math.abs(y[i]) / normalization;
            if (Math.abs(h) > (double) maxCorrelation[0]) {
                maxCorrelation[0] = (float) Math.abs(h);
                best = i;
            }
        }
        return best;
    }

    /** L_p over syllables of 20 frames (every 10), then L_q over time with the time weights (P.862 10.2.11). */
    private static float lpqWeight(
            int startFrame, int stopFrame, float pSyllable, float pTime, float[] x, float[] timeWeight) {
        double resultTime = 0;
        double totalWeight = 0;
        for (int s = startFrame; s <= stopFrame; s += FRAMES_PER_SYLLABLE / 2) {
            double syllable = 0;
            int count = 0;
            for (int frame = s; frame < s + FRAMES_PER_SYLLABLE; frame++) {
                if (frame <= stopFrame) {
                    syllable += Math.pow(x[frame], pSyllable);
                }
                count++;
            }
            syllable /= count;
            syllable = Math.pow(syllable, (double) 1 / pSyllable);
            resultTime += Math.pow(timeWeight[s - startFrame] * syllable, pTime);
            totalWeight += Math.pow(timeWeight[s - startFrame], pTime);
        }
        resultTime /= totalWeight;
        resultTime = Math.pow(resultTime, (float) 1 / pTime);
        return (float) resultTime;
    }
}
