package ai.aimix.model.quantize;

import ai.aimix.model.ModelOutput;
import ai.aimix.model.runtime.MixNetBatch;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import java.util.List;

/**
 * How far a quantized model's parameters stray from its float32 parent's on the same inputs. Each parameter's
 * deviation is measured as a fraction of its range ({@link ModelOutput#max()} - {@link ModelOutput#min()}), so
 * one bound covers gains in dB, pan and ratios alike; 0.01 is 0.36 dB of gain or 0.02 of pan.
 */
public final class QuantizationCheck {
    private QuantizationCheck() {}

    /** Per-parameter maxima, in {@link ModelOutput} order, plus the overall maximum. */
    public record Deviation(double[] perOutput, double max, long rows) {
        /** The deviation of one output in its own unit (dB, pan, ratio). */
        public double inUnits(ModelOutput o) {
            return perOutput[o.ordinal()] * (o.max() - o.min());
        }
    }

    public static Deviation maxDeviation(byte[] reference, byte[] candidate, List<MixNetBatch> batches)
            throws Exception {
        SessionSettings settings =
                SessionSettings.cpu(1).withDescriptors(); // batches of models that take them carry them
        double[] per = new double[ModelOutput.COUNT];
        long rows = 0;
        try (MixNetSession ref = MixNetSession.open("reference", reference, settings);
                MixNetSession cand = MixNetSession.open("candidate", candidate, settings)) {
            for (MixNetBatch b : batches) {
                float[] a = ref.predict(b);
                float[] q = cand.predict(b);
                for (int r = 0; r < b.rows(); r++) {
                    for (ModelOutput o : ModelOutput.values()) {
                        int i = r * ModelOutput.COUNT + o.ordinal();
                        if (!Float.isFinite(q[i])) {
                            per[o.ordinal()] = Double.POSITIVE_INFINITY;
                            continue;
                        }
                        per[o.ordinal()] = Math.max(per[o.ordinal()], Math.abs(a[i] - q[i]) / (o.max() - o.min()));
                    }
                }
                rows += b.rows();
            }
        }
        double max = 0;
        for (double d : per) {
            max = Math.max(max, d);
        }
        return new Deviation(per, max, rows);
    }
}
