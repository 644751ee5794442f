package ai.aimix.gateway.audio;

import java.io.IOException;

/** Min/max peak pairs for drawing: the audio cut into {@code points} equal spans, each span's lowest and highest sample. */
public final class Waveform {
    /** Most points a waveform may have. */
    public static final int MAX_POINTS = 10_000;

    private Waveform() {}

    /**
     * @return {@code 2 * points} values: min and max of span 0, of span 1, ... over both channels; spans past the end
     *         (fewer frames than points) are 0
     */
    public static float[] of(VariantAudio audio, int points) throws IOException {
        long frames = audio.frames();
        float[] out = new float[2 * points];
        int ch = VariantAudio.CHANNELS;
        float[] block = new float[(int) Math.min(Integer.MAX_VALUE / 4, Math.max(1, frames / points + 1) * ch)];
        for (int p = 0; p < points; p++) {
            long from = frames * p / points;
            long to = frames * (p + 1) / points;
            float min = 0;
            float max = 0;
            boolean first = true;
            for (long f = from; f < to; ) {
                int n = (int) Math.min(block.length / ch, to - f);
                int got = audio.read(f * ch, block, n * ch);
                for (int i = 0; i < got; i++) {
                    float v = block[i];
                    if (first) {
                        min = v;
                        max = v;
                        first = false;
                    } else {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
                f += n;
                if (got < n * ch) {
                    break;
                }
            }
            out[2 * p] = min;
            out[2 * p + 1] = max;
        }
        return out;
    }
}
