package ai.aimix.dsp.spectral;

import java.util.Arrays;

/**
 * The log-mel spectrograms a model sees for whole tracks, segment by segment, exactly as the mix job computes them:
 * every stem's channel mean through one streaming log-mel ({@link StemMel}) that continues across segments, so
 * segment 0 has 127 frames (with the default n_fft 2048 / hop 512 / 65536-frame segments), the following ones 128,
 * the last one the remainder plus the centring tail. Segments shorter than {@code minFrames} mel frames are padded
 * with {@link Decibels#FLOOR_DB} (silence), as the inference operator pads them.
 */
public final class SegmentMels {
    private SegmentMels() {}

    /**
     * One stem's segments: [segment] band-major log-mel of {@code max(frames, minFrames)} frames.
     *
     * @param audio       interleaved samples (shorter than the track: padded with silence)
     * @param trackFrames the track's length (the longest stem)
     */
    public static float[][] of(
            StemMel mel, float[] audio, int channels, int trackFrames, int segmentFrames, int minFrames) {
        return of(mel, audio, channels, trackFrames, segmentFrames, minFrames, null, null);
    }

    /** Told each segment's samples (interleaved, silence past the stem's end) once its log-mel is computed. */
    @FunctionalInterface
    public interface SegmentAudio {
        void segment(int index, float[] interleaved, int frames);
    }

    /**
     * As {@link #of(StemMel, float[], int, int, int, int)}, with the stream's power spectra sent to {@code tap} and
     * each segment's samples to {@code after} (either may be null): what is measured beside the log-mel, as the job
     * measures it.
     */
    public static float[][] of(
            StemMel mel,
            float[] audio,
            int channels,
            int trackFrames,
            int segmentFrames,
            int minFrames,
            StreamingLogMel.PowerTap tap,
            SegmentAudio after) {
        StreamingLogMel stream = mel.restore(mel.initialState());
        stream.tap(tap);
        int count = (trackFrames + segmentFrames - 1) / segmentFrames;
        float[][] out = new float[count][];
        for (int k = 0; k < count; k++) {
            int start = k * segmentFrames;
            int n = Math.min(segmentFrames, trackFrames - start);
            boolean last = k == count - 1;
            int melFrames = stream.framesFor(n, last);
            float[] part = new float[n * channels];
            int from = start * channels;
            int have = Math.max(0, Math.min(part.length, audio.length - from));
            if (have > 0) {
                System.arraycopy(audio, from, part, 0, have);
            }
            float[] m = new float[mel.bands() * melFrames];
            StemMel.compute(stream, part, channels, n, last, m, melFrames);
            if (after != null) {
                after.segment(k, part, n);
            }
            out[k] = pad(m, mel.bands(), melFrames, Math.max(minFrames, melFrames));
        }
        return out;
    }

    /** Band-major {@code bands x have} padded to {@code frames} frames with silence. */
    public static float[] pad(float[] mel, int bands, int have, int frames) {
        if (have == frames) {
            return mel;
        }
        float[] out = new float[bands * frames];
        Arrays.fill(out, Decibels.FLOOR_DB);
        for (int b = 0; b < bands; b++) {
            System.arraycopy(mel, b * have, out, b * frames, have);
        }
        return out;
    }
}
