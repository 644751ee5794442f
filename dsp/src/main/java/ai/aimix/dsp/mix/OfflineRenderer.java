package ai.aimix.dsp.mix;

import java.util.Arrays;

/**
 * Renders a whole mix from whole-track arrays with a per-segment parameter schedule, through the same
 * {@link MixRenderer} the streaming job uses: the reference a streamed mix is compared with.
 */
public final class OfflineRenderer {
    private OfflineRenderer() {}

    /**
     * @param audio    per stem, interleaved samples of the whole track (shorter stems are padded with silence)
     * @param channels per stem, 1 or 2
     * @param frames   the track length (the longest stem)
     * @param schedule [segment][stem] parameter vectors, one segment per segment-length of the track
     * @return interleaved stereo mix, {@code frames} frames
     */
    public static float[] render(
            RenderSettings settings, float[][] audio, int[] channels, int frames, float[][][] schedule) {
        int segmentFrames = settings.segmentFrames;
        int segments = (frames + segmentFrames - 1) / segmentFrames;
        if (schedule.length != segments) {
            throw new IllegalArgumentException("schedule has " + schedule.length + " segments, the track " + segments);
        }
        float[][] padded = new float[audio.length][];
        for (int i = 0; i < audio.length; i++) {
            int need = frames * channels[i];
            padded[i] = audio[i].length >= need ? audio[i] : Arrays.copyOf(audio[i], need);
        }
        MixRenderer renderer = new MixRenderer(settings, channels);
        float[] out = new float[2 * frames];
        int written = 0;
        for (int k = 0; k < segments; k++) {
            int start = k * segmentFrames;
            int n = Math.min(segmentFrames, frames - start);
            float[] chunk = renderer.renderSegment(padded, start, n, schedule[k]);
            System.arraycopy(chunk, 0, out, written, chunk.length);
            written += chunk.length;
        }
        float[] tail = renderer.finish();
        System.arraycopy(tail, 0, out, written, tail.length);
        return out;
    }

    /** {@link #render} as two channel arrays (left, right). */
    public static float[][] renderPlanar(
            RenderSettings settings, float[][] audio, int[] channels, int frames, float[][][] schedule) {
        float[] interleaved = render(settings, audio, channels, frames, schedule);
        float[][] out = new float[2][frames];
        for (int i = 0; i < frames; i++) {
            out[0][i] = interleaved[2 * i];
            out[1][i] = interleaved[2 * i + 1];
        }
        return out;
    }
}
