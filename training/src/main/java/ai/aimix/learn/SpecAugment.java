package ai.aimix.learn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * SpecAugment-style masking of a band-major log-mel (Park et al. 2019): {@code timeMasks} runs of up to
 * {@code maxTimeWidth} frames and {@code frequencyMasks} runs of up to {@code maxFrequencyWidth} bands are set to
 * the spectrogram's mean level. Frequency masks hide exactly the spectral balance that EQ prediction needs; whether
 * they help is measured (docs/TRAINING.md), not assumed.
 */
public final class SpecAugment implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int timeMasks;
    public final int maxTimeWidth;
    public final int frequencyMasks;
    public final int maxFrequencyWidth;

    public SpecAugment(int timeMasks, int maxTimeWidth, int frequencyMasks, int maxFrequencyWidth) {
        if (timeMasks < 0 || maxTimeWidth < 0 || frequencyMasks < 0 || maxFrequencyWidth < 0) {
            throw new IllegalArgumentException("mask counts and widths must not be negative");
        }
        this.timeMasks = timeMasks;
        this.maxTimeWidth = maxTimeWidth;
        this.frequencyMasks = frequencyMasks;
        this.maxFrequencyWidth = maxFrequencyWidth;
    }

    public static SpecAugment none() {
        return new SpecAugment(0, 0, 0, 0);
    }

    public boolean isNone() {
        return (timeMasks == 0 || maxTimeWidth == 0) && (frequencyMasks == 0 || maxFrequencyWidth == 0);
    }

    /** A masked copy of {@code mel} ({@code bands} rows of {@code frames}). */
    public float[] apply(float[] mel, int bands, int frames, SplittableRandom r) {
        if (isNone()) {
            return mel;
        }
        float[] out = mel.clone();
        double sum = 0;
        for (float v : mel) {
            sum += v;
        }
        float fill = (float) (sum / mel.length);
        for (int m = 0; m < timeMasks && maxTimeWidth > 0; m++) {
            int w = r.nextInt(maxTimeWidth + 1);
            int t0 = r.nextInt(Math.max(1, frames - w + 1));
            for (int b = 0; b < bands; b++) {
                for (int t = t0; t < Math.min(frames, t0 + w); t++) {
                    out[b * frames + t] = fill;
                }
            }
        }
        for (int m = 0; m < frequencyMasks && maxFrequencyWidth > 0; m++) {
            int w = r.nextInt(maxFrequencyWidth + 1);
            int b0 = r.nextInt(Math.max(1, bands - w + 1));
            for (int b = b0; b < Math.min(bands, b0 + w); b++) {
                Arrays.fill(out, b * frames, (b + 1) * frames, fill);
            }
        }
        return out;
    }
}
