package ai.aimix.dsp.metrics.pesq;

/**
 * A magnitude response given as (Hz, dB) points, linearly interpolated, applied in one FFT over a whole signal
 * normalised to 0 dB at 1 kHz: P.862's level-alignment band-pass (350 Hz to 3.25 kHz) and its IRS receive
 * characteristic for narrowband measurements.
 */
final class FilterCurve {
    /** Only 350 Hz to 3.25 kHz counts when levels are aligned (P.862 10.2.1). */
    static final FilterCurve LEVEL_ALIGNMENT = new FilterCurve(new double[][] {
        {0., -500},
        {50., -500},
        {100., -500},
        {125., -500},
        {160., -500},
        {200., -500},
        {250., -500},
        {300., -500},
        {350., 0},
        {400., 0},
        {500., 0},
        {600., 0},
        {630., 0},
        {800., 0},
        {1000., 0},
        {1250., 0},
        {1600., 0},
        {2000., 0},
        {2500., 0},
        {3000., 0},
        {3250., 0},
        {3500., -500},
        {4000., -500},
        {5000., -500},
        {6300., -500},
        {8000., -500}
    });

    /** The standard IRS receive filter of P.862 (narrowband mode). */
    static final FilterCurve IRS_RECEIVE = new FilterCurve(new double[][] {
        {0., -200},
        {50., -40},
        {100., -20},
        {125., -12},
        {160., -6},
        {200., 0},
        {250., 4},
        {300., 6},
        {350., 8},
        {400., 10},
        {500., 11},
        {600., 12},
        {700., 12},
        {800., 12},
        {1000., 12},
        {1300., 12},
        {1600., 12},
        {2000., 12},
        {2500., 12},
        {3000., 12},
        {3250., 12},
        {3500., 4},
        {4000., -200},
        {5000., -200},
        {6300., -200},
        {8000., -200}
    });

    private final double[][] points;

    private FilterCurve(double[][] points) {
        this.points = points;
    }

    /** The curve's level in dB at {@code freq}, extrapolating the end segments linearly. */
    float decibelsAt(float freq) {
        int last = points.length - 1;
        int hi;
        if (freq <= points[0][0]) {
            hi = 1;
        } else if (freq >= points[last][0]) {
            hi = last;
        } else {
            hi = 1;
            while (points[hi][0] < freq) {
                hi++;
            }
        }
        double fLo = points[hi - 1][0];
        double fHi = points[hi][0];
        return (float) (((freq - fLo) * points[hi][1] + (fHi - freq) * points[hi - 1][1]) / (fHi - fLo));
    }

    /**
     * Filters a padded signal in place: the samples from {@code offset} over {@code length}, zero-padded to a power
     * of two, transformed once, weighted by the curve relative to its 1 kHz level, transformed back.
     */
    void apply(float[] data, int offset, int length, int sampleRate, FftCache ffts) {
        PesqFft fft = ffts.of(TimeAlignment.nextPow2(length));
        int n = fft.size();
        float[] x = new float[n + 2];
        System.arraycopy(data, offset, x, 0, length);
        fft.realForward(x);
        float gainAt1k = decibelsAt(1000f);
        float resolution = (float) sampleRate / (float) n;
        for (int i = 0; i <= n / 2; i++) {
            float db = decibelsAt(i * resolution) - gainAt1k;
            float factor = (float) Math.pow(10f, db / 20f);
            x[2 * i] *= factor;
            x[2 * i + 1] *= factor;
        }
        fft.realInverse(x);
        System.arraycopy(x, 0, data, offset, length);
    }
}
