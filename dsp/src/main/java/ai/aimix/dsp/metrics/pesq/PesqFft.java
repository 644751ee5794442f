package ai.aimix.dsp.metrics.pesq;

/**
 * The radix-2 complex FFT in single precision that P.862's alignment and perceptual model are specified with:
 * butterflies over bit-reversed twiddles, in place, then a bit-reversal permutation; the inverse divides by N. Kept
 * in float, in the Recommendation's order of operations, so that scores agree with other implementations to the
 * last printed digit rather than to the rounding of another transform. One instance per length; not thread-safe
 * (each measurement makes its own).
 */
final class PesqFft {
    private static final double TWO_PI = 6.28318530717959;

    private final int n;
    private final int[] butterfly;
    private final float[] cos;
    private final float[] sin;
    private float[] work = new float[0];

    PesqFft(int n) {
        if (Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two: " + n);
        }
        this.n = n;
        int half = Math.max(1, n >> 1);
        butterfly = new int[half];
        cos = new float[half];
        sin = new float[half];
        for (int c = 0; c < (n >> 1); c++) {
            float theta = (float) ((TWO_PI * c) / n);
            cos[c] = (float) Math.cos(theta);
            sin[c] = (float) Math.sin(theta);
        }
        int l = 1;
        for (int k = n >> 2; k >= 1; k >>= 1) {
            for (int c = 0; c < l; c++) {
                butterfly[c + l] = butterfly[c] + k;
            }
            l <<= 1;
        }
    }

    int size() {
        return n;
    }

    /** In-place transform of {@code n} interleaved complex values; {@code inverse} conjugates and divides by n. */
    void complex(float[] x, boolean inverse) {
        if (n <= 1) {
            return;
        }
        int step = n >> 1;
        for (int cycle = 1; cycle < n; cycle <<= 1, step >>= 1) {
            int k1 = 0;
            int k2 = step << 1;
            for (int c = 0; c < cycle; c++) {
                int t = butterfly[c];
                float re = cos[t];
                float im = sin[t];
                for (int s = 0; s < step; s++) {
                    float r1 = x[k1];
                    float i1 = x[k1 + 1];
                    float r2 = x[k2];
                    float i2 = x[k2 + 1];
                    if (inverse) {
                        x[k1++] = r1 + re * r2 - im * i2;
                        x[k1++] = i1 + im * r2 + re * i2;
                        x[k2++] = r1 - re * r2 + im * i2;
                        x[k2++] = i1 - im * r2 - re * i2;
                    } else {
                        x[k1++] = r1 + re * r2 + im * i2;
                        x[k1++] = i1 - im * r2 + re * i2;
                        x[k2++] = r1 - re * r2 - im * i2;
                        x[k2++] = i1 + im * r2 - re * i2;
                    }
                }
                k1 = k2;
                k2 = k1 + (step << 1);
            }
        }
        int halfN = n >> 1;
        for (int c = 0; c < n; c++) {
            int s = c < halfN ? butterfly[c] << 1 : (butterfly[c - halfN] << 1) + 1;
            if (s > c) {
                int a = c << 1;
                int b = s << 1;
                float tr = x[a];
                x[a] = x[b];
                x[b] = tr;
                float ti = x[a + 1];
                x[a + 1] = x[b + 1];
                x[b + 1] = ti;
            }
        }
        if (inverse) {
            for (int c = 0; c < 2 * n; c++) {
                x[c] /= n;
            }
        }
    }

    /** Transforms the first n real values of x; leaves bins 0..n/2 interleaved in x[0..n+1] (x holds n + 2). */
    void realForward(float[] x) {
        float[] y = work(2 * n);
        for (int i = 0; i < n; i++) {
            y[2 * i] = x[i];
            y[2 * i + 1] = 0.0f;
        }
        complex(y, false);
        System.arraycopy(y, 0, x, 0, n + 2);
    }

    /** Inverse of {@link #realForward}: bins 0..n/2 in x[0..n+1] to n real values in x[0..n-1]. */
    void realInverse(float[] x) {
        float[] y = work(2 * n);
        System.arraycopy(x, 0, y, 0, n + 2);
        for (int i = n / 2 + 1; i < n; i++) {
            int j = n - i;
            y[2 * i] = x[2 * j];
            y[2 * i + 1] = -x[2 * j + 1];
        }
        complex(y, true);
        for (int i = 0; i < n; i++) {
            x[i] = y[2 * i];
        }
    }

    private float[] work(int length) {
        if (work.length < length) {
            work = new float[length];
        }
        return work;
    }
}
