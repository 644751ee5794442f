package ai.aimix.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetReference;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's embeddings (the encoder exposed as an output) equal the plain-Java encoder's. */
class EncoderSessionTest {
    @Test
    void embeddingsMatchTheReferenceEncoder() throws Exception {
        MixNetWeights w = MixNetWeights.random(17L, 0.1f);
        int frames = 64;
        float[][] mel = OnnxRuntimeMatchesReferenceTest.randomMel(3, frames, 4);
        MixNetBatch b = new MixNetBatch(3, frames);
        for (int i = 0; i < 3; i++) {
            b.add(mel[i], i, 0);
        }
        MixNetReference ref = new MixNetReference(w);
        try (EncoderSession s = EncoderSession.open(MixNetOnnx.build(w, "e"), 1)) {
            float[][] e = s.embed(b);
            for (int i = 0; i < 3; i++) {
                float[] expected = ref.encode(mel[i], frames);
                assertEquals(MixNetArchitecture.EMBEDDING, e[i].length);
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], e[i][k], 1e-4 * Math.max(1, Math.abs(expected[k])), "row " + i + " " + k);
                }
            }
        }
    }
}
