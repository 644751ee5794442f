package ai.aimix.model.mixnet2;

import ai.aimix.model.StandardNormal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The tensors of a mixnet-2 ({@link MixNet2Shape}), by name, as flat row-major float arrays.
 *
 * <p>{@link #init} draws every weight from N(0, 2 / fan_in) (He normal) with {@link StandardNormal} over one
 * {@link SplittableRandom} seeded with the seed, in the order of {@link MixNet2Shape#NAMES}, biases 0, the output
 * layer zero (every parameter neutral whatever the input, until training moves it), and the descriptors'
 * standardisation the identity.
 */
public final class MixNet2Weights {
    private final MixNet2Shape shape;
    private final Map<String, float[]> tensors;

    private MixNet2Weights(MixNet2Shape shape, Map<String, float[]> tensors) {
        for (String name : MixNet2Shape.NAMES) {
            float[] t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("missing tensor " + name);
            }
            if (t.length != shape.size(name)) {
                throw new IllegalArgumentException(
                        name + " has " + t.length + " values, expected " + shape.size(name) + " for " + shape);
            }
        }
        this.shape = shape;
        this.tensors = tensors;
    }

    /** A copy of the given tensors, checked against the shape. */
    public static MixNet2Weights of(MixNet2Shape shape, Map<String, float[]> tensors) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (String name : MixNet2Shape.NAMES) {
            float[] t = tensors.get(name);
            copy.put(name, t == null ? null : t.clone());
        }
        return new MixNet2Weights(shape, copy);
    }

    /** He-normal weights, zero biases, a zero output layer and identity descriptor standardisation. */
    public static MixNet2Weights init(MixNet2Shape shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        for (String name : MixNet2Shape.NAMES) {
            float[] v = new float[shape.size(name)];
            if (name.equals("desc.scale")) {
                Arrays.fill(v, 1f);
            } else if (name.endsWith(".weight") && !name.startsWith("fc2.")) {
                double std = Math.sqrt(2.0 / shape.fanIn(name));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (StandardNormal.draw(r) * std);
                }
            }
            t.put(name, v);
        }
        return new MixNet2Weights(shape, t);
    }

    /**
     * Every weight He-normal, the output layer scaled by {@code outputScale}, the descriptors standardised as levels
     * around -30 dB with a 10 dB spread: a model with opinions on realistic inputs, for tests.
     */
    public static MixNet2Weights random(MixNet2Shape shape, long seed, float outputScale) {
        MixNet2Weights w = init(shape, seed);
        Arrays.fill(w.tensors.get("desc.mean"), -30f);
        Arrays.fill(w.tensors.get("desc.scale"), 10f);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] fc2 = w.tensors.get("fc2.weight");
        double std = Math.sqrt(2.0 / shape.fanIn("fc2.weight"));
        for (int i = 0; i < fc2.length; i++) {
            fc2[i] = (float) (StandardNormal.draw(r) * std * outputScale);
        }
        return w;
    }

    public MixNet2Shape shape() {
        return shape;
    }

    /** The tensor itself (mutable: training writes into it). */
    public float[] get(String name) {
        float[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return t;
    }

    /** A deep copy. */
    public MixNet2Weights copy() {
        return of(shape, tensors);
    }
}
