package ai.aimix.launcher.quantize;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelPrecision;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * {@code ./aimix bench --quantization}: for the shipped architecture with opinions (seeded random weights; the
 * shipped first version is neutral, so any quantization of it is exact), each precision's file size, batch latency
 * on the CPU provider and its deviation from fp32, one JSON line per precision and thread count.
 */
public final class QuantizationBench {
    private final int rows;
    private final int iterations;
    private final List<Integer> threads;

    private final String name;
    private final byte[] model;

    /** The shipped champion. */
    public QuantizationBench(int rows, int iterations, List<Integer> threads) throws IOException {
        this(
                rows,
                iterations,
                threads,
                ModelStore.SHIPPED_CHAMPION,
                ModelStore.shippedOnnx(ModelStore.SHIPPED_CHAMPION));
    }

    /** A given fp32 model file, of either architecture. */
    public QuantizationBench(int rows, int iterations, List<Integer> threads, String name, byte[] model) {
        this.name = name;
        this.model = model;
        this.rows = rows;
        this.iterations = iterations;
        this.threads = threads;
    }

    public List<ObjectNode> run() throws Exception {
        byte[] fp32 = model;
        ModelQuantization q = new ModelQuantization(new Configuration(), ModelQuantization.Settings.defaults());
        // a batch as the job builds it: full segments of generated songs, rows x 128 mel frames
        List<MixNetBatch> batches = rebatch(q.evaluationBatches(), rows);
        List<ObjectNode> out = new ArrayList<>();
        for (ModelPrecision p : ModelPrecision.values()) {
            ModelQuantization.Outcome o = p == ModelPrecision.FP32
                    ? q.evaluate(fp32, fp32, p)
                    : q.quantize(fp32, p, "bench-" + p.name().toLowerCase());
            for (int t : threads) {
                double[] ms = latencies(o.onnx, batches, t);
                ObjectNode n = new ObjectMapper().createObjectNode();
                n.put("mode", "quantization");
                n.put("precision", p.name());
                n.put("architecture", OnnxModelInfo.of(fp32).architecture);
                n.put("model", name);
                n.put("size_bytes", o.onnx.length);
                n.put("batch_rows", rows);
                n.put("mel_frames", batches.get(0).frames());
                n.put("threads", t);
                n.put("latency_ms_median", round(ms[ms.length / 2]));
                n.put("latency_ms_p90", round(ms[(int) (ms.length * 0.9)]));
                n.put("max_param_deviation", o.deviation.max());
                n.put("max_gain_deviation_db", round(o.deviation.inUnits(ModelOutput.GAIN_DB)));
                n.put("mix_distance_vs_fp32", round(o.mixDistance));
                n.put("iterations", iterations);
                n.put("cores", Runtime.getRuntime().availableProcessors());
                n.put("java", System.getProperty("java.version"));
                n.put("date", Instant.now().toString());
                out.add(n);
            }
        }
        return out;
    }

    /** Sorted per-batch latencies in milliseconds, after a warm-up. */
    private double[] latencies(byte[] onnx, List<MixNetBatch> batches, int threads) throws Exception {
        try (MixNetSession s =
                MixNetSession.open("bench", onnx, SessionSettings.cpu(threads).withDescriptors())) {
            for (int i = 0; i < Math.max(10, iterations / 10); i++) {
                s.predict(batches.get(i % batches.size()));
            }
            double[] ms = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                s.predict(batches.get(i % batches.size()));
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return ms;
        }
    }

    /** Full-length segments regrouped into batches of {@code rows} rows (each segment its own mix group). */
    private static List<MixNetBatch> rebatch(List<MixNetBatch> segments, int rows) {
        int frames = 0;
        for (MixNetBatch b : segments) {
            frames = Math.max(frames, b.frames());
        }
        List<MixNetBatch> out = new ArrayList<>();
        MixNetBatch cur = null;
        int group = 0;
        for (MixNetBatch b : segments) {
            if (b.frames() != frames) {
                continue; // a song's short last segment
            }
            for (int r = 0; r < b.rows(); r++) {
                if (cur == null || cur.rows() == rows) {
                    cur = new MixNetBatch(rows, frames);
                    out.add(cur);
                }
                float[] described = b.descriptorRow(r);
                if (described == null) {
                    cur.add(b.melRow(r), b.role(r), group);
                } else {
                    cur.add(b.melRow(r), described, b.role(r), group);
                }
            }
            group++;
        }
        if (cur != null && cur.rows() < rows) {
            out.remove(out.size() - 1);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("not enough audio for one batch of " + rows + " rows");
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
