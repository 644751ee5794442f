package ai.aimix.jobs.cli.models;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.jobs.registry.ModelAdmin;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.quality.QualityGate;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;

import java.nio.file.Path;
import java.util.Optional;

/** The regression gate before a trained model is promoted: candidate and champion on the corpus's test split. */
final class QualityGateCheck {
    private QualityGateCheck() {
    }

    static void require(ModelAdmin admin, RegistryView view, ModelDescriptor candidate, String league, Path features)
            throws Exception {
        Optional<ChampionAlias> champion = view.champion(league);
        if (champion.isEmpty()) {
            return;
        }
        if (features == null) {
            throw new IllegalArgumentException("a trained model is promoted only through the quality gate: pass "
                    + "--features DIR (the corpus feature store to benchmark on)");
        }
        FeatureIndex index = new FeatureStore(features).readIndex();
        ModelDescriptor current = view.model(champion.get().getModelId()).orElseThrow();
        QualityBenchmark bench = ai.aimix.jobs.cli.training.QualityCommand.benchmark(index);
        SessionSettings cpu = SessionSettings.cpu(1);
        try (MixNetSession cand = MixNetSession.open(candidate.getModelId(), admin.bytes(candidate), cpu);
             MixNetSession champ = MixNetSession.open(current.getModelId(), admin.bytes(current), cpu)) {
            QualityGate.Verdict v = QualityGate.judge(bench, cand, champ, "TEST", 0);
            if (!v.passed()) {
                throw new RegistryException("model '" + candidate.getModelId() + "' is worse than the champion '"
                        + current.getModelId() + "' on the quality benchmark: " + v.describe());
            }
            System.out.println("quality gate passed: " + v.describe());
        }
    }
}
