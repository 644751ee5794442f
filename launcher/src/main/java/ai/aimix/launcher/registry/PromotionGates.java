package ai.aimix.launcher.registry;

import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.quality.QualityGate;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelPrecision;
import java.io.IOException;
import java.util.Optional;

/**
 * The gates a model passes before it becomes a league's champion, by its kind:
 * <ul>
 *   <li>a model shipped with the code ({@link ModelStore#isShipped}: id and SHA-256 of the shipped bytes): none;</li>
 *   <li>a quantized model of a vetted parent (shipped, or a league's champion now): its deviation from that fp32
 *       parent within the bounds the registry checks ({@code RegistryChanges}), as measured by this service
 *       ({@code models quantize}, or again at import: a bundle's own metrics are never kept);</li>
 *   <li>a quantized model of any other parent: those bounds and the quality gate (else a model that never passed
 *       the quality gate would become champion by being quantized);</li>
 *   <li>every other fp32 model, however it came (trained, imported, published by a program, bred): the quality gate,
 *       not worse than the league's champion (for a league without one, the main league's) on a corpus's test
 *       songs.</li>
 * </ul>
 * The tournament job promotes its bred children by its own gate, listeners' votes (a challenger's interval above the
 * champion's); every promotion through {@link ModelAdmin} passes these.
 */
public final class PromotionGates {
    /** Which gate applies. */
    public enum Gate {
        NONE_SHIPPED,
        QUANTIZATION,
        QUANTIZATION_AND_QUALITY,
        QUALITY;

        /** Whether the quality benchmark runs. */
        public boolean needsQuality() {
            return this == QUALITY || this == QUANTIZATION_AND_QUALITY;
        }
    }

    private PromotionGates() {}

    /** The gate {@code d} passes to become a champion, given the registry as it is ({@code view}). */
    public static Gate gateFor(ModelDescriptor d, RegistryView view) throws IOException {
        if (ModelStore.isShipped(d)) {
            return Gate.NONE_SHIPPED;
        }
        if (d.getPrecision() == ModelPrecision.FP32) {
            return Gate.QUALITY;
        }
        return vettedParent(d, view) ? Gate.QUANTIZATION : Gate.QUANTIZATION_AND_QUALITY;
    }

    /** Whether a quantized model's parent is one that passed a gate: shipped, or a league's champion now. */
    private static boolean vettedParent(ModelDescriptor d, RegistryView view) throws IOException {
        if (d.getLineage() == null || d.getLineage().getParents().isEmpty()) {
            return false;
        }
        Optional<ModelDescriptor> parent =
                view.model(d.getLineage().getParents().get(0));
        return parent.isPresent()
                && (ModelStore.isShipped(parent.get())
                        || !view.leaguesChampionedBy(parent.get().getModelId()).isEmpty());
    }

    /**
     * The quality gate: {@code candidate} against the champion it would replace, on {@code bench}'s test songs.
     *
     * @return the verdict, or empty when no league has a champion to compare with
     * @throws RegistryException when the candidate is worse, or no benchmark was given
     */
    static Optional<QualityGate.Verdict> requireQuality(
            ModelAdmin admin, RegistryView view, ModelDescriptor candidate, String league, QualityBenchmark bench)
            throws Exception {
        Optional<ChampionAlias> champion = view.champion(league).or(() -> view.champion(RegistryView.DEFAULT_LEAGUE));
        if (champion.isEmpty()) {
            return Optional.empty();
        }
        if (bench == null) {
            throw new RegistryException("model '" + candidate.getModelId() + "' is promoted only through the quality "
                    + "gate: pass --features DIR (the corpus feature store to benchmark it on)");
        }
        ModelDescriptor current = view.model(champion.get().getModelId())
                .orElseThrow(() -> new RegistryException(
                        "the champion '" + champion.get().getModelId() + "' has no descriptor to compare with"));
        SessionSettings cpu = SessionSettings.cpu(1).withDescriptors(); // the benchmark measures them, as the job does
        try (MixNetSession cand = MixNetSession.open(candidate.getModelId(), admin.bytes(candidate), cpu);
                MixNetSession champ = MixNetSession.open(current.getModelId(), admin.bytes(current), cpu)) {
            QualityGate.Verdict v = QualityGate.judge(bench, cand, champ, "TEST", 0);
            if (!v.passed()) {
                throw new RegistryException("model '" + candidate.getModelId() + "' is worse than the champion '"
                        + current.getModelId() + "' on the quality benchmark: " + v.describe());
            }
            return Optional.of(v);
        }
    }
}
