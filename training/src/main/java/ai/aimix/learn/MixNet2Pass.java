package ai.aimix.learn;

import static ai.aimix.model.mixnet2.MixNet2Shape.BANDS;
import static ai.aimix.model.mixnet2.MixNet2Shape.DESCRIPTORS;
import static ai.aimix.model.mixnet2.MixNet2Shape.MEL_BANDS;
import static ai.aimix.model.mixnet2.MixNet2Shape.OUTPUTS;
import static ai.aimix.model.mixnet2.MixNet2Shape.ROLES;
import static ai.aimix.model.mixnet2.MixNet2Shape.convOut;

import ai.aimix.dsp.io.Half;
import ai.aimix.model.mixnet2.MixNet2Shape;
import ai.aimix.model.mixnet2.MixNet2Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The mixnet-2 forward and backward passes over a batch of stem segments, for training the whole network: exact
 * gradients of the weighted squared error of the raw outputs through the head, the segment context, the embedding
 * layer and both convolutions (checked against finite differences by {@code MixNet2PassTest}; the forward pass
 * equals {@code MixNet2Reference}'s).
 *
 * <p>Convolutions run as matrix products over an im2col copy of their input (stride 2, pad 1), with the inner loops
 * over contiguous output positions. Rows are independent up to the embedding, so their convolutions run in parallel;
 * each row keeps its own share of the convolution gradients, summed in row order afterwards: the result does not
 * depend on the number of threads.
 *
 * <p>Ablation switches zero one part of the embedding layer's input: {@code mel} off, the time-pooled spectrum (a
 * descriptors-only model); {@code descriptors} off, the descriptors (a spectrogram-only model).
 */
final class MixNet2Pass {
    /**
     * One stem in one segment: a training example. The log-mel is kept as float16 bits, as the feature store holds it
     * (so nothing is lost, and a corpus takes half the memory); {@code masked}, when not null, is a SpecAugment-masked
     * copy in floats made for one epoch, used instead of it.
     */
    record Example(
            short[] mel,
            float[] masked,
            int frames,
            float[] descriptors,
            int role,
            long group,
            int stem,
            float[] target,
            float weight) {
        static Example of(
                float[] mel,
                int frames,
                float[] descriptors,
                int role,
                long group,
                int stem,
                float[] target,
                float weight) {
            short[] half = new short[mel.length];
            for (int i = 0; i < mel.length; i++) {
                half[i] = Half.fromFloat(mel[i]);
            }
            return new Example(half, null, frames, descriptors, role, group, stem, target, weight);
        }

        /** This example with its log-mel replaced, for one epoch, by a masked copy. */
        Example withMasked(float[] copy) {
            return new Example(mel, copy, frames, descriptors, role, group, stem, target, weight);
        }

        /** The log-mel as floats (band-major): the masked copy, or the float16 bits widened into {@code into}. */
        float[] melFloats(float[] into) {
            if (masked != null) {
                return masked;
            }
            for (int i = 0; i < mel.length; i++) {
                into[i] = Half.toFloat(mel[i]);
            }
            return into;
        }

        /** The log-mel as floats, in a new array unless masked. */
        float[] melFloats() {
            return melFloats(new float[mel.length]);
        }
    }

    private static final int K = MixNet2Shape.KERNEL * MixNet2Shape.KERNEL;

    private final MixNet2Weights w;
    private final MixNet2Shape s;
    private final boolean mel;
    private final boolean descriptors;
    private final ForkJoinPool pool;
    private final List<Work> work = new ArrayList<>();

    MixNet2Pass(MixNet2Weights weights, boolean mel, boolean descriptors, ForkJoinPool pool) {
        this.w = weights;
        this.s = weights.shape();
        this.mel = mel;
        this.descriptors = descriptors;
        this.pool = pool;
    }

    /** Per-row buffers, reused from batch to batch. */
    private final class Work {
        int frames = -1;
        float[] mel;
        float[] col1;
        float[] out1;
        float[] col2;
        float[] out2;
        float[] dout2;
        float[] dcol2;
        float[] dout1;
        final float[] f = new float[s.features()];
        final float[] e = new float[s.embedding()];
        final float[] de = new float[s.embedding()];
        final float[] g1w = new float[s.c1() * K];
        final float[] g1b = new float[s.c1()];
        final float[] g2w = new float[s.c2() * s.c1() * K];
        final float[] g2b = new float[s.c2()];

        void size(int t) {
            if (t == frames) {
                return;
            }
            frames = t;
            mel = new float[MEL_BANDS * t];
            int p1 = convOut(MEL_BANDS) * convOut(t);
            int p2 = BANDS * convOut(convOut(t));
            col1 = new float[K * p1];
            out1 = new float[s.c1() * p1];
            dout1 = new float[s.c1() * p1];
            col2 = new float[s.c1() * K * p2];
            dcol2 = new float[s.c1() * K * p2];
            out2 = new float[s.c2() * p2];
            dout2 = new float[s.c2() * p2];
        }
    }

    /** Names of the gradient arrays, in {@link MixNet2Shape#NAMES} order (the trainable ones). */
    float[][] zeroGradient() {
        float[][] g = new float[MixNet2Shape.TRAINABLE][];
        for (int i = 0; i < g.length; i++) {
            g[i] = new float[s.size(MixNet2Shape.NAMES[i])];
        }
        return g;
    }

    float[][] parameters() {
        float[][] p = new float[MixNet2Shape.TRAINABLE][];
        for (int i = 0; i < p.length; i++) {
            p[i] = w.get(MixNet2Shape.NAMES[i]);
        }
        return p;
    }

    /** The raw outputs (before scaling and clamping) of every row. */
    float[][] raw(List<Example> batch) throws Exception {
        forwardEmbeddings(batch);
        Head head = head(batch);
        return head.raw;
    }

    /**
     * The batch's loss, sum over rows of weight x sum over outputs of lossWeight x (raw - target)^2, divided by the
     * rows; its gradient is added to {@code grad} ({@link #zeroGradient()}'s layout).
     */
    double lossAndGradient(List<Example> batch, float[] lossWeights, float[][] grad) throws Exception {
        int n = batch.size();
        forwardEmbeddings(batch);
        Head head = head(batch);
        float[] fc1 = w.get("fc1.weight");
        float[] fc2 = w.get("fc2.weight");
        int hidden = s.hidden();
        int in = s.headInput();
        int emb = s.embedding();
        double loss = 0;
        float[][] dctx = new float[n][emb];
        for (int r = 0; r < n; r++) {
            Example x = batch.get(r);
            float[] draw = new float[OUTPUTS];
            for (int o = 0; o < OUTPUTS; o++) {
                double err = head.raw[r][o] - x.target()[o];
                loss += x.weight() * lossWeights[o] * err * err;
                draw[o] = (float) (2 * x.weight() * lossWeights[o] * err / n);
            }
            float[] h1 = head.h1[r];
            float[] dh1 = new float[hidden];
            for (int o = 0; o < OUTPUTS; o++) {
                grad[9][o] += draw[o];
                for (int j = 0; j < hidden; j++) {
                    grad[8][o * hidden + j] += draw[o] * h1[j];
                    dh1[j] += fc2[o * hidden + j] * draw[o];
                }
            }
            float[] h0 = head.h0[r];
            float[] de = work.get(r).de;
            Arrays.fill(de, 0f);
            for (int j = 0; j < hidden; j++) {
                if (h1[j] <= 0) {
                    continue;
                }
                float d = dh1[j];
                grad[7][j] += d;
                int row = j * in;
                for (int i = 0; i < in; i++) {
                    grad[6][row + i] += d * h0[i];
                }
                for (int i = 0; i < emb; i++) {
                    de[i] += fc1[row + i] * d;
                    dctx[r][i] += fc1[row + emb + i] * d;
                }
            }
        }
        for (int[] members : head.groups) {
            for (int r : members) {
                for (int j : members) {
                    float[] de = work.get(j).de;
                    for (int i = 0; i < emb; i++) {
                        de[i] += dctx[r][i] / members.length;
                    }
                }
            }
        }
        // the embedding layer, and the pooled spectrum's gradient back into the convolutions, row by row
        parallel(n, r -> backwardRow(batch.get(r), work.get(r)));
        float[] enc = w.get("enc.weight");
        int features = s.features();
        for (int r = 0; r < n; r++) {
            Work wk = work.get(r);
            for (int i = 0; i < emb; i++) {
                float d = wk.de[i];
                if (d == 0) {
                    continue;
                }
                grad[5][i] += d;
                int row = i * features;
                for (int k = 0; k < features; k++) {
                    grad[4][row + k] += d * wk.f[k];
                }
            }
            if (mel) {
                add(grad[0], wk.g1w);
                add(grad[1], wk.g1b);
                add(grad[2], wk.g2w);
                add(grad[3], wk.g2b);
            }
        }
        return loss / n;
    }

    private static void add(float[] into, float[] v) {
        for (int i = 0; i < v.length; i++) {
            into[i] += v[i];
        }
    }

    /** The head's activations for a batch whose embeddings are computed. */
    private static final class Head {
        float[][] h0;
        float[][] h1;
        float[][] raw;
        List<int[]> groups;
    }

    private Head head(List<Example> batch) {
        int n = batch.size();
        int emb = s.embedding();
        Map<Long, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int r = 0; r < n; r++) {
            byGroup.computeIfAbsent(batch.get(r).group(), g -> new ArrayList<>())
                    .add(r);
        }
        Head h = new Head();
        h.groups = new ArrayList<>();
        h.h0 = new float[n][];
        h.h1 = new float[n][];
        h.raw = new float[n][];
        for (List<Integer> members : byGroup.values()) {
            int[] m = members.stream().mapToInt(Integer::intValue).toArray();
            h.groups.add(m);
            float[] ctx = new float[emb];
            for (int r : m) {
                for (int i = 0; i < emb; i++) {
                    ctx[i] += work.get(r).e[i] / m.length;
                }
            }
            for (int r : m) {
                float[] h0 = new float[s.headInput()];
                System.arraycopy(work.get(r).e, 0, h0, 0, emb);
                System.arraycopy(ctx, 0, h0, emb, emb);
                int role = batch.get(r).role();
                h0[2 * emb + (role < 0 || role >= ROLES ? ROLES - 1 : role)] = 1f;
                h.h0[r] = h0;
                h.h1[r] = dense(h0, w.get("fc1.weight"), w.get("fc1.bias"), s.hidden(), true);
                h.raw[r] = dense(h.h1[r], w.get("fc2.weight"), w.get("fc2.bias"), OUTPUTS, false);
            }
        }
        return h;
    }

    private static float[] dense(float[] in, float[] weight, float[] bias, int out, boolean relu) {
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            float acc = bias[o];
            int row = o * in.length;
            for (int i = 0; i < in.length; i++) {
                acc += weight[row + i] * in[i];
            }
            y[o] = relu ? Math.max(0f, acc) : acc;
        }
        return y;
    }

    private void forwardEmbeddings(List<Example> batch) throws Exception {
        while (work.size() < batch.size()) {
            work.add(new Work());
        }
        parallel(batch.size(), r -> forwardRow(batch.get(r), work.get(r)));
    }

    private interface RowTask {
        void run(int row);
    }

    private void parallel(int n, RowTask task) throws Exception {
        if (pool == null || n < 2) {
            for (int r = 0; r < n; r++) {
                task.run(r);
            }
            return;
        }
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(task::run))
                    .get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private void forwardRow(Example x, Work wk) {
        int t = x.frames();
        wk.size(t);
        float[] f = wk.f;
        Arrays.fill(f, 0f);
        if (mel) {
            int h1 = convOut(MEL_BANDS);
            int t1 = convOut(t);
            int t2 = convOut(t1);
            im2col(x.melFloats(wk.mel), 1, MEL_BANDS, t, wk.col1, true);
            conv(wk.col1, K, h1 * t1, w.get("conv1.weight"), w.get("conv1.bias"), s.c1(), wk.out1);
            im2col(wk.out1, s.c1(), h1, t1, wk.col2, false);
            conv(wk.col2, s.c1() * K, BANDS * t2, w.get("conv2.weight"), w.get("conv2.bias"), s.c2(), wk.out2);
            for (int c = 0; c < s.c2(); c++) {
                for (int band = 0; band < BANDS; band++) {
                    int at = (c * BANDS + band) * t2;
                    float sum = 0;
                    for (int i = 0; i < t2; i++) {
                        sum += wk.out2[at + i];
                    }
                    f[c * BANDS + band] = sum / t2;
                }
            }
        }
        if (descriptors) {
            float[] mean = w.get("desc.mean");
            float[] scale = w.get("desc.scale");
            int at = s.c2() * BANDS;
            for (int d = 0; d < DESCRIPTORS; d++) {
                f[at + d] = (x.descriptors()[d] - mean[d]) / scale[d];
            }
        }
        float[] e = dense(f, w.get("enc.weight"), w.get("enc.bias"), s.embedding(), true);
        System.arraycopy(e, 0, wk.e, 0, e.length);
    }

    /** Given {@code wk.de} (the loss's gradient at the embedding), the row's convolution gradients. */
    private void backwardRow(Example x, Work wk) {
        float[] de = wk.de;
        for (int i = 0; i < de.length; i++) {
            if (wk.e[i] <= 0) {
                de[i] = 0;
            }
        }
        Arrays.fill(wk.g1w, 0f);
        Arrays.fill(wk.g1b, 0f);
        Arrays.fill(wk.g2w, 0f);
        Arrays.fill(wk.g2b, 0f);
        if (!mel) {
            return;
        }
        int t = x.frames();
        int h1 = convOut(MEL_BANDS);
        int t1 = convOut(t);
        int t2 = convOut(t1);
        int p2 = BANDS * t2;
        int features = s.features();
        float[] enc = w.get("enc.weight");
        float inv = 1f / t2;
        for (int c = 0; c < s.c2(); c++) {
            for (int band = 0; band < BANDS; band++) {
                int k = c * BANDS + band;
                float df = 0;
                for (int i = 0; i < de.length; i++) {
                    df += enc[i * features + k] * de[i];
                }
                df *= inv;
                int at = (c * BANDS + band) * t2;
                for (int i = 0; i < t2; i++) {
                    wk.dout2[at + i] = wk.out2[at + i] > 0 ? df : 0f;
                }
            }
        }
        int k2 = s.c1() * K;
        convBackward(wk.col2, k2, p2, w.get("conv2.weight"), s.c2(), wk.dout2, wk.g2w, wk.g2b, wk.dcol2);
        Arrays.fill(wk.dout1, 0f);
        col2im(wk.dcol2, s.c1(), h1, t1, wk.dout1);
        for (int i = 0; i < wk.dout1.length; i++) {
            if (wk.out1[i] <= 0) {
                wk.dout1[i] = 0;
            }
        }
        convBackward(wk.col1, K, h1 * t1, null, s.c1(), wk.dout1, wk.g1w, wk.g1b, null);
    }

    /**
     * The stride-2, pad-1, 3x3 patches of a [channels, h, t] image: col[(ci * 9 + ky * 3 + kx) * P + y * To + x];
     * {@code normalise}: the log-mel's standardisation applied on the way.
     */
    static void im2col(float[] in, int channels, int h, int t, float[] col, boolean normalise) {
        int ho = convOut(h);
        int to = convOut(t);
        int p = ho * to;
        for (int ci = 0; ci < channels; ci++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    int row = ((ci * 3 + ky) * 3 + kx) * p;
                    for (int y = 0; y < ho; y++) {
                        int iy = 2 * y + ky - 1;
                        int at = row + y * to;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(col, at, at + to, 0f);
                            continue;
                        }
                        int src = (ci * h + iy) * t;
                        for (int x = 0; x < to; x++) {
                            int ix = 2 * x + kx - 1;
                            float v = ix < 0 || ix >= t ? 0f : in[src + ix];
                            col[at + x] = normalise && ix >= 0 && ix < t
                                    ? (v - MixNet2Shape.MEL_DB_OFFSET) / MixNet2Shape.MEL_DB_SCALE
                                    : v;
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: patch gradients added back onto the [channels, h, t] image. */
    static void col2im(float[] col, int channels, int h, int t, float[] out) {
        int ho = convOut(h);
        int to = convOut(t);
        int p = ho * to;
        for (int ci = 0; ci < channels; ci++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    int row = ((ci * 3 + ky) * 3 + kx) * p;
                    for (int y = 0; y < ho; y++) {
                        int iy = 2 * y + ky - 1;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int dst = (ci * h + iy) * t;
                        int at = row + y * to;
                        for (int x = 0; x < to; x++) {
                            int ix = 2 * x + kx - 1;
                            if (ix >= 0 && ix < t) {
                                out[dst + ix] += col[at + x];
                            }
                        }
                    }
                }
            }
        }
    }

    /** out[c][p] = relu(bias[c] + sum_k weight[c][k] col[k][p]). */
    static void conv(float[] col, int k, int p, float[] weight, float[] bias, int channels, float[] out) {
        for (int c = 0; c < channels; c++) {
            int o = c * p;
            Arrays.fill(out, o, o + p, bias[c]);
            for (int i = 0; i < k; i++) {
                float wv = weight[c * k + i];
                int src = i * p;
                for (int x = 0; x < p; x++) {
                    out[o + x] += wv * col[src + x];
                }
            }
            for (int x = 0; x < p; x++) {
                if (out[o + x] < 0) {
                    out[o + x] = 0;
                }
            }
        }
    }

    /** Gradients of a {@link #conv} given the gradient at its (Relu-masked) output; {@code dcol} null: not needed. */
    static void convBackward(
            float[] col,
            int k,
            int p,
            float[] weight,
            int channels,
            float[] dout,
            float[] gw,
            float[] gb,
            float[] dcol) {
        if (dcol != null) {
            Arrays.fill(dcol, 0, k * p, 0f);
        }
        for (int c = 0; c < channels; c++) {
            int o = c * p;
            float sb = 0;
            for (int x = 0; x < p; x++) {
                sb += dout[o + x];
            }
            gb[c] += sb;
            if (sb == 0 && allZero(dout, o, p)) {
                continue;
            }
            for (int i = 0; i < k; i++) {
                int src = i * p;
                float a0 = 0;
                float a1 = 0;
                float a2 = 0;
                float a3 = 0;
                int x = 0;
                for (; x + 3 < p; x += 4) {
                    a0 += dout[o + x] * col[src + x];
                    a1 += dout[o + x + 1] * col[src + x + 1];
                    a2 += dout[o + x + 2] * col[src + x + 2];
                    a3 += dout[o + x + 3] * col[src + x + 3];
                }
                for (; x < p; x++) {
                    a0 += dout[o + x] * col[src + x];
                }
                gw[c * k + i] += (a0 + a1) + (a2 + a3);
                if (dcol != null) {
                    float wv = weight[c * k + i];
                    for (x = 0; x < p; x++) {
                        dcol[src + x] += wv * dout[o + x];
                    }
                }
            }
        }
    }

    private static boolean allZero(float[] a, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
