package ai.aimix.dsp.loudness;

/**
 * A whole signal's loudness and peak figures, as {@code aimix analyze} reports them: integrated loudness, loudness
 * range, the largest momentary and short-term loudness (BS.1770-4 / R 128, see {@link LoudnessMeter}), sample peak
 * and true peak (4x oversampled, {@link TruePeakMeter}) over all channels.
 */
public final class LoudnessAnalysis {
    public final double integratedLufs;
    public final double loudnessRangeLu;
    public final double momentaryMaxLufs;
    public final double shortTermMaxLufs;
    public final double truePeakDbtp;
    public final double samplePeakDbfs;
    public final double seconds;
    public final ChannelWeights weights;

    private LoudnessAnalysis(LoudnessMeter m, TruePeakMeter p, double seconds, ChannelWeights weights) {
        this.integratedLufs = m.integratedLufs();
        this.loudnessRangeLu = m.loudnessRangeLu();
        this.momentaryMaxLufs = m.momentaryMaxLufs();
        this.shortTermMaxLufs = m.shortTermMaxLufs();
        this.truePeakDbtp = TruePeakMeter.toDb(p.truePeak());
        this.samplePeakDbfs = TruePeakMeter.toDb(p.samplePeak());
        this.seconds = seconds;
        this.weights = weights;
    }

    /** Measures interleaved frames, block by block (no second copy of the signal). */
    public static LoudnessAnalysis ofInterleaved(
            float[] interleaved, int channels, double sampleRate, ChannelWeights weights) {
        if (channels != weights.channels()) {
            throw new IllegalArgumentException(channels + " channels but " + weights.channels() + " weights");
        }
        int frames = interleaved.length / channels;
        LoudnessMeter meter = new LoudnessMeter(sampleRate, weights);
        TruePeakMeter peaks = new TruePeakMeter(channels);
        int block = 65536;
        float[][] planar = new float[channels][block];
        for (int from = 0; from < frames; from += block) {
            int n = Math.min(block, frames - from);
            for (int c = 0; c < channels; c++) {
                float[] p = planar[c];
                for (int i = 0; i < n; i++) {
                    p[i] = interleaved[(from + i) * channels + c];
                }
            }
            meter.push(planar, 0, n);
            for (int c = 0; c < channels; c++) {
                peaks.push(c, planar[c], 0, n);
            }
        }
        return new LoudnessAnalysis(meter, peaks, frames / sampleRate, weights);
    }

    /** Measures planar channels (one array per channel, equal lengths). */
    public static LoudnessAnalysis of(float[][] planar, double sampleRate, ChannelWeights weights) {
        if (planar.length != weights.channels()) {
            throw new IllegalArgumentException(planar.length + " channels but " + weights.channels() + " weights");
        }
        int n = planar[0].length;
        LoudnessMeter meter = new LoudnessMeter(sampleRate, weights);
        meter.push(planar, 0, n);
        TruePeakMeter peaks = new TruePeakMeter(planar.length);
        for (int c = 0; c < planar.length; c++) {
            peaks.push(c, planar[c], 0, n);
        }
        return new LoudnessAnalysis(meter, peaks, n / sampleRate, weights);
    }
}
