package ai.aimix.operators.assembly;

import ai.aimix.dsp.mix.RenderSettings;

import java.io.Serializable;

/** Mix assembly's settings (from MixJobOptions): the renderer defaults and the threads it may use per mix. */
public final class AssemblySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Renderer defaults; sample rate, loudness target and ceiling are replaced per request. */
    public final RenderSettings template;
    public final int threads;
    /** EQ corner frequencies are kept below this fraction of the sample rate (for low-rate material). */
    public static final double MAX_EQ_FRACTION_OF_RATE = 0.45;

    public AssemblySettings(RenderSettings template, int threads) {
        this.template = template;
        this.threads = threads;
    }

    public static AssemblySettings defaults() {
        return new AssemblySettings(RenderSettings.builder(48000).build(), 1);
    }

    /** The renderer settings for one request. */
    public RenderSettings forRequest(int sampleRate, Float targetLufs, Float ceilingDbfs) {
        RenderSettings t = template;
        double cap = MAX_EQ_FRACTION_OF_RATE * sampleRate;
        return t.toBuilder()
                .sampleRate(sampleRate)
                .eq(Math.min(t.lowShelfHz, cap), Math.min(t.midPeakHz, cap), t.midPeakQ, Math.min(t.highShelfHz, cap),
                        t.shelfSlope)
                .targetLufs(targetLufs == null ? t.targetLufs : targetLufs)
                .ceilingDbfs(ceilingDbfs == null ? t.ceilingDbfs : ceilingDbfs)
                .build();
    }
}
