package ai.aimix.model.mixnet2;

import ai.aimix.model.ModelOutput;

/**
 * Shape of the "mixnet-2" spectrogram CNN, version 2 of the architecture: it sees where in the spectrum a stem's
 * energy sits (the convolutions are pooled over time only, the bands kept) and how loud the stem measures (BS.1770
 * loudness statistics, crest factor and octave-band balance, measured next to the log-mel).
 *
 * <pre>
 * inputs   mel         [B, 1, 128, T]  log-mel power in dB of each stem's segment (T >= MIN_FRAMES)
 *          descriptors [B, 16]         the segment's stem descriptors (dsp StemDescriptors, in its order)
 *          role        [B, 14]         one-hot stem role
 *          group       [B, B]          group[i][j] = 1/n if rows i and j are stems of the same mix segment, else 0
 * encoder  x = (mel - MEL_DB_OFFSET) / MEL_DB_SCALE
 *          Conv 1->c1 3x3 stride 2 pad 1, Relu                         [B, c1, 64, T1]
 *          Conv c1->c2 3x3 stride 2 pad 1, Relu                        [B, c2, 32, T2]
 *          ReduceMean over time, Flatten (channel-major)               [B, c2 * 32]   spectral balance per channel
 *          d = (descriptors - desc.mean) / desc.scale                  [B, 16]
 *          e = Relu(enc [flat, d] + enc.bias)                          [B, embedding]
 * context  c = group . e   (mean embedding of the stems of the same mix segment)
 * head     h = Relu(fc1 [e, c, role] + fc1.bias)                        [B, hidden]
 *          raw = fc2 h + fc2.bias                                      [B, 7]
 * output   params = min(max(neutral + step * raw, lo), hi)             [B, 7], see ModelOutput
 * </pre>
 *
 * The widths are the shape's; a model file's shape is read from its tensors' dimensions.
 *
 * @param c1        channels of the first convolution
 * @param c2        channels of the second convolution
 * @param embedding width of the per-stem embedding
 * @param hidden    width of the head's hidden layer
 */
public record MixNet2Shape(int c1, int c2, int embedding, int hidden) {
    public static final String NAME = "mixnet-2";

    public static final int MEL_BANDS = 128;
    /** Bands after the two stride-2 convolutions. */
    public static final int BANDS = convOut(convOut(MEL_BANDS));

    public static final int DESCRIPTORS = 16;
    /** The crest factor's index among the descriptors (dsp's StemDescriptors.CREST_DB; checked by the trainer). */
    public static final int DESCRIPTOR_CREST = 5;

    public static final int ROLES = 14;
    public static final int MIN_FRAMES = 16;
    public static final int KERNEL = 3;
    public static final int OUTPUTS = ModelOutput.COUNT;
    public static final float MEL_DB_OFFSET = -30f;
    public static final float MEL_DB_SCALE = 30f;

    public static final String INPUT_MEL = "mel";
    public static final String INPUT_DESCRIPTORS = "descriptors";
    public static final String INPUT_ROLE = "role";
    public static final String INPUT_GROUP = "group";
    public static final String OUTPUT_PARAMS = "params";

    /** The shipped width. */
    public static final MixNet2Shape DEFAULT = new MixNet2Shape(8, 16, 32, 64);

    public MixNet2Shape {
        if (c1 < 1 || c2 < 1 || embedding < 1 || hidden < 1) {
            throw new IllegalArgumentException(
                    "mixnet-2 widths must be positive: " + c1 + ", " + c2 + ", " + embedding + ", " + hidden);
        }
    }

    /** Inputs of the embedding layer: the time-pooled convolution output and the descriptors. */
    public int features() {
        return c2 * BANDS + DESCRIPTORS;
    }

    public int headInput() {
        return 2 * embedding + ROLES;
    }

    /** Output size of a 3x3 stride-2 pad-1 convolution. */
    public static int convOut(int in) {
        return (in - 1) / 2 + 1;
    }

    /** The tensors, in order: the trainable ones, then the descriptors' standardisation (fixed by training). */
    public static final String[] NAMES = {
        "conv1.weight",
        "conv1.bias",
        "conv2.weight",
        "conv2.bias",
        "enc.weight",
        "enc.bias",
        "fc1.weight",
        "fc1.bias",
        "fc2.weight",
        "fc2.bias",
        "desc.mean",
        "desc.scale"
    };

    /** Tensors that training moves (the first ten of {@link #NAMES}). */
    public static final int TRAINABLE = 10;

    public long[] shape(String name) {
        switch (name) {
            case "conv1.weight":
                return new long[] {c1, 1, KERNEL, KERNEL};
            case "conv1.bias":
                return new long[] {c1};
            case "conv2.weight":
                return new long[] {c2, c1, KERNEL, KERNEL};
            case "conv2.bias":
                return new long[] {c2};
            case "enc.weight":
                return new long[] {embedding, features()};
            case "enc.bias":
                return new long[] {embedding};
            case "fc1.weight":
                return new long[] {hidden, headInput()};
            case "fc1.bias":
                return new long[] {hidden};
            case "fc2.weight":
                return new long[] {OUTPUTS, hidden};
            case "fc2.bias":
                return new long[] {OUTPUTS};
            case "desc.mean":
            case "desc.scale":
                return new long[] {DESCRIPTORS};
            default:
                throw new IllegalArgumentException("no tensor " + name);
        }
    }

    public int size(String name) {
        long n = 1;
        for (long d : shape(name)) {
            n *= d;
        }
        return (int) n;
    }

    /** Inputs to one output of the tensor's layer (for He initialisation). */
    public int fanIn(String name) {
        long[] s = shape(name);
        int n = 1;
        for (int i = 1; i < s.length; i++) {
            n *= (int) s[i];
        }
        return n;
    }

    /** Multiply-adds of one stem's forward pass at {@code frames} log-mel frames (for the cost tables). */
    public long multiplyAdds(int frames) {
        int t1 = convOut(frames);
        int t2 = convOut(t1);
        long conv1 = (long) c1 * convOut(MEL_BANDS) * t1 * KERNEL * KERNEL;
        long conv2 = (long) c2 * c1 * BANDS * t2 * KERNEL * KERNEL;
        return conv1 + conv2 + (long) embedding * features() + (long) hidden * headInput() + (long) OUTPUTS * hidden;
    }

    @Override
    public String toString() {
        return "c1=" + c1 + " c2=" + c2 + " embedding=" + embedding + " hidden=" + hidden;
    }
}
