package ai.aimix.operators.tournament;

import ai.aimix.evolution.PromotionGate;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.quality.QualityGate;
import ai.aimix.schema.ModelDescriptor;
import java.io.Serializable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tournament job's promotion gate: the offline quality benchmark on built-in test-split songs (generated in
 * code, so the job needs no corpus), challenger and champion rendered on the same songs; the challenger passes when
 * it is not worse than the champion by more than the tolerances. The songs are synthesised and analysed once, at the
 * first promotion; each judgement then mixes them with both models (a few seconds per song on one core), on the
 * evolution operator's thread: promotions are rare (a few per generation at most), and the votes keep being counted
 * upstream meanwhile.
 */
public final class BenchmarkGate implements PromotionGate {
    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkGate.class);

    /** The gate's songs, mel settings and tolerances. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final int DEFAULT_SONGS = 6;
        public static final int DEFAULT_BARS = 6;
        public static final double DEFAULT_DISTANCE_TOLERANCE = 0.0;
        public static final double DEFAULT_LEVEL_TOLERANCE_DB = QualityGate.LEVEL_TOLERANCE_DB;

        public int songs = DEFAULT_SONGS;
        public int bars = DEFAULT_BARS;
        public int sampleRate = 44100;
        public int segmentFrames;
        public int nFft;
        public int hop;
        public int bands;
        public double distanceTolerance = DEFAULT_DISTANCE_TOLERANCE;
        public double levelToleranceDb = DEFAULT_LEVEL_TOLERANCE_DB;
    }

    private final Settings settings;
    private final ModelStore store;
    private QualityBenchmark bench;

    public BenchmarkGate(Settings settings, ModelStore store) {
        this.settings = settings;
        this.store = store;
    }

    @Override
    public Verdict judge(ModelDescriptor challenger, ModelDescriptor champion) throws Exception {
        try {
            if (bench == null) {
                bench = QualityBenchmark.builtIn(
                        settings.songs,
                        settings.bars,
                        settings.sampleRate,
                        settings.segmentFrames,
                        settings.nFft,
                        settings.hop,
                        settings.bands,
                        1);
            }
            SessionSettings cpu = SessionSettings.cpu(1).withDescriptors();
            try (MixNetSession cand = MixNetSession.open(challenger.getModelId(), store.load(challenger), cpu);
                    MixNetSession champ = MixNetSession.open(champion.getModelId(), store.load(champion), cpu)) {
                QualityGate.Verdict v = QualityGate.judge(
                        bench, cand, champ, "TEST", 0, settings.distanceTolerance, settings.levelToleranceDb);
                LOG.info(
                        "Quality gate, {} against the champion {}: {} ({})",
                        challenger.getModelId(),
                        champion.getModelId(),
                        v.passed() ? "passed" : "refused",
                        v.describe());
                return new Verdict(v.passed(), v.describe());
            }
        } catch (Exception e) {
            LOG.warn(
                    "The quality gate could not judge {} against {}; the promotion waits: {}",
                    challenger.getModelId(),
                    champion.getModelId(),
                    e.toString());
            throw e;
        }
    }
}
