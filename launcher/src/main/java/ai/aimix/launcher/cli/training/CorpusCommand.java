package ai.aimix.launcher.cli.training;

import ai.aimix.corpus.Arrangement;
import ai.aimix.corpus.Genre;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.corpus.Perturbation;
import ai.aimix.corpus.Recording;
import ai.aimix.corpus.Voicing;
import ai.aimix.features.CorpusBuilder;
import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.jobs.mix.MixJobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./aimix corpus build}: the training corpus's feature store, generated in code. */
@Command(
        name = "corpus",
        mixinStandardHelpOptions = true,
        description = "The generated training corpus: multitrack songs with known reference mixes, stored as log-mel "
                + "features (see docs/TRAINING.md).",
        subcommands = {CorpusCommand.Build.class})
public final class CorpusCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(
            name = "build",
            mixinStandardHelpOptions = true,
            description =
                    "Compose, render (the JDK's MIDI synthesizer, or Debian's fluid-soundfont-gm when installed), "
                            + "perturb and analyse songs; write their log-mel features (.npy, float16) and index.json.")
    static final class Build implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Folder of the feature store.")
        Path out;

        @Option(names = "--songs", defaultValue = "200", description = "Songs to generate. Default ${DEFAULT-VALUE}.")
        int songs;

        @Option(
                names = "--first-seed",
                defaultValue = "1",
                description = "Seed of the first song. Default ${DEFAULT-VALUE}.")
        long firstSeed;

        @Option(names = "--bars", defaultValue = "12", description = "Bars per song. Default ${DEFAULT-VALUE}.")
        int bars;

        @Option(
                names = "--variants",
                defaultValue = "1",
                description =
                        "Perturbations per training song (gain and "
                                + "tilt drawn again for the same clean stems: augmentation at the audio level). Default ${DEFAULT-VALUE}.")
        int variants;

        @Option(names = "--threads", defaultValue = "0", description = "Threads (0: one per core).")
        int threads;

        @Option(
                names = "--soundfont",
                description = "A General MIDI .sf2 file, or 'builtin' for the JDK's instruments " + "(default: "
                        + MidiSynth.DEBIAN_SOUNDFONT + " when installed, else the built-in ones).")
        String soundFont;

        @Option(
                names = "--soundfonts",
                description = "Several banks, each stem played by one drawn from the song's seed: 'installed' (the "
                        + "built-in set and every .sf2 in " + "/usr/share/sounds/sf2; Debian packages "
                        + "fluid-soundfont-gm, timgm6mb-soundfont, csound-soundfont, "
                        + "musescore-general-soundfont-lossless, opl3-soundfont), or a comma-separated list of "
                        + ".sf2 files and 'builtin'.")
        String soundFonts;

        @Option(
                names = "--perturbation",
                defaultValue = "level-tilt",
                description =
                        "How the unmixed inputs are perturbed: level-tilt (a gain and a shelf tilt, the corpus "
                                + "mixnet-v2 was trained on) or wide (and a resonance at the mid peak). Default ${DEFAULT-VALUE}.")
        String perturbation;

        @Option(
                names = "--arrangement",
                defaultValue = "standard",
                description = "How many parts the songs have: standard (4 to 8 parts of distinct roles, the corpus "
                        + "the shipped models were trained on) or wide (4 to 12: also fx, doubled parts, a second "
                        + "percussion, and parts that rest through a verse or chorus). Default ${DEFAULT-VALUE}.")
        String arrangement;

        @Option(
                names = "--room",
                description = "Record every clean stem in a room of its own (a synthetic stereo room response: "
                        + "early reflections and a diffuse tail of 0.2 to 0.7 s) before the reference mix and the "
                        + "perturbation: other timbres, the same exact ideal corrections.")
        boolean room;

        @Option(
                names = "--unseen-genre",
                description = "Keep this genre's songs out of training and validation as the UNSEEN split ("
                        + "POP, ROCK, ELECTRONIC, FUNK, BALLAD, HIP_HOP).")
        String unseenGenre;

        @Option(
                names = "--unseen-bank",
                description = "A bank of --soundfonts (its file name) that only the UNSEEN split plays.")
        String unseenBank;

        @Override
        public Integer call() throws Exception {
            if (songs < 1 || bars < 6 || variants < 1) {
                System.err.println("aimix corpus build: error: --songs and --variants must be at least 1 and --bars at "
                        + "least 6");
                return 2;
            }
            boolean builtin = "builtin".equals(soundFont);
            if (soundFont != null && !builtin && !Files.isReadable(Path.of(soundFont))) {
                System.err.println("aimix corpus build: error: no such sound font: " + soundFont);
                return 2;
            }
            if (Files.exists(out.resolve(FeatureStore.INDEX))) {
                System.err.println("aimix corpus build: error: " + out + " already holds a feature store; choose "
                        + "another --out or delete it");
                return 2;
            }
            if (soundFont != null && soundFonts != null) {
                System.err.println("aimix corpus build: error: --soundfont and --soundfonts: choose one");
                return 2;
            }
            Configuration conf = new Configuration();
            int rate = 44100;
            MidiSynth synth;
            if (soundFonts != null) {
                List<Path> files = new ArrayList<>();
                if ("installed".equals(soundFonts)) {
                    files.addAll(MidiSynth.installedSoundFonts());
                } else {
                    for (String f : soundFonts.split(",")) {
                        if ("builtin".equals(f.trim())) {
                            files.add(null);
                        } else if (Files.isReadable(Path.of(f.trim()))) {
                            files.add(Path.of(f.trim()));
                        } else {
                            System.err.println("aimix corpus build: error: no such sound font: " + f.trim());
                            return 2;
                        }
                    }
                }
                synth = MidiSynth.ofBanks(rate, files);
            } else {
                synth = builtin
                        ? new MidiSynth(rate, null)
                        : soundFont != null
                                ? new MidiSynth(rate, Path.of(soundFont))
                                : MidiSynth.withDefaultSounds(rate);
            }
            Perturbation kind;
            try {
                kind = Perturbation.valueOf(
                        perturbation.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                System.err.println(
                        "aimix corpus build: error: --perturbation is level-tilt or wide, not " + perturbation);
                return 2;
            }
            Arrangement parts;
            try {
                parts = Arrangement.valueOf(arrangement.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                System.err.println("aimix corpus build: error: --arrangement is standard or wide, not " + arrangement);
                return 2;
            }
            Voicing voicing;
            try {
                Genre genre = unseenGenre == null ? null : Genre.valueOf(unseenGenre.toUpperCase(Locale.ROOT));
                voicing = new Voicing(synth.bankNames(), genre, unseenBank);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage().startsWith("No enum constant")
                        ? "no genre " + unseenGenre + " (" + Arrays.toString(Genre.values()) + ")"
                        : e.getMessage();
                System.err.println("aimix corpus build: error: " + m);
                return 2;
            }
            int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            CorpusBuilder builder = new CorpusBuilder(
                    new CorpusBuilder.Settings(
                                    bars,
                                    rate,
                                    conf.get(MixJobOptions.SEGMENT_FRAMES),
                                    conf.get(MixJobOptions.MEL_N_FFT),
                                    conf.get(MixJobOptions.MEL_HOP),
                                    conf.get(MixJobOptions.MEL_BANDS))
                            .variants(variants)
                            .perturbation(kind)
                            .arrangement(parts)
                            .recording(room ? Recording.ROOM : Recording.DRY),
                    MixJobOptions.assembly(conf).forRequest(rate, null, null),
                    synth,
                    voicing,
                    cores);
            long t0 = System.nanoTime();
            int[] done = {0};
            FeatureIndex index = builder.build(new FeatureStore(out), firstSeed, songs, r -> {
                done[0]++;
                if (done[0] % 10 == 0 || done[0] == songs) {
                    System.out.printf("  %d/%d songs (%.0f s)%n", done[0], songs, (System.nanoTime() - t0) / 1e9);
                }
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            long pcm = 0;
            long features = 0;
            int stems = 0;
            double audio = 0;
            int originals = 0;
            for (FeatureIndex.SongRecord s : index.songs) {
                pcm += s.pcmBytes;
                features += s.featureBytes;
                if (s.variant == 0) {
                    originals++;
                    stems += s.stems.size();
                    audio += s.frames / (double) rate;
                }
            }
            System.out.printf(
                    "corpus: %d songs (train %d, validation %d, test %d, unseen %d), %d stems, %.1f min of music, "
                            + "instruments: %s%s%n",
                    originals,
                    index.originals("TRAIN").size(),
                    index.originals("VALIDATION").size(),
                    index.originals("TEST").size(),
                    index.originals("UNSEEN").size(),
                    stems,
                    audio / 60,
                    index.sounds,
                    variants > 1
                            ? "; " + index.split("TRAIN").size() + " perturbed versions of the " + "training songs"
                            : "");
            System.out.printf(
                    "features: %.1f MB of float16 log-mel for %.1f MB of 16-bit stereo stems: %.1f%% smaller%n",
                    features / 1e6, pcm / 1e6, 100 * (1 - (double) features / pcm));
            System.out.printf("built in %.1f s on %d threads: %s%n", seconds, cores, out.resolve(FeatureStore.INDEX));
            return 0;
        }
    }
}
