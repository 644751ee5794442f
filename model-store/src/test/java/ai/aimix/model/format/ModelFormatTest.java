package ai.aimix.model.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetReference;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The compatibility layer: a model of the previous format is served in the current parameter set. */
class ModelFormatTest {

    static final int ROWS = 6;
    static final int FRAMES = 40;
    static final int[] ROLES = {0, 1, 2, 3, 4, 5};
    static final int[] GROUPS = {0, 0, 0, 1, 1, 1};

    static float[][] mel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] mel = new float[ROWS][128 * FRAMES];
        for (float[] m : mel) {
            for (int k = 0; k < m.length; k++) {
                m[k] = (float) (-80 + 70 * r.nextDouble());
            }
        }
        return mel;
    }

    static MixNetBatch batch(float[][] mel) {
        MixNetBatch b = new MixNetBatch(ROWS, FRAMES);
        for (int i = 0; i < ROWS; i++) {
            b.add(FloatBuffer.wrap(mel[i]), ROLES[i], GROUPS[i]);
        }
        return b;
    }

    @Test
    void previousFormatIsAdaptedToTheCurrentParameterSet() throws Exception {
        MixNetWeights w = MixNetWeights.random(5, 0.3f);
        byte[] v1 = MixNetOnnx.build(w, "old", ModelFormat.V1);
        byte[] v2 = MixNetOnnx.build(w, "new", ModelFormat.V2);
        assertEquals(1, OnnxModelInfo.of(v1).format);
        assertEquals(ModelFormat.V1, OnnxModelInfo.of(v1).check());
        assertEquals(List.of("batch", "5"), OnnxModelInfo.of(v1).outputs.get(0).getDimensions());
        float[][] mel = mel(1);
        MixNetBatch b = batch(mel);
        try (MixNetSession old = MixNetSession.open("old", v1, SessionSettings.cpu(1));
                MixNetSession cur = MixNetSession.open("new", v2, SessionSettings.cpu(1))) {
            assertEquals(ModelFormat.V1, old.format());
            float[] a = old.predict(b);
            float[] c = cur.predict(b);
            assertEquals(6 * ModelOutput.COUNT, a.length);
            for (int r = 0; r < 6; r++) {
                for (ModelOutput o : ModelOutput.values()) {
                    int i = r * ModelOutput.COUNT + o.ordinal();
                    if (o.ordinal() < 5) {
                        assertEquals(c[i], a[i], 1e-5, "row " + r + " " + o + ": the same network predicts the same");
                    } else {
                        assertEquals(o.neutral(), a[i], 0.0, "row " + r + " " + o + ": not in format 1, neutral");
                    }
                }
            }
        }
        // reading an old file's weights gives the same network with a neutral compressor
        float[][] ref = new MixNetReference(MixNetOnnx.readWeights(v1)).predict(mel, FRAMES, ROLES, GROUPS);
        for (float[] row : ref) {
            assertEquals(ModelOutput.COMP_RATIO.neutral(), row[ModelOutput.COMP_RATIO.ordinal()], 0.0);
            assertEquals(ModelOutput.COMP_THRESHOLD_DB.neutral(), row[ModelOutput.COMP_THRESHOLD_DB.ordinal()], 0.0);
        }
    }

    @Test
    void unknownFormatsAndLayoutsAreRefusedWithAReason() {
        UnsupportedModelFormatException newer =
                assertThrows(UnsupportedModelFormatException.class, () -> ModelFormat.of(4));
        assertTrue(
                newer.getMessage().contains("reads formats 1 to 3")
                        && newer.getMessage().contains("newer"),
                newer.getMessage());
        byte[] good = MixNetOnnx.build(MixNetWeights.random(1, 0.1f), "x");
        byte[] declared9 = new String(good, StandardCharsets.ISO_8859_1)
                .replace("aimix.format\u0012\u00012", "aimix.format\u0012\u00019")
                .getBytes(StandardCharsets.ISO_8859_1);
        UnsupportedModelFormatException e = assertThrows(
                UnsupportedModelFormatException.class,
                () -> MixNetSession.open("x9", declared9, SessionSettings.cpu(1)));
        assertTrue(e.getMessage().startsWith("model x9: model format 9 is not supported"), e.getMessage());
        byte[] noRole = new String(good, StandardCharsets.ISO_8859_1)
                .replace("role", "rolX")
                .getBytes(StandardCharsets.ISO_8859_1);
        UnsupportedModelFormatException layout = assertThrows(
                UnsupportedModelFormatException.class, () -> MixNetSession.open("y", noRole, SessionSettings.cpu(1)));
        assertTrue(layout.getMessage().contains("no input 'role'"), layout.getMessage());
    }
}
