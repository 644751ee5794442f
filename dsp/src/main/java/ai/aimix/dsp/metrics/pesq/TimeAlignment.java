package ai.aimix.dsp.metrics.pesq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * P.862's time alignment (10.4): a crude delay from the cross-correlation of the two signals' activity envelopes,
 * the reference's utterances, a fine delay per utterance from a histogram of the peaks of windowed
 * cross-correlations, and the splitting of an utterance where the delay changes inside it.
 */
final class TimeAlignment {
    /** Utterances shorter than this many VAD windows are not kept. */
    private static final int MIN_UTTERANCE_WINDOWS = 50;
    /** Utterances with at least this many windows of speech are tried for a split. */
    private static final int SPLIT_MIN_WINDOWS = 200;
    /** Most breakpoints tried per utterance. */
    private static final int MAX_BREAKPOINTS = 40;

    private final PesqSignal ref;
    private final PesqSignal deg;
    private final int downsample;
    private final int nfft;
    private final FftCache ffts;
    private final float[] window;
    private final float[] x1;
    private final float[] x2;

    TimeAlignment(PesqSignal ref, PesqSignal deg, FftCache ffts) {
        this.ref = ref;
        this.deg = deg;
        this.ffts = ffts;
        downsample = ref.rate.downsample;
        nfft = ref.rate.alignFft;
        window = new float[nfft];
        for (int i = 0; i < nfft; i++) {
            window[i] = (float) (0.5 * (1.0 - Math.cos((6.28318530717959 * i) / nfft)));
        }
        x1 = new float[nfft + 2];
        x2 = new float[nfft + 2];
    }

    static int nextPow2(int x) {
        int c = 1;
        while (c < x) {
            c <<= 1;
        }
        return c;
    }

    /** The whole alignment: the crude delay, then the utterances with their delays. */
    Utterances align() {
        Utterances u = new Utterances();
        u.crudeDelay = crudeLag(0, 0, ref.windows(), deg.windows()) * downsample;
        List<int[]> runs = speechRuns(u.crudeDelay);
        findSearchWindows(u, runs);
        for (int id = 0; id < u.count; id++) {
            int startr = u.searchStart[id];
            int startd = startr + u.crudeDelay / downsample;
            if (startd < 0) {
                startr = -u.crudeDelay / downsample;
                startd = 0;
            }
            int nr = u.searchEnd[id] - startr;
            int nd = Math.min(nr, deg.windows() - startd);
            u.delayEstimate[id] = crudeLag(startr, startd, nr, nd) * downsample + u.crudeDelay;
            fineAlign(u, id);
        }
        if (u.count == 0) {
            return u;
        }
        findUtterances(u, runs);
        split(u);
        return u;
    }

    /**
     * The lag (in VAD windows, degraded after reference) of the largest cross-correlation of the reference's log
     * activity from window {@code startr} over {@code nr} and the degraded's from {@code startd} over {@code nd}.
     */
    private int crudeLag(int startr, int startd, int nr, int nd) {
        if (nr <= 1 || nd <= 1) {
            return 0;
        }
        int nx = nextPow2(Math.max(nr, nd));
        PesqFft fft = ffts.of(2 * nx);
        float[] a = new float[2 * nx + 2];
        float[] b = new float[2 * nx + 2];
        for (int c = 0; c < nr; c++) {
            a[nr - 1 - c] = ref.logVad[startr + c];
        }
        System.arraycopy(deg.logVad, startd, b, 0, nd);
        fft.realForward(a);
        fft.realForward(b);
        for (int c = 0; c <= nx; c++) {
            int d = c << 1;
            float r1 = a[d];
            float i1 = a[d + 1];
            a[d] = r1 * b[d] - i1 * b[d + 1];
            a[d + 1] = r1 * b[d + 1] + i1 * b[d];
        }
        fft.realInverse(a);
        float max = 0.0f;
        int best = nr - 1;
        for (int c = 0; c < nr + nd - 1; c++) {
            if (a[c] > max) {
                max = a[c];
                best = c;
            }
        }
        return best - nr + 1;
    }

    /**
     * The runs of reference activity that make utterances: at least {@link #MIN_UTTERANCE_WINDOWS} long, and placed
     * so that the degraded signal, shifted by the crude delay, covers them; each as {first window, window it ended}.
     */
    private List<int[]> speechRuns(int crudeDelay) {
        int windows = ref.windows();
        int degStartLimit = MIN_UTTERANCE_WINDOWS - crudeDelay / downsample;
        int degEndLimit = (deg.samples - crudeDelay) / downsample - MIN_UTTERANCE_WINDOWS;
        List<int[]> runs = new ArrayList<>();
        boolean speech = false;
        int thisStart = 0;
        for (int w = 0; w < windows && runs.size() < Utterances.MAX; w++) {
            float v = ref.vad[w];
            if (v > 0.0f && !speech) {
                speech = true;
                thisStart = w;
            }
            if ((v == 0.0f || w == windows - 1) && speech) {
                speech = false;
                if (w - thisStart >= MIN_UTTERANCE_WINDOWS && thisStart < degEndLimit && w > degStartLimit) {
                    runs.add(new int[] {thisStart, w});
                }
            }
        }
        return runs;
    }

    /** Search windows: each run of reference activity, widened by the search buffer (P.862 10.4.2). */
    private void findSearchWindows(Utterances u, List<int[]> runs) {
        int windows = ref.windows();
        for (int n = 0; n < runs.size(); n++) {
            u.searchStart[n] = Math.max(0, runs.get(n)[0] - PesqSignal.SEARCH_BUFFER);
            u.searchEnd[n] = Math.min(windows - 1, runs.get(n)[1] + PesqSignal.SEARCH_BUFFER);
        }
        u.count = runs.size();
    }

    /** Utterance bounds from the reference's activity, split halfway between neighbours (P.862 10.4.3). */
    private void findUtterances(Utterances u, List<int[]> runs) {
        int windows = ref.windows();
        for (int n = 0; n < u.count; n++) {
            u.start[n] = runs.get(n)[0];
            u.end[n] = runs.get(n)[1];
        }
        int last = u.count - 1;
        u.start[0] = PesqSignal.SEARCH_BUFFER;
        u.end[last] = windows - PesqSignal.SEARCH_BUFFER;
        for (int id = 1; id < u.count; id++) {
            int middle = (u.start[id] + u.end[id - 1]) / 2;
            u.start[id] = middle;
            u.end[id - 1] = middle;
        }
        if (u.start[0] * downsample + u.delay[0] < PesqSignal.SEARCH_BUFFER * downsample) {
            u.start[0] = PesqSignal.SEARCH_BUFFER + (downsample - 1 - u.delay[0]) / downsample;
        }
        if (u.end[last] * downsample + u.delay[last] > deg.samples - PesqSignal.SEARCH_BUFFER * downsample) {
            u.end[last] = (deg.samples - u.delay[last]) / downsample - PesqSignal.SEARCH_BUFFER;
        }
        for (int id = 1; id < u.count; id++) {
            int thisStartSample = u.start[id] * downsample + u.delay[id];
            int lastEndSample = u.end[id - 1] * downsample + u.delay[id - 1];
            if (thisStartSample < lastEndSample) {
                int middle = (thisStartSample + lastEndSample) / 2;
                u.start[id] = (downsample - 1 + middle - u.delay[id]) / downsample;
                u.end[id - 1] = (middle - u.delay[id - 1]) / downsample;
            }
        }
    }

    /** Fine delay of utterance {@code id}: a histogram of correlation peaks over 64 ms frames (P.862 10.4.4). */
    private void fineAlign(Utterances u, int id) {
        int estimate = u.delayEstimate[id];
        float[] h = new float[nfft];
        int startr = u.searchStart[id] * downsample;
        int startd = startr + estimate;
        if (startd < 0) {
            startr = -estimate;
            startd = 0;
        }
        while (startd + nfft <= deg.samples && startr + nfft <= u.searchEnd[id] * downsample) {
            float peak = correlate(startr, startd);
            for (int c = 0; c < nfft; c++) {
                if (x1[c] > peak) {
                    h[c] += (float) Math.pow(peak, 0.125);
                }
            }
            startr += nfft / 4;
            startd += nfft / 4;
        }
        float sum = 0.0f;
        float[] a = x1;
        float[] b = x2;
        for (int c = 0; c < nfft; c++) {
            sum += h[c];
            a[c] = h[c];
            b[c] = 0.0f;
        }
        b[0] = 1.0f;
        int kernel = nfft / 64;
        for (int c = 1; c < kernel; c++) {
            b[c] = 1.0f - ((float) c) / ((float) kernel);
            b[nfft - c] = 1.0f - ((float) c) / ((float) kernel);
        }
        PesqFft fft = ffts.of(nfft);
        fft.realForward(a);
        fft.realForward(b);
        for (int c = 0; c <= nfft / 2; c++) {
            float r1 = a[c * 2];
            float i1 = a[1 + c * 2];
            a[c * 2] = r1 * b[c * 2] - i1 * b[1 + c * 2];
            a[1 + c * 2] = r1 * b[1 + c * 2] + i1 * b[c * 2];
        }
        fft.realInverse(a);
        for (int c = 0; c < nfft; c++) {
            h[c] = sum > 0.0 ? Math.abs(a[c]) / sum : 0.0f;
        }
        float best = 0.0f;
        int at = 0;
        for (int c = 0; c < nfft; c++) {
            if (h[c] > best) {
                best = h[c];
                at = c;
            }
        }
        if (at >= nfft / 2) {
            at -= nfft;
        }
        u.delay[id] = estimate + at;
        u.confidence[id] = best;
    }

    /**
     * The circular cross-correlation magnitude of one Hann-windowed frame of each signal, left in {@link #x1};
     * returns 0.99 of its peak.
     */
    private float correlate(int startr, int startd) {
        for (int c = 0; c < nfft; c++) {
            x1[c] = ref.data[c + startr] * window[c];
            x2[c] = deg.data[c + startd] * window[c];
        }
        PesqFft fft = ffts.of(nfft);
        fft.realForward(x1);
        fft.realForward(x2);
        for (int c = 0; c <= nfft / 2; c++) {
            float r1 = x1[c * 2];
            float i1 = -x1[1 + c * 2];
            x1[c * 2] = r1 * x2[c * 2] - i1 * x2[1 + c * 2];
            x1[1 + c * 2] = r1 * x2[1 + c * 2] + i1 * x2[c * 2];
        }
        fft.realInverse(x1);
        float max = 0.0f;
        for (int c = 0; c < nfft; c++) {
            float r = Math.abs(x1[c]);
            x1[c] = r;
            if (r > max) {
                max = r;
            }
        }
        return max * 0.99f;
    }

    /** Splits utterances whose two halves align better with different delays (P.862 10.4.5), repeatedly. */
    private void split(Utterances u) {
        int id = 0;
        while (id < u.count && u.count < Utterances.MAX) {
            int estimate = u.delayEstimate[id];
            float confidence = u.confidence[id];
            int start = u.start[id];
            int end = u.end[id];
            int speechStart = start;
            while (speechStart < end && ref.vad[speechStart] <= 0.0f) {
                speechStart++;
            }
            int speechEnd = end;
            while (speechEnd > start && ref.vad[speechEnd] <= 0.0f) {
                speechEnd--;
            }
            speechEnd++;
            if (speechEnd - speechStart < SPLIT_MIN_WINDOWS) {
                id++;
                continue;
            }
            Split best = bestSplit(start, speechStart, speechEnd, end, estimate, confidence);
            if (!(best.confidence1 > confidence && best.confidence2 > confidence)) {
                id++;
                continue;
            }
            u.openAfter(id);
            u.delayEstimate[id] = best.estimate1;
            u.delay[id] = best.delay1;
            u.confidence[id] = best.confidence1;
            u.delayEstimate[id + 1] = best.estimate2;
            u.delay[id + 1] = best.delay2;
            u.confidence[id + 1] = best.confidence2;
            u.searchStart[id + 1] = u.searchStart[id];
            u.searchEnd[id + 1] = u.searchEnd[id];
            if (best.delay2 < best.delay1) {
                u.start[id] = start;
                u.end[id] = best.breakpoint;
                u.start[id + 1] = best.breakpoint;
                u.end[id + 1] = end;
            } else {
                u.start[id] = start;
                u.end[id] = best.breakpoint + (best.delay2 - best.delay1) / (2 * downsample);
                u.start[id + 1] = best.breakpoint - (best.delay2 - best.delay1) / (2 * downsample);
                u.end[id + 1] = end;
            }
            if ((u.start[id] - PesqSignal.SEARCH_BUFFER) * downsample + best.delay1 < 0) {
                u.start[id] = PesqSignal.SEARCH_BUFFER + (downsample - 1 - best.delay1) / downsample;
            }
            if (u.end[id + 1] * downsample + best.delay2 > deg.samples - PesqSignal.SEARCH_BUFFER * downsample) {
                u.end[id + 1] = (deg.samples - best.delay2) / downsample - PesqSignal.SEARCH_BUFFER;
            }
        }
    }

    /** The best breakpoint of one utterance and the delays before and after it. */
    private static final class Split {
        int estimate1;
        int delay1;
        float confidence1;
        int estimate2;
        int delay2;
        float confidence2;
        int breakpoint;
    }

    /** A delay histogram built frame by frame, with the frame position it has reached. */
    private static final class Histogram {
        final float[] h;
        float sum;
        int startr;
        int startd;

        Histogram(int n) {
            h = new float[n];
        }
    }

    private Split bestSplit(
            int start, int speechStart, int speechEnd, int end, int estimate, float utteranceConfidence) {
        Split best = new Split();
        int length = speechEnd - speechStart;
        int delta = nfft / (4 * downsample);
        int step = (int) ((0.801 * length + 40 * delta - 1) / (40 * delta)) * delta;
        int pad = Math.max(75, length / 10);
        int[] breakpoints = new int[MAX_BREAKPOINTS + 1];
        breakpoints[0] = speechStart + pad;
        int count = 0;
        do {
            count++;
            breakpoints[count] = breakpoints[count - 1] + step;
        } while (breakpoints[count] <= speechEnd - pad && count < MAX_BREAKPOINTS);
        int[] estimate1 = new int[count];
        int[] estimate2 = new int[count];
        int[] delay1 = new int[count];
        int[] delay2 = new int[count];
        float[] confidence1 = new float[count];
        float[] confidence2 = new float[count];
        for (int bp = 0; bp < count; bp++) {
            estimate1[bp] = splitCrudeDelay(estimate, start, breakpoints[bp]);
            estimate2[bp] = splitCrudeDelay(estimate, breakpoints[bp], end);
        }
        // Before each breakpoint: histograms grow forwards from the utterance's start, shared by breakpoints with
        // the same crude delay.
        Arrays.fill(confidence1, -2.0f);
        while (true) {
            int bp = 0;
            while (bp < count && confidence1[bp] > -2.0) {
                bp++;
            }
            if (bp >= count) {
                break;
            }
            int est = estimate1[bp];
            Histogram hist = new Histogram(nfft);
            hist.startr = start * downsample;
            hist.startd = hist.startr + est;
            if (hist.startd < 0) {
                hist.startr = -est;
                hist.startd = 0;
            }
            growForward(hist, breakpoints[bp]);
            settle(hist, est, bp, delay1, confidence1);
            while (bp < count - 1) {
                bp++;
                if (estimate1[bp] == est && confidence1[bp] <= -2.0) {
                    growForward(hist, breakpoints[bp]);
                    settle(hist, est, bp, delay1, confidence1);
                }
            }
        }
        // After each breakpoint: histograms grow backwards from the utterance's end.
        for (int bp = 0; bp < count; bp++) {
            confidence2[bp] = confidence1[bp] > utteranceConfidence ? -2.0f : 0.0f;
        }
        while (true) {
            int bp = count - 1;
            while (bp >= 0 && confidence2[bp] > -2.0) {
                bp--;
            }
            if (bp < 0) {
                break;
            }
            int est = estimate2[bp];
            Histogram hist = new Histogram(nfft);
            hist.startr = end * downsample - nfft;
            hist.startd = hist.startr + est;
            if (hist.startd + nfft > deg.samples) {
                hist.startd = deg.samples - nfft;
                hist.startr = hist.startd - est;
            }
            growBackward(hist, breakpoints[bp]);
            settle(hist, est, bp, delay2, confidence2);
            while (bp > 0) {
                bp--;
                if (estimate2[bp] == est && confidence2[bp] <= -2.0) {
                    growBackward(hist, breakpoints[bp]);
                    settle(hist, est, bp, delay2, confidence2);
                }
            }
        }
        for (int bp = 0; bp < count; bp++) {
            if (Math.abs(delay2[bp] - delay1[bp]) >= downsample
                    && confidence1[bp] + confidence2[bp] > best.confidence1 + best.confidence2
                    && confidence1[bp] > utteranceConfidence
                    && confidence2[bp] > utteranceConfidence) {
                best.estimate1 = estimate1[bp];
                best.delay1 = delay1[bp];
                best.confidence1 = confidence1[bp];
                best.estimate2 = estimate2[bp];
                best.delay2 = delay2[bp];
                best.confidence2 = confidence2[bp];
                best.breakpoint = breakpoints[bp];
            }
        }
        return best;
    }

    /** The crude delay over the windows [searchStart, searchEnd) around a first estimate (in samples). */
    private int splitCrudeDelay(int estimate, int searchStart, int searchEnd) {
        int startr = searchStart;
        int startd = startr + estimate / downsample;
        if (startd < 0) {
            startr = -estimate / downsample;
            startd = 0;
        }
        int nr = searchEnd - startr;
        int nd = Math.min(nr, deg.windows() - startd);
        return crudeLag(startr, startd, nr, nd) * downsample + estimate;
    }

    private void growForward(Histogram hist, int limitWindow) {
        while (hist.startd + nfft <= deg.samples && hist.startr + nfft <= limitWindow * downsample) {
            addFrame(hist);
            hist.startr += nfft / 4;
            hist.startd += nfft / 4;
        }
    }

    private void growBackward(Histogram hist, int limitWindow) {
        while (hist.startd >= 0 && hist.startr >= limitWindow * downsample) {
            addFrame(hist);
            hist.startr -= nfft / 4;
            hist.startd -= nfft / 4;
        }
    }

    /** Adds one frame's correlation peaks to the histogram, each spread by a triangle of {@code nfft/64} lags. */
    private void addFrame(Histogram hist) {
        int kernel = nfft / 64;
        float peak = correlate(hist.startr, hist.startd);
        float weight = (float) Math.pow(peak, 0.125) / kernel;
        for (int c = 0; c < nfft; c++) {
            if (x1[c] > peak) {
                hist.sum += weight * kernel;
                for (int k = 1 - kernel; k < kernel; k++) {
                    hist.h[(c + k + nfft) % nfft] += weight * (kernel - (float) Math.abs(k));
                }
            }
        }
    }

    /** The histogram's peak as the delay for breakpoint {@code bp}, and its share of the total as confidence. */
    private void settle(Histogram hist, int estimate, int bp, int[] delays, float[] confidences) {
        float best = 0.0f;
        int at = 0;
        for (int c = 0; c < nfft; c++) {
            if (hist.h[c] > best) {
                best = hist.h[c];
                at = c;
            }
        }
        if (at >= nfft / 2) {
            at -= nfft;
        }
        delays[bp] = estimate + at;
        confidences[bp] = hist.sum > 0.0 ? best / hist.sum : 0.0f;
    }
}
