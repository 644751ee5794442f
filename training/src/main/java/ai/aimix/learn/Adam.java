package ai.aimix.learn;

/** Adam (Kingma and Ba 2015) over a set of float arrays, updated in place. */
public final class Adam {
    private final double rate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final float[][] m;
    private final float[][] v;
    private long step;

    public Adam(float[][] parameters, double rate) {
        this(parameters, rate, 0.9, 0.999, 1e-8);
    }

    public Adam(float[][] parameters, double rate, double beta1, double beta2, double epsilon) {
        this.rate = rate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = new float[parameters.length][];
        this.v = new float[parameters.length][];
        for (int i = 0; i < parameters.length; i++) {
            m[i] = new float[parameters[i].length];
            v[i] = new float[parameters[i].length];
        }
    }

    public long steps() {
        return step;
    }

    /** One update of {@code parameters} by {@code gradient} (same shapes); {@code scale} multiplies the rate. */
    public void update(float[][] parameters, float[][] gradient, double scale) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        double a = rate * scale * Math.sqrt(c2) / c1;
        for (int i = 0; i < parameters.length; i++) {
            float[] p = parameters[i];
            float[] g = gradient[i];
            float[] mi = m[i];
            float[] vi = v[i];
            for (int k = 0; k < p.length; k++) {
                mi[k] = (float) (beta1 * mi[k] + (1 - beta1) * g[k]);
                vi[k] = (float) (beta2 * vi[k] + (1 - beta2) * g[k] * g[k]);
                p[k] -= (float) (a * mi[k] / (Math.sqrt(vi[k]) + epsilon));
            }
        }
    }

    /** The optimiser's moments and step, for checkpoints. */
    public float[][][] state() {
        return new float[][][] {m, v};
    }

    public void restore(float[][][] state, long steps) {
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(state[0][i], 0, m[i], 0, m[i].length);
            System.arraycopy(state[1][i], 0, v[i], 0, v[i].length);
        }
        this.step = steps;
    }
}
