package ai.aimix.dsp.metrics.pesq;

/**
 * Cascaded second-order IIR sections (b0, b1, b2, a1, a2 each) in single precision, direct form II, from rest: the
 * form P.862's filters are specified in. dsp's {@code Biquad} (double precision, transposed form II, coefficients
 * designed from frequency and Q) would give the same response but other roundings, and the scores are compared with
 * the reference software's to 1e-4.
 */
final class Sections {
    private Sections() {}

    static void filter(float[] sections, float[] x, int offset, int length) {
        for (int s = 0; s + 4 < sections.length; s += 5) {
            float b0 = sections[s];
            float b1 = sections[s + 1];
            float b2 = sections[s + 2];
            float a1 = sections[s + 3];
            float a2 = sections[s + 4];
            float z1 = 0.0f;
            float z2 = 0.0f;
            for (int i = offset; i < offset + length; i++) {
                float z0 = x[i] - a1 * z1 - a2 * z2;
                x[i] = b0 * z0 + b1 * z1 + b2 * z2;
                z2 = z1;
                z1 = z0;
            }
        }
    }
}
