package ai.aimix.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetWeights;
import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;

class MixNetOnnxTest {

    @Test
    void weightsRoundTripThroughTheOnnxFile() {
        MixNetWeights w = MixNetWeights.random(5, 1f);
        MixNetWeights back = MixNetOnnx.readWeights(MixNetOnnx.build(w, "v"));
        for (String name : MixNetWeights.NAMES) {
            assertArrayEquals(w.get(name), back.get(name), name);
        }
    }

    @Test
    void fileDeclaresIrOpsetAndMetadata() throws Exception {
        byte[] bytes = MixNetOnnx.build(MixNetWeights.neutral(1), "mixnet-v7");
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(bytes);
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("mixnet-v7", MixNetOnnx.metadata(bytes, MixNetOnnx.META_VERSION));
        assertEquals(MixNetArchitecture.NAME, MixNetOnnx.metadata(bytes, MixNetOnnx.META_ARCHITECTURE));
        assertTrue(bytes.length < 200_000, "model is " + bytes.length + " bytes");
    }

    @Test
    void initialisationIsReproducibleAndNeutralZeroesTheOutputLayerOnly() {
        MixNetWeights a = MixNetWeights.neutral(42);
        MixNetWeights b = MixNetWeights.neutral(42);
        MixNetWeights r = MixNetWeights.random(42, 1f);
        for (String name : MixNetWeights.NAMES) {
            assertArrayEquals(a.get(name), b.get(name));
            if (!name.equals("fc2.weight")) {
                assertArrayEquals(a.get(name), r.get(name), name);
            }
        }
        for (float v : a.get("fc2.weight")) {
            assertEquals(0f, v);
        }
        // He-normal: the sample standard deviation of conv2's weights is close to sqrt(2 / (16*9))
        float[] c2 = a.get("conv2.weight");
        double s = 0;
        for (float v : c2) {
            s += v * v;
        }
        assertEquals(Math.sqrt(2.0 / 144), Math.sqrt(s / c2.length), 0.01);
    }

    @Test
    void garbageIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> MixNetOnnx.readWeights(new byte[] {1, 2, 3, 4, 5}));
    }
}
