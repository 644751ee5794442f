package ai.aimix.features;

import ai.aimix.corpus.Arrangement;
import ai.aimix.corpus.Composer;
import ai.aimix.corpus.CorpusSong;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.corpus.Perturbation;
import ai.aimix.corpus.Recording;
import ai.aimix.corpus.Split;
import ai.aimix.corpus.Voicing;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.dsp.spectral.StemMel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the corpus's feature store: songs {@code firstSeed .. firstSeed + songs - 1} composed, rendered,
 * perturbed and turned into log-mel features on {@code threads} threads, then the index. The songs' audio is not
 * kept: it is a function of the seed, and {@link CorpusSong#generate} makes it again when a benchmark needs it.
 */
public final class CorpusBuilder {
    /** What the mix job computes features with; the corpus must match it. */
    public static final class Settings {
        final int bars;
        final int sampleRate;
        final int segmentFrames;
        final int nFft;
        final int hop;
        final int bands;
        int variants = 1;
        Perturbation perturbation = Perturbation.LEVEL_TILT;
        Arrangement arrangement = Arrangement.STANDARD;
        Recording recording = Recording.DRY;

        /** How the clean stems sound as recorded (dry, or each in a room). */
        public Settings recording(Recording r) {
            this.recording = r;
            return this;
        }

        /** How many parts the songs have and how they enter and leave. */
        public Settings arrangement(Arrangement a) {
            this.arrangement = a;
            return this;
        }

        /** How the unmixed inputs are perturbed. */
        public Settings perturbation(Perturbation p) {
            this.perturbation = p;
            return this;
        }

        /** Perturbations per song (1: none extra); the extra ones are written for training songs only. */
        public Settings variants(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("variants must be at least 1");
            }
            this.variants = n;
            return this;
        }

        public Settings(int bars, int sampleRate, int segmentFrames, int nFft, int hop, int bands) {
            this.bars = bars;
            this.sampleRate = sampleRate;
            this.segmentFrames = segmentFrames;
            this.nFft = nFft;
            this.hop = hop;
            this.bands = bands;
        }
    }

    private final Settings settings;
    private final RenderSettings render;
    private final MidiSynth synth;
    private final Voicing voicing;
    private final int threads;

    public CorpusBuilder(Settings settings, RenderSettings render, MidiSynth synth, int threads) {
        this(settings, render, synth, Voicing.of(synth), threads);
    }

    /** @param voicing which bank plays each stem, and the unseen split */
    public CorpusBuilder(Settings settings, RenderSettings render, MidiSynth synth, Voicing voicing, int threads) {
        this.settings = settings;
        this.render = render;
        this.synth = synth;
        this.voicing = voicing;
        this.threads = Math.max(1, threads);
    }

    public FeatureIndex build(FeatureStore store, long firstSeed, int songs, Consumer<FeatureIndex.SongRecord> progress)
            throws IOException, InterruptedException {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < songs; i++) {
            seeds.add(firstSeed + i);
        }
        return build(store, seeds, progress);
    }

    /** The songs of these seeds (e.g. only a split's: the split is a function of the seed). */
    public FeatureIndex build(FeatureStore store, List<Long> seeds, Consumer<FeatureIndex.SongRecord> progress)
            throws IOException, InterruptedException {
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException(
                    "a seed twice in " + seeds + ": its song's files would be written twice");
        }
        StemMel mel = new StemMel(settings.sampleRate, settings.nFft, settings.hop, settings.bands);
        Composer composer = new Composer(settings.bars, settings.arrangement);
        int variants = settings.variants;
        List<FeatureIndex.SongRecord> records = new ArrayList<>();
        InOrder.<Long, List<FeatureIndex.SongRecord>, IOException>map(
                        seeds,
                        threads,
                        "corpus-builder",
                        seed -> {
                            int n = voicing.split(composer.compose(seed)) == Split.TRAIN ? variants : 1;
                            List<FeatureIndex.SongRecord> written = new ArrayList<>();
                            for (CorpusSong song : CorpusSong.generate(
                                    seed,
                                    composer,
                                    synth,
                                    voicing,
                                    settings.recording,
                                    settings.perturbation,
                                    render,
                                    n)) {
                                written.add(store.write(song, mel, settings.segmentFrames));
                            }
                            return written;
                        },
                        written -> progress.accept(written.get(0)))
                .forEach(records::addAll);
        records.sort(
                Comparator.<FeatureIndex.SongRecord>comparingLong(r -> r.seed).thenComparingInt(r -> r.variant));
        FeatureIndex index = new FeatureIndex();
        index.sampleRate = settings.sampleRate;
        index.segmentFrames = settings.segmentFrames;
        index.nFft = settings.nFft;
        index.hop = settings.hop;
        index.bands = settings.bands;
        index.dtype = "float16";
        index.sounds = synth.sounds();
        index.unseenGenre =
                voicing.unseenGenre() == null ? null : voicing.unseenGenre().name();
        index.unseenBank = voicing.unseenBank();
        index.perturbation = settings.perturbation.name();
        index.arrangement = settings.arrangement == Arrangement.STANDARD ? null : settings.arrangement.name();
        index.recording = settings.recording == Recording.DRY ? null : settings.recording.name();
        index.bars = settings.bars;
        index.descriptors = StemDescriptors.NAMES;
        index.songs = records;
        store.writeIndex(index);
        return index;
    }
}
