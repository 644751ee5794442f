package ai.aimix.model.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import ai.aimix.model.onnx.MixNet2Onnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.model.runtime.Calibration;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.schema.ModelPrecision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * mixnet-2 through the same quantizer as mixnet-1: its two convolutions to int8 QDQ calibrated on batches that carry
 * descriptors, its weights to fp16; both keep the descriptors input and stay within the bounds of mixnet-1's test.
 */
class MixNet2QuantizationTest {
    @Test
    void fp16AndInt8KeepTheParameters() throws Exception {
        MixNet2Weights w = MixNet2Weights.random(MixNet2Shape.DEFAULT, 5, 0.5f);
        byte[] fp32 = MixNet2Onnx.build(w, "m2");
        List<MixNetBatch> calibration = batches(4, 16, 128, 1);
        List<MixNetBatch> evaluation = batches(2, 32, 128, 2);

        byte[] fp16 = Quantizer.fp16(fp32, "m2-fp16");
        assertEquals(ModelPrecision.FP16, OnnxModelInfo.of(fp16).precision);
        assertEquals(OnnxModelInfo.of(fp32).inputs, OnnxModelInfo.of(fp16).inputs);
        QuantizationCheck.Deviation d16 = QuantizationCheck.maxDeviation(fp32, fp16, evaluation);
        assertTrue(d16.max() < QuantizerTest.FP16_TOLERANCE, "fp16 deviation " + d16.max());

        byte[] int8 =
                Quantizer.int8(fp32, "m2-int8", Calibration.ranges(fp32, Quantizer.activations(fp32), calibration));
        assertEquals(ModelPrecision.INT8, OnnxModelInfo.of(int8).precision);
        assertEquals(OnnxModelInfo.of(fp32).inputs, OnnxModelInfo.of(int8).inputs);
        QuantizationCheck.Deviation d8 = QuantizationCheck.maxDeviation(fp32, int8, evaluation);
        assertTrue(d8.max() < QuantizerTest.INT8_TOLERANCE, "int8 deviation " + d8.max());
        assertTrue(d8.max() > 0, "an int8 model that matches exactly quantized nothing");
    }

    static List<MixNetBatch> batches(int count, int rows, int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<MixNetBatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            MixNetBatch batch = new MixNetBatch(rows, frames);
            for (int i = 0; i < rows; i++) {
                float[] mel = new float[MixNet2Shape.MEL_BANDS * frames];
                double tilt = r.nextDouble(-1, 1);
                double level = r.nextDouble(-60, -20);
                for (int k = 0; k < MixNet2Shape.MEL_BANDS; k++) {
                    for (int t = 0; t < frames; t++) {
                        mel[k * frames + t] = (float) (level - 30 * tilt * k / 128.0 + 15 * r.nextDouble());
                    }
                }
                float[] desc = new float[MixNet2Shape.DESCRIPTORS];
                for (int k = 0; k < desc.length; k++) {
                    desc[k] = (float) (level + r.nextDouble(-10, 10));
                }
                batch.add(mel, desc, r.nextInt(MixNet2Shape.ROLES), i / 4);
            }
            out.add(batch);
        }
        return out;
    }
}
