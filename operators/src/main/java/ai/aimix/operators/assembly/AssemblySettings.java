package ai.aimix.operators.assembly;

import ai.aimix.dsp.mix.RenderSettings;
import java.io.Serializable;

/** Mix assembly's settings (from MixJobOptions): the renderer defaults and the threads it may use per mix. */
public final class AssemblySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Renderer defaults; sample rate, loudness target and ceiling are replaced per request. */
    public final RenderSettings template;

    public final int threads;

    public AssemblySettings(RenderSettings template, int threads) {
        this.template = template;
        this.threads = threads;
    }

    public static AssemblySettings defaults() {
        return new AssemblySettings(RenderSettings.defaults(), 1);
    }

    /** The renderer settings for one request. */
    public RenderSettings forRequest(int sampleRate, Float targetLufs, Float ceilingDbfs) {
        return template.forRequest(sampleRate, targetLufs, ceilingDbfs);
    }
}
