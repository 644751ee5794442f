package ai.aimix.dsp.descriptors;

/**
 * The ten octave bands of a coarse spectral balance, centred on 31.5 Hz .. 16 kHz (IEC 61260 nominal centres; edges
 * at the centre over and times the square root of two), as ranges of a power spectrum's bins. A bin belongs to the band
 * its centre frequency falls in; bins below the first band (DC and the lowest rumble) and above the last, or above
 * Nyquist, belong to none. At 44.1 kHz with a 2048-point transform the lowest band holds one bin: coarse, as meant.
 */
public final class OctaveBands {
    /** Bands in the balance. */
    public static final int COUNT = 10;
    /** Exact base-2 centre of the lowest band (nominally 31.5 Hz): 1 kHz divided by 2^5. */
    public static final double LOWEST_CENTRE_HZ = 1000.0 / 32;

    private final int[] firstBin = new int[COUNT];
    private final int[] endBin = new int[COUNT];

    /**
     * @param sampleRate Hz
     * @param nFft the transform length; the spectrum has {@code nFft / 2 + 1} bins
     */
    public OctaveBands(double sampleRate, int nFft) {
        int bins = nFft / 2 + 1;
        double binHz = sampleRate / nFft;
        for (int b = 0; b < COUNT; b++) {
            double centre = LOWEST_CENTRE_HZ * Math.pow(2, b);
            double low = centre / Math.sqrt(2);
            double high = centre * Math.sqrt(2);
            firstBin[b] = Math.min(bins, (int) Math.ceil(low / binHz));
            endBin[b] = Math.min(bins, (int) Math.ceil(high / binHz));
        }
    }

    /** Nominal centre frequency of band {@code b}, Hz, as a label (31.5, 63, 125, ... 16000). */
    public static double nominalCentreHz(int b) {
        double[] nominal = {31.5, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000};
        return nominal[b];
    }

    /** First bin of band {@code b}. */
    public int firstBin(int b) {
        return firstBin[b];
    }

    /** One past the last bin of band {@code b} (equal to {@link #firstBin} for a band with no bin). */
    public int endBin(int b) {
        return endBin[b];
    }

    /** Adds a frame's power per band to {@code sums}. */
    public void accumulate(float[] power, double[] sums) {
        for (int b = 0; b < COUNT; b++) {
            double sum = 0;
            for (int k = firstBin[b]; k < endBin[b]; k++) {
                sum += power[k];
            }
            sums[b] += sum;
        }
    }
}
