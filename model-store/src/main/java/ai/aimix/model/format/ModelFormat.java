package ai.aimix.model.format;

import ai.aimix.model.ModelOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * Model formats: what a model file's inputs mean and which parameters its output columns are. A model declares its
 * format in its ONNX metadata ({@code aimix.format}); the job reads every format up to {@link #CURRENT} and turns
 * older outputs into the current parameter set, and refuses newer or unknown formats with a clear message.
 *
 * <ul>
 *   <li><b>1</b>: inputs {@code mel [batch, 1, 128, frames]} (log-mel dB), {@code role [batch, 14]},
 *       {@code group [batch, batch]}; output {@code params [batch, 5]}: gain, pan, low shelf, mid peak, high shelf.
 *       Read as format 2 with a neutral compressor (0 dBFS threshold, ratio 1).</li>
 *   <li><b>2</b>: the same inputs; output {@code params [batch, 7]}: format 1's five and the
 *       compressor's threshold and ratio, in {@link ModelOutput} order (mixnet-1).</li>
 *   <li><b>3</b> (current): format 2's inputs and a fourth, {@code descriptors [batch, 16]}: each stem segment's
 *       measured loudness, peak, crest and octave-band balance (dsp {@code StemDescriptors}); format 2's output
 *       (mixnet-2). A caller serves it only if it fills the descriptors ({@code SessionSettings#descriptors}).</li>
 * </ul>
 */
public enum ModelFormat {
    V1(1, 5, false),
    V2(2, 7, false),
    V3(3, 7, true);

    public static final ModelFormat CURRENT = V3;
    /** Models without a declared format (files written before formats were declared) are format 2. */
    public static final ModelFormat UNDECLARED = V2;

    private final int number;
    private final int outputs;
    private final boolean descriptors;

    ModelFormat(int number, int outputs, boolean descriptors) {
        this.number = number;
        this.outputs = outputs;
        this.descriptors = descriptors;
    }

    /** Whether the model takes the stems' descriptors as an input. */
    public boolean descriptors() {
        return descriptors;
    }

    public int number() {
        return number;
    }

    /** Columns of the model's params output. */
    public int outputs() {
        return outputs;
    }

    /** The parameters the output columns are, in order. */
    public List<ModelOutput> parameters() {
        List<ModelOutput> p = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            p.add(ModelOutput.values()[i]);
        }
        return p;
    }

    /** The format with this number. */
    public static ModelFormat of(int number) throws UnsupportedModelFormatException {
        for (ModelFormat f : values()) {
            if (f.number == number) {
                return f;
            }
        }
        throw new UnsupportedModelFormatException("model format " + number + " is not supported: this version reads "
                + "formats " + values()[0].number + " to " + CURRENT.number
                + (number > CURRENT.number ? " (the model is newer than the job)" : ""));
    }

    /**
     * Rows of this format's outputs as rows of the current parameter set: missing parameters take their neutral
     * values. Returns {@code out} itself for a format with every parameter.
     */
    public float[] toCurrent(float[] out, int rows) {
        if (outputs == ModelOutput.COUNT) {
            return out;
        }
        int n = ModelOutput.COUNT;
        float[] full = new float[rows * n];
        float[] neutral = ModelOutput.neutralVector();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(neutral, 0, full, r * n, n);
            System.arraycopy(out, r * outputs, full, r * n, outputs);
        }
        return full;
    }
}
