package ai.aimix.corpus;

/**
 * What is done to a clean stem to make the unmixed input a model sees; every kind keeps the exact inverse known, so
 * the ideal correction is computable.
 */
public enum Perturbation {
    /** A gain in [{@link CorpusSong#MIN_GAIN_DB}, {@link CorpusSong#MAX_GAIN_DB}] dB and a shelf tilt of ±{@link CorpusSong#MAX_TILT_DB} dB: the corpus as it always was (and as mixnet-v2 was trained on). */
    LEVEL_TILT,
    /**
     * {@link #LEVEL_TILT}'s, then a resonance: the renderer's mid peaking filter (its frequency and Q) at ±{@link
     * CorpusSong#MAX_RESONANCE_DB} dB, undone by the opposite peak (RBJ peaking filters of opposite gains and the same
     * frequency and Q are exact inverses), so the mid band has something to correct.
     */
    WIDE;

    /** The corpus's perturbation as its index names it (absent: {@link #LEVEL_TILT}, as corpora before it). */
    public static Perturbation of(String name) {
        return name == null ? LEVEL_TILT : valueOf(name);
    }
}
