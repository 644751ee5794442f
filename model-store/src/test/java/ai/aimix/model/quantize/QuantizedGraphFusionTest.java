package ai.aimix.model.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.runtime.Calibration;
import ai.aimix.model.runtime.MixNetBatch;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 QDQ graph is the form ONNX Runtime's CPU provider turns into integer kernels: after its optimisations
 * every convolution is a QLinearConv, the pools uint8, and no float Conv is left. (A QDQ
 * layout ORT does not recognise would still run, dequantized, at float speed: this test is what tells them apart.)
 */
class QuantizedGraphFusionTest {
    @Test
    void ortFusesEveryConvolutionAndPool(@TempDir Path dir) throws Exception {
        byte[] fp32 = MixNetOnnx.build(MixNetWeights.random(3L, 0.05f), "fp32");
        MixNetBatch batch = new MixNetBatch(4, 64);
        for (int i = 0; i < 4; i++) {
            float[] mel = new float[128 * 64];
            Arrays.fill(mel, -40f + 5 * i);
            mel[i * 7] = -10f;
            batch.add(mel, i, 0);
        }
        byte[] int8 =
                Quantizer.int8(fp32, "int8", Calibration.ranges(fp32, Quantizer.activations(fp32), List.of(batch)));
        Path optimized = dir.resolve("optimized.onnx");
        // ONNX Runtime recurses deeply while it creates a session: on a thread with a large stack, as the runtime's
        // own sessions are (model.runtime.NativeCalls)
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread optimizer = new Thread(
                null,
                () -> {
                    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                        o.setOptimizedModelFilePath(optimized.toString());
                        OrtEnvironment.getEnvironment().createSession(int8, o).close();
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                "ort-optimizer",
                64L << 20);
        optimizer.start();
        optimizer.join();
        if (failure.get() != null) {
            throw new AssertionError("ONNX Runtime could not optimise the int8 graph", failure.get());
        }
        List<String> ops = MixNetOnnx.parse(Files.readAllBytes(optimized)).getGraph().getNodeList().stream()
                .map(NodeProto::getOpType)
                .collect(Collectors.toList());
        assertEquals(3, ops.stream().filter("QLinearConv"::equals).count(), ops.toString());
        assertFalse(ops.contains("Conv"), ops.toString());
        assertTrue(ops.stream().noneMatch("MaxPool"::equals), "float max pooling left: " + ops);
    }
}
