package ai.aimix.dsp.descriptors;

import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.dsp.spectral.StreamingLogMel;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a stem segment measures, beside its log-mel spectrogram: the numbers a mixing engineer reads off meters before
 * touching a fader or an EQ, for a model to see what it must correct. Per segment, in this order ({@link #NAMES}):
 *
 * <ol>
 *   <li>{@code integrated_lufs}: ITU-R BS.1770 gated loudness of the 400 ms gating blocks that end in the segment;
 *   <li>{@code momentary_max_lufs}: the loudest of those blocks;
 *   <li>{@code short_term_lufs}: short-term loudness (the last 3 s) at the segment's end; before 3 s of the stem, the
 *       gated loudness of all of it so far;
 *   <li>{@code sample_peak_dbfs}, {@code rms_dbfs}: the segment's largest sample magnitude and mean square, over all
 *       channels;
 *   <li>{@code crest_db}: peak minus RMS, the headroom a transient takes (3.01 dB for a sine, 0 for a square wave);
 *   <li>{@code band_31_db} .. {@code band_16k_db}: the {@link OctaveBands} balance, each band's power relative to the
 *       ten bands' sum, from the power spectra of the stem's log-mel stream ({@link #powerTap()}), so it costs no
 *       transform of its own.
 * </ol>
 *
 * Every value is finite: silence, and a level below {@link #FLOOR_DB}, read as the floor. The loudness meter carries
 * across segments (its windows span segment boundaries) and is part of {@link #save the state}, like the log-mel's.
 */
public final class StemDescriptors {
    /** The value of a level with nothing to measure (silence, a band with no energy): finite, for a model's input. */
    public static final double FLOOR_DB = -100.0;

    /** Descriptors per segment. */
    public static final int COUNT = 6 + OctaveBands.COUNT;

    public static final int INTEGRATED_LUFS = 0;
    public static final int MOMENTARY_MAX_LUFS = 1;
    public static final int SHORT_TERM_LUFS = 2;
    public static final int SAMPLE_PEAK_DBFS = 3;
    public static final int RMS_DBFS = 4;
    public static final int CREST_DB = 5;
    /** Index of the lowest octave band's level; band b is at {@code FIRST_BAND + b}. */
    public static final int FIRST_BAND = 6;

    /** The descriptors' names, in order. */
    public static final List<String> NAMES = names();

    private final int channels;
    private final LoudnessMeter meter;
    private final OctaveBands octaves;
    /** Power per octave band of the spectra received since the last segment was measured. */
    private final double[] bandPower = new double[OctaveBands.COUNT];

    /**
     * @param nFft the transform length of the log-mel stream whose spectra {@link #powerTap()} receives
     */
    public StemDescriptors(double sampleRate, int channels, int nFft) {
        if (channels < 1 || channels > 2) {
            throw new IllegalArgumentException("1 or 2 channels, got " + channels);
        }
        this.channels = channels;
        this.meter = new LoudnessMeter(sampleRate, channels);
        this.octaves = new OctaveBands(sampleRate, nFft);
    }

    /** Give this to the stem's {@link StreamingLogMel#tap}: the spectral balance is gathered from its spectra. */
    public StreamingLogMel.PowerTap powerTap() {
        return power -> octaves.accumulate(power, bandPower);
    }

    /**
     * Measures the next segment, {@code frames} interleaved frames from frame {@code offset} of {@code audio}, after
     * the log-mel stream has been given the same samples, and writes {@link #COUNT} values to {@code out[at ..]}.
     */
    public void segment(float[] audio, int offset, int frames, float[] out, int at) {
        int blocksBefore = meter.blocks();
        meter.pushInterleaved(audio, offset, frames);
        out[at + INTEGRATED_LUFS] = floor(meter.integratedLufs(blocksBefore));
        out[at + MOMENTARY_MAX_LUFS] = floor(meter.momentaryMaxLufs(blocksBefore));
        double shortTerm = meter.shortTermLufs();
        out[at + SHORT_TERM_LUFS] = floor(Double.isNaN(shortTerm) ? meter.integratedLufs() : shortTerm);

        float peak = 0f;
        // four sums, so that each addition need not wait for the one before
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = offset * channels;
        int end = (offset + frames) * channels;
        for (; i + 3 < end; i += 4) {
            float a = audio[i], b = audio[i + 1], c = audio[i + 2], d = audio[i + 3];
            peak = Math.max(peak, Math.max(Math.max(Math.abs(a), Math.abs(b)), Math.max(Math.abs(c), Math.abs(d))));
            s0 += (double) a * a;
            s1 += (double) b * b;
            s2 += (double) c * c;
            s3 += (double) d * d;
        }
        for (; i < end; i++) {
            peak = Math.max(peak, Math.abs(audio[i]));
            s0 += (double) audio[i] * audio[i];
        }
        double squares = (s0 + s1) + (s2 + s3);
        double peakDb = floor(20 * Math.log10(peak));
        double rmsDb = frames == 0 ? FLOOR_DB : floor(10 * Math.log10(squares / ((double) frames * channels)));
        out[at + SAMPLE_PEAK_DBFS] = (float) peakDb;
        out[at + RMS_DBFS] = (float) rmsDb;
        out[at + CREST_DB] = (float) (peakDb - rmsDb);

        double total = 0;
        for (double p : bandPower) {
            total += p;
        }
        for (int b = 0; b < OctaveBands.COUNT; b++) {
            out[at + FIRST_BAND + b] = total > 0 ? floor(10 * Math.log10(bandPower[b] / total)) : (float) FLOOR_DB;
            bandPower[b] = 0;
        }
    }

    /**
     * The mix context of a segment: each descriptor's mean over the stems ({@code perStem[stem][descriptor]}), into
     * {@code out[0 .. COUNT)}.
     */
    public static void context(float[][] perStem, float[] out) {
        for (int d = 0; d < COUNT; d++) {
            double sum = 0;
            for (float[] stem : perStem) {
                sum += stem[d];
            }
            out[d] = perStem.length == 0 ? (float) FLOOR_DB : (float) (sum / perStem.length);
        }
    }

    private static float floor(double db) {
        return (float) (Double.isNaN(db) ? FLOOR_DB : Math.max(FLOOR_DB, db));
    }

    public void save(StateWriter w) {
        meter.save(w);
        w.writeDoubles(bandPower);
    }

    public void load(StateReader r) {
        meter.load(r);
        double[] p = r.readDoubles();
        if (p.length != bandPower.length) {
            throw new IllegalStateException("state has " + p.length + " bands, not " + bandPower.length);
        }
        System.arraycopy(p, 0, bandPower, 0, p.length);
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>(List.of(
                "integrated_lufs",
                "momentary_max_lufs",
                "short_term_lufs",
                "sample_peak_dbfs",
                "rms_dbfs",
                "crest_db"));
        for (int b = 0; b < OctaveBands.COUNT; b++) {
            double hz = OctaveBands.nominalCentreHz(b);
            n.add("band_" + (hz >= 1000 ? (int) (hz / 1000) + "k" : String.valueOf((int) hz)) + "_db");
        }
        return Collections.unmodifiableList(n);
    }
}
