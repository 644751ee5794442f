package ai.aimix.jobs.training;

import ai.aimix.corpus.MidiSynth;
import ai.aimix.features.FeatureIndex;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.learn.Activity;
import ai.aimix.quality.QualityBenchmark;
import org.apache.flink.configuration.Configuration;

/** The quality benchmark as the service measures it: a corpus's songs, mixed with the mix job's render settings. */
public final class QualityBenchmarks {
    private QualityBenchmarks() {
    }

    /**
     * The benchmark on a feature store's songs, rendered with the store's instruments and the mix job's default
     * render settings.
     *
     * @throws IllegalArgumentException when the store's sound font is not installed here
     */
    public static QualityBenchmark of(FeatureIndex index) {
        return new QualityBenchmark(index, MidiSynth.matching(index.sounds, index.sampleRate),
                MixJobOptions.assembly(new Configuration()).forRequest(index.sampleRate, null, null),
                Activity.DEFAULT_DB);
    }
}
