package ai.aimix.dsp.loudness;

import java.util.Arrays;

/**
 * Per-channel weights G_i of ITU-R BS.1770-4 (Table 3): 1.0 for left, right and centre, 1.41 (+1.5 dB) for the
 * surround channels, 0 for the LFE channel, which is not measured.
 *
 * <p>The layout comes from a WAVE_FORMAT_EXTENSIBLE channel mask when the file has one; otherwise from the channel
 * count, with the usual WAV orders: 1 mono, 2 L R, 3 L R C, 4 L R Ls Rs, 5 L R C Ls Rs, 6 L R C LFE Ls Rs (SMPTE /
 * Microsoft order, which is also the order of BS.1770's 5.1 example). Like ffmpeg's ebur128 filter, the back and the
 * side pairs both count as surrounds. A mono signal is one channel of weight 1 (ffmpeg's and libebur128's default);
 * {@link #dualMono()} instead counts it twice (weight 2), the convention for a mono programme played over two
 * loudspeakers.
 */
public final class ChannelWeights {
    /** BS.1770-4's weight for the surround channels, +1.5 dB. */
    public static final double SURROUND = 1.41;
    /** A mono channel counted for both loudspeakers of a stereo pair. */
    public static final double DUAL_MONO = 2.0;

    // WAVE_FORMAT_EXTENSIBLE speaker bits (ksmedia.h)
    static final int FRONT_LEFT = 0x1;
    static final int FRONT_RIGHT = 0x2;
    static final int FRONT_CENTER = 0x4;
    static final int LOW_FREQUENCY = 0x8;
    static final int BACK_LEFT = 0x10;
    static final int BACK_RIGHT = 0x20;
    static final int SIDE_LEFT = 0x200;
    static final int SIDE_RIGHT = 0x400;
    private static final int SURROUND_BITS = BACK_LEFT | BACK_RIGHT | SIDE_LEFT | SIDE_RIGHT;

    private final double[] weights;
    private final String description;

    private ChannelWeights(double[] weights, String description) {
        this.weights = weights;
        this.description = description;
    }

    /** The given weights, one per channel, in channel order. */
    public static ChannelWeights of(double... weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("at least one channel");
        }
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(
                        "channel weights must be finite and >= 0: " + Arrays.toString(weights));
            }
        }
        return new ChannelWeights(weights.clone(), "custom " + Arrays.toString(weights));
    }

    /** The default layout for a channel count (see the class comment); up to 5.1. */
    public static ChannelWeights forChannels(int channels) {
        switch (channels) {
            case 1:
                return new ChannelWeights(new double[] {1}, "mono");
            case 2:
                return new ChannelWeights(new double[] {1, 1}, "L R");
            case 3:
                return new ChannelWeights(new double[] {1, 1, 1}, "L R C");
            case 4:
                return new ChannelWeights(new double[] {1, 1, SURROUND, SURROUND}, "L R Ls Rs");
            case 5:
                return new ChannelWeights(new double[] {1, 1, 1, SURROUND, SURROUND}, "L R C Ls Rs");
            case 6:
                return new ChannelWeights(new double[] {1, 1, 1, 0, SURROUND, SURROUND}, "L R C LFE Ls Rs");
            default:
                throw new IllegalArgumentException(
                        channels + " channels: layouts up to 5.1 (6 channels) are supported");
        }
    }

    /** Mono counted twice: one channel of weight 2 (+3.01 dB against the default). */
    public static ChannelWeights dualMono() {
        return new ChannelWeights(new double[] {DUAL_MONO}, "dual mono");
    }

    /**
     * The layout a WAVE_FORMAT_EXTENSIBLE channel mask declares: channels are the mask's set bits in increasing bit
     * order. A mask of 0 (no positions) falls back to {@link #forChannels}. Channels beyond the mask's bits, and
     * positions outside 5.1 (front-of-centre, back-centre, height), are measured with weight 1.
     */
    public static ChannelWeights fromWaveMask(int mask, int channels) {
        if (mask == 0) {
            return forChannels(channels);
        }
        double[] w = new double[channels];
        StringBuilder names = new StringBuilder();
        int c = 0;
        for (int bit = 0; bit < 32 && c < channels; bit++) {
            int b = 1 << bit;
            if ((mask & b) == 0) {
                continue;
            }
            w[c] = b == LOW_FREQUENCY ? 0 : (b & SURROUND_BITS) != 0 ? SURROUND : 1;
            names.append(names.length() == 0 ? "" : " ").append(speakerName(b));
            c++;
        }
        for (; c < channels; c++) {
            w[c] = 1;
            names.append(names.length() == 0 ? "" : " ").append("unassigned");
        }
        return new ChannelWeights(w, names.toString());
    }

    private static String speakerName(int bit) {
        switch (bit) {
            case FRONT_LEFT:
                return "L";
            case FRONT_RIGHT:
                return "R";
            case FRONT_CENTER:
                return "C";
            case LOW_FREQUENCY:
                return "LFE";
            case BACK_LEFT:
                return "BL";
            case BACK_RIGHT:
                return "BR";
            case SIDE_LEFT:
                return "SL";
            case SIDE_RIGHT:
                return "SR";
            default:
                return "0x" + Integer.toHexString(bit);
        }
    }

    public int channels() {
        return weights.length;
    }

    public double weight(int channel) {
        return weights[channel];
    }

    public double[] toArray() {
        return weights.clone();
    }

    /** Channel names in order, e.g. "L R C LFE Ls Rs". */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description + " " + Arrays.toString(weights);
    }
}
