package ai.aimix.dsp;

import java.util.SplittableRandom;

/** Test signals. */
public final class Signals {
    private Signals() {}

    public static float[] sine(double freq, double amplitude, double sampleRate, int n, double phase) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * freq * i / sampleRate + phase));
        }
        return x;
    }

    public static float[] noise(int n, double amplitude, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * (2 * r.nextDouble() - 1));
        }
        return x;
    }

    public static float[] interleave(float[] l, float[] r) {
        float[] out = new float[2 * l.length];
        for (int i = 0; i < l.length; i++) {
            out[2 * i] = l[i];
            out[2 * i + 1] = r[i];
        }
        return out;
    }

    public static double db(double linear) {
        return 20 * Math.log10(linear);
    }

    /** Amplitude of a sine of known frequency in x[from..to) by least squares on sin and cos. */
    public static double amplitudeAt(float[] x, int from, int to, double freq, double sampleRate) {
        double ss = 0;
        double cc = 0;
        double sc = 0;
        double xs = 0;
        double xc = 0;
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * freq * i / sampleRate;
            double s = Math.sin(w);
            double c = Math.cos(w);
            ss += s * s;
            cc += c * c;
            sc += s * c;
            xs += x[i] * s;
            xc += x[i] * c;
        }
        double det = ss * cc - sc * sc;
        double a = (xs * cc - xc * sc) / det;
        double b = (xc * ss - xs * sc) / det;
        return Math.hypot(a, b);
    }
}
