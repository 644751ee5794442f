package ai.aimix.dsp.loudness;

import ai.aimix.dsp.filter.Biquad;

/**
 * The two K-weighting stages of ITU-R BS.1770-4 at any sample rate: a high shelf (+4 dB above ~1.5 kHz, the
 * head's acoustic effect) followed by the RLB high-pass. Coefficients are obtained from the analogue
 * prototypes' parameters (centre frequency, gain, Q) by the bilinear transform at the actual rate, which
 * reproduces the standard's published 48 kHz coefficients (the same derivation libebur128 uses).
 */
public final class KWeighting {
    static final double SHELF_F0 = 1681.974450955533;
    static final double SHELF_GAIN_DB = 3.999843853973347;
    static final double SHELF_Q = 0.7071752369554196;
    static final double HIGHPASS_F0 = 38.13547087602444;
    static final double HIGHPASS_Q = 0.5003270373238773;

    private KWeighting() {}

    /** Stage 1, the pre-filter (high shelf). */
    public static Biquad shelf(double sampleRate) {
        double k = Math.tan(Math.PI * SHELF_F0 / sampleRate);
        double vh = Math.pow(10.0, SHELF_GAIN_DB / 20.0);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1.0 + k / SHELF_Q + k * k;
        return new Biquad(
                vh + vb * k / SHELF_Q + k * k,
                2.0 * (k * k - vh),
                vh - vb * k / SHELF_Q + k * k,
                a0,
                2.0 * (k * k - 1.0),
                1.0 - k / SHELF_Q + k * k);
    }

    /** Stage 2, the RLB weighting (high-pass). */
    public static Biquad highPass(double sampleRate) {
        double k = Math.tan(Math.PI * HIGHPASS_F0 / sampleRate);
        double a0 = 1.0 + k / HIGHPASS_Q + k * k;
        // numerator 1, -2, 1 as in the standard (unnormalised passband gain ~1)
        return new Biquad(a0, -2.0 * a0, a0, a0, 2.0 * (k * k - 1.0), 1.0 - k / HIGHPASS_Q + k * k);
    }
}
