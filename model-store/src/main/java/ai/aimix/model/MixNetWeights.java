package ai.aimix.model;

import static ai.aimix.model.MixNetArchitecture.C1;
import static ai.aimix.model.MixNetArchitecture.C2;
import static ai.aimix.model.MixNetArchitecture.C3;
import static ai.aimix.model.MixNetArchitecture.HEAD_INPUT;
import static ai.aimix.model.MixNetArchitecture.HIDDEN;
import static ai.aimix.model.MixNetArchitecture.KERNEL;
import static ai.aimix.model.MixNetArchitecture.OUTPUTS;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The trainable tensors of a mixnet, by name, as flat row-major float arrays.
 *
 * <p>Initialisation is documented and reproducible: every weight tensor except the last is drawn from
 * N(0, 2 / fan_in) (He / Kaiming normal) using Box-Muller over {@link SplittableRandom} seeded with the given
 * seed, in the order of {@link #NAMES}; biases are 0. {@link #neutral(long)} zeroes the last layer ({@code fc2}),
 * so the model's raw output is exactly 0 and every parameter is neutral whatever the audio: the first model
 * version mixes cleanly, and training (later) moves the last layer away from zero.
 */
public final class MixNetWeights {
    public static final String[] NAMES = {
        "conv1.weight",
        "conv1.bias",
        "conv2.weight",
        "conv2.bias",
        "conv3.weight",
        "conv3.bias",
        "fc1.weight",
        "fc1.bias",
        "fc2.weight",
        "fc2.bias"
    };

    private final Map<String, float[]> tensors;

    private MixNetWeights(Map<String, float[]> tensors) {
        for (String name : NAMES) {
            float[] t = tensors.get(name);
            Objects.requireNonNull(t, "missing tensor " + name);
            if (t.length != size(name)) {
                throw new IllegalArgumentException(name + " has " + t.length + " values, expected " + size(name));
            }
        }
        this.tensors = tensors;
    }

    public static MixNetWeights of(Map<String, float[]> tensors) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (String name : NAMES) {
            float[] t = tensors.get(name);
            copy.put(name, t == null ? null : t.clone());
        }
        return new MixNetWeights(copy);
    }

    /** The first-version initialisation: He-normal encoder and hidden layer, zero output layer (neutral mix). */
    public static MixNetWeights neutral(long seed) {
        MixNetWeights w = heNormal(seed);
        Arrays.fill(w.tensors.get("fc2.weight"), 0f);
        return w;
    }

    /** Every weight tensor He-normal, output layer scaled by {@code outputScale}: a model with opinions, for tests. */
    public static MixNetWeights random(long seed, float outputScale) {
        MixNetWeights w = heNormal(seed);
        float[] fc2 = w.tensors.get("fc2.weight");
        for (int i = 0; i < fc2.length; i++) {
            fc2[i] *= outputScale;
        }
        return w;
    }

    private static MixNetWeights heNormal(long seed) {
        Gaussian g = new Gaussian(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        for (String name : NAMES) {
            float[] values = new float[size(name)];
            if (name.endsWith(".weight")) {
                double std = Math.sqrt(2.0 / fanIn(name));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (g.next() * std);
                }
            }
            t.put(name, values);
        }
        return new MixNetWeights(t);
    }

    public float[] get(String name) {
        float[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return t;
    }

    /** A deep copy (tensors are mutable arrays). */
    public MixNetWeights copy() {
        return of(tensors);
    }

    public static long[] shape(String name) {
        switch (name) {
            case "conv1.weight":
                return new long[] {C1, 1, KERNEL, KERNEL};
            case "conv2.weight":
                return new long[] {C2, C1, KERNEL, KERNEL};
            case "conv3.weight":
                return new long[] {C3, C2, KERNEL, KERNEL};
            case "conv1.bias":
                return new long[] {C1};
            case "conv2.bias":
                return new long[] {C2};
            case "conv3.bias":
                return new long[] {C3};
            case "fc1.weight":
                return new long[] {HIDDEN, HEAD_INPUT};
            case "fc1.bias":
                return new long[] {HIDDEN};
            case "fc2.weight":
                return new long[] {OUTPUTS, HIDDEN};
            case "fc2.bias":
                return new long[] {OUTPUTS};
            default:
                throw new IllegalArgumentException("no tensor " + name);
        }
    }

    public static int size(String name) {
        long n = 1;
        for (long d : shape(name)) {
            n *= d;
        }
        return (int) n;
    }

    private static int fanIn(String name) {
        long[] s = shape(name);
        int n = 1;
        for (int i = 1; i < s.length; i++) {
            n *= (int) s[i];
        }
        return n;
    }

    /** Box-Muller standard normals from a seeded SplittableRandom: identical on every JVM. */
    static final class Gaussian {
        private final SplittableRandom random;
        private double spare;
        private boolean hasSpare;

        Gaussian(long seed) {
            this.random = new SplittableRandom(seed);
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(1.0 - u1));
            double theta = 2.0 * Math.PI * u2;
            spare = r * Math.sin(theta);
            hasSpare = true;
            return r * Math.cos(theta);
        }
    }
}
