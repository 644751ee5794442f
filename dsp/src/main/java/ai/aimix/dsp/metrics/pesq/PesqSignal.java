package ai.aimix.dsp.metrics.pesq;

/**
 * One of the two signals as P.862 processes it: the samples framed by {@link #SEARCH_BUFFER} VAD windows of zeros
 * on each side (so delays either way can be searched) plus 320 ms of zero padding at the end, its voice activity per
 * window of {@code downsample} samples, and the logarithmic activity the crude alignment correlates.
 */
final class PesqSignal {
    /** Windows of silence put before and after the signal. */
    static final int SEARCH_BUFFER = 75;
    /** Zero padding after the signal, in ms. */
    static final int PADDING_MS = 320;

    /** Level the band-limited signal is scaled to (P.862 10.2.1). */
    private static final double TARGET_POWER = 1e7;
    /** Runs of activity this short or shorter (in windows) are not speech. */
    private static final int MIN_SPEECH_WINDOWS = 4;
    /** Gaps between speech this short or shorter (in windows) are joined. */
    private static final int JOIN_SPEECH_WINDOWS = 50;

    final PesqRate rate;
    /** Samples including both search buffers, not counting the end padding. */
    int samples;
    /** {@code samples} plus the end padding, or more once the shorter signal is padded to the longer. */
    float[] data;

    float[] vad;
    float[] logVad;

    PesqSignal(PesqRate rate, float[] audio) {
        this.rate = rate;
        int buffer = SEARCH_BUFFER * rate.downsample;
        samples = audio.length + 2 * buffer;
        data = new float[samples + padding()];
        System.arraycopy(audio, 0, data, buffer, audio.length);
    }

    int padding() {
        return PADDING_MS * (rate.sampleRate / 1000);
    }

    int buffer() {
        return SEARCH_BUFFER * rate.downsample;
    }

    int windows() {
        return samples / rate.downsample;
    }

    /**
     * Scales the signal so that its power between 350 Hz and 3.25 kHz is 10^7, averaged over the longer signal's
     * length {@code maxSamples} (P.862 10.2.1).
     */
    void alignLevel(int maxSamples, FftCache ffts) {
        int padding = padding();
        int buffer = buffer();
        float[] filtered = data.clone();
        FilterCurve.LEVEL_ALIGNMENT.apply(filtered, buffer, samples - 2 * buffer + padding, rate.sampleRate, ffts);
        float power = (float) power(filtered, buffer, samples - buffer + padding, maxSamples - 2 * buffer + padding);
        float scale = (float) Math.sqrt(TARGET_POWER / power);
        for (int i = 0; i < samples; i++) {
            data[i] *= scale;
        }
    }

    /** The IRS receive filter (narrowband) of P.862 10.2.2. */
    void irsFilter(FftCache ffts) {
        int buffer = buffer();
        FilterCurve.IRS_RECEIVE.apply(data, buffer, samples - 2 * buffer + padding(), rate.sampleRate, ffts);
    }

    /** P.862.2's input filter (wideband): a 16-sample fade at both ends, then a 100 Hz high-pass section. */
    void widebandFilter() {
        int buffer = buffer();
        for (int i = 0; i < 16; i++) {
            data[buffer + i - 1] *= (float) i / 16.0f;
            data[samples - buffer - i] *= (float) i / 16.0f;
        }
        Sections.filter(rate.widebandFilter, data, buffer, samples - 2 * buffer);
    }

    /**
     * The filtering that time alignment works on (P.862 10.3.1): the mean removed, a fade of one VAD window at each
     * end, then the alignment band-pass.
     */
    void alignmentFilter() {
        int ofs = buffer();
        int downsample = rate.downsample;
        float mean = 0.0f;
        for (int i = ofs; i < samples - ofs; i++) {
            mean += data[i];
        }
        mean /= samples;
        for (int i = ofs; i < samples - ofs; i++) {
            data[i] -= mean;
        }
        for (int c = 0; c < downsample; c++) {
            data[ofs + c] *= (0.5f + c) / downsample;
        }
        for (int c = 0; c < downsample; c++) {
            data[samples - ofs - 1 - c] *= (0.5f + c) / downsample;
        }
        Sections.filter(rate.inputFilter, data, 0, samples + padding());
    }

    /** The voice activity detector of P.862 10.3.2: energy per window against an adaptive noise threshold. */
    void detectActivity() {
        int downsample = rate.downsample;
        int windows = windows();
        float[] v = new float[windows];
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < downsample; i++) {
                float g = data[w * downsample + i];
                v[w] += g * g;
            }
            v[w] /= downsample;
        }
        float threshold = 0.0f;
        for (int w = 0; w < windows; w++) {
            threshold += v[w];
        }
        threshold /= windows;
        float floor = 0.0f;
        for (int w = 0; w < windows; w++) {
            if (v[w] > floor) {
                floor = v[w];
            }
        }
        floor = floor > 0.0f ? floor * 1.0e-4f : 1.0f;
        for (int w = 0; w < windows; w++) {
            if (v[w] < floor) {
                v[w] = floor;
            }
        }
        float noise = 0.0f;
        for (int iteration = 0; iteration < 12; iteration++) {
            noise = 0.0f;
            float deviation = 0.0f;
            int length = 0;
            for (int w = 0; w < windows; w++) {
                if (v[w] <= threshold) {
                    noise += v[w];
                    length++;
                }
            }
            if (length > 0) {
                noise /= length;
                for (int w = 0; w < windows; w++) {
                    if (v[w] <= threshold) {
                        float g = v[w] - noise;
                        deviation += g * g;
                    }
                }
                deviation = (float) Math.sqrt(deviation / length);
            }
            threshold = 1.001f * (noise + 2.0f * deviation);
        }
        noise = 0.0f;
        float signal = 0.0f;
        int length = 0;
        for (int w = 0; w < windows; w++) {
            if (v[w] > threshold) {
                signal += v[w];
                length++;
            } else {
                noise += v[w];
            }
        }
        if (length > 0) {
            signal /= length;
        } else {
            threshold = -1.0f;
        }
        noise = length < windows ? noise / (windows - length) : 1.0f;
        for (int w = 0; w < windows; w++) {
            if (v[w] <= threshold) {
                v[w] = -v[w];
            }
        }
        v[0] = -floor;
        v[windows - 1] = -floor;
        // Bursts of MIN_SPEECH_WINDOWS or fewer are not speech.
        int start = 0;
        for (int w = 1; w < windows; w++) {
            if (v[w] > 0.0f && v[w - 1] <= 0.0f) {
                start = w;
            }
            if (v[w] <= 0.0f && v[w - 1] > 0.0f && w - start <= MIN_SPEECH_WINDOWS) {
                for (int i = start; i < w; i++) {
                    v[i] = -v[i];
                }
            }
        }
        // With a clean background, bursts whose mean is below three times the threshold are not speech either.
        if (signal >= noise * 1000.0f) {
            for (int w = 1; w < windows; w++) {
                if (v[w] > 0.0f && v[w - 1] <= 0.0f) {
                    start = w;
                }
                if (v[w] <= 0.0f && v[w - 1] > 0.0f) {
                    float sum = 0.0f;
                    for (int i = start; i < w; i++) {
                        sum += v[i];
                    }
                    if (sum < 3.0f * threshold * (w - start)) {
                        for (int i = start; i < w; i++) {
                            v[i] = -v[i];
                        }
                    }
                }
            }
        }
        // Short gaps are joined.
        start = 0;
        int finish = 0;
        for (int w = 1; w < windows; w++) {
            if (v[w] > 0.0f && v[w - 1] <= 0.0f) {
                start = w;
                if (finish > 0 && start - finish <= JOIN_SPEECH_WINDOWS) {
                    for (int i = finish; i < start; i++) {
                        v[i] = floor;
                    }
                }
            }
            if (v[w] <= 0.0f && v[w - 1] > 0.0f) {
                finish = w;
            }
        }
        start = 0;
        for (int w = 1; w < windows; w++) {
            if (v[w] > 0.0f && v[w - 1] <= 0.0f) {
                start = w;
            }
        }
        if (start == 0) {
            for (int w = 0; w < windows; w++) {
                v[w] = Math.abs(v[w]);
            }
            v[0] = -floor;
            v[windows - 1] = -floor;
        }
        // Soft edges: two windows rising before speech, two falling after it.
        int w = 3;
        while (w < windows - 2) {
            if (v[w] > 0.0f && v[w - 2] <= 0.0f) {
                v[w - 2] = v[w] * 0.1f;
                v[w - 1] = v[w] * 0.3f;
                w++;
            }
            if (v[w] <= 0.0f && v[w - 1] > 0.0f) {
                v[w] = v[w - 1] * 0.3f;
                v[w + 1] = v[w - 1] * 0.1f;
                w += 3;
            }
            w++;
        }
        for (int i = 0; i < windows; i++) {
            if (v[i] < 0.0f) {
                v[i] = 0.0f;
            }
        }
        if (threshold <= 0.0f) {
            threshold = floor;
        }
        float[] log = new float[windows];
        for (int i = 0; i < windows; i++) {
            log[i] = v[i] <= threshold ? 0.0f : (float) Math.log(v[i] / threshold);
        }
        vad = v;
        logVad = log;
    }

    /** Pads the data with zeros to {@code length} (the longer signal's samples plus padding). */
    void padTo(int length) {
        if (data.length < length) {
            float[] longer = new float[length];
            System.arraycopy(data, 0, longer, 0, data.length);
            data = longer;
        }
    }

    /** Sum of squares over [from, to) divided by {@code divisor}, each square rounded to float as specified. */
    static double power(float[] x, int from, int to, int divisor) {
        double power = 0;
        for (int i = from; i < to; i++) {
            float h = x[i];
            power += h * h;
        }
        return power / divisor;
    }
}
