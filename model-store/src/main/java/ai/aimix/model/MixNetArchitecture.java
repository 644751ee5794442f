package ai.aimix.model;

/**
 * Shape of the "mixnet" spectrogram CNN, version 1 of its architecture.
 *
 * <pre>
 * inputs   mel   [B, 1, 128, T]  log-mel power in dB of each stem's segment (T >= MIN_FRAMES)
 *          role  [B, 14]         one-hot stem role
 *          group [B, B]          group[i][j] = 1/n if rows i and j are stems of the same mix segment (n stems), else 0
 * encoder  x = (mel - MEL_DB_OFFSET) / MEL_DB_SCALE
 *          Conv 1->16 3x3 stride 2 pad 1, Relu, MaxPool 2x2
 *          Conv 16->32 3x3 pad 1, Relu, MaxPool 2x2
 *          Conv 32->32 3x3 pad 1, Relu, GlobalAveragePool            -> embedding e [B, 32]
 * context  c = group . e   (mean embedding of the stems of the same mix)      [B, 32]
 * head     h = Relu(W1 [e, c, role] + b1)                                     [B, 64]
 *          raw = W2 h + b2                                                    [B, 7]
 * output   params = min(max(neutral + step * raw, lo), hi)                    [B, 7], see ModelOutput
 * </pre>
 */
public final class MixNetArchitecture {
    public static final String NAME = "mixnet-1";

    public static final int MEL_BANDS = 128;
    public static final int ROLES = 14;
    public static final int MIN_FRAMES = 16;

    public static final int C1 = 16;
    public static final int C2 = 32;
    public static final int C3 = 32;
    public static final int KERNEL = 3;
    public static final int EMBEDDING = C3;
    public static final int HEAD_INPUT = 2 * EMBEDDING + ROLES;
    public static final int HIDDEN = 64;
    public static final int OUTPUTS = ModelOutput.COUNT;

    /** Log-mel values are standardised inside the graph as (dB - offset) / scale. */
    public static final float MEL_DB_OFFSET = -30f;

    public static final float MEL_DB_SCALE = 30f;

    public static final String INPUT_MEL = "mel";
    public static final String INPUT_ROLE = "role";
    public static final String INPUT_GROUP = "group";
    public static final String OUTPUT_PARAMS = "params";

    private MixNetArchitecture() {}

    /** Output size of a 3x3 stride-s pad-1 convolution. */
    public static int convOut(int in, int stride) {
        return (in + 2 - KERNEL) / stride + 1;
    }

    /** Output size of a 2x2 stride-2 max pool (floor mode). */
    public static int poolOut(int in) {
        return (in - 2) / 2 + 1;
    }
}
