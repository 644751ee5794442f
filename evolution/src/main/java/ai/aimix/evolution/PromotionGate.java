package ai.aimix.evolution;

import ai.aimix.schema.ModelDescriptor;

/**
 * What a challenger must pass, besides listeners' votes, before evolution makes it champion: in the job, the offline
 * quality benchmark (not worse than the champion it would replace), so that noisy or hostile listeners cannot walk
 * the champion away from what the benchmark measures.
 */
@FunctionalInterface
public interface PromotionGate {
    /** The gate's verdict and what it measured. */
    record Verdict(boolean passed, String description) {}

    /**
     * Judges {@code challenger} against {@code champion}.
     *
     * @throws Exception when the gate cannot judge now (the promotion is decided again on the next standings)
     */
    Verdict judge(ModelDescriptor challenger, ModelDescriptor champion) throws Exception;
}
