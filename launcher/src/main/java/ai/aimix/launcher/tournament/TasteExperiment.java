package ai.aimix.launcher.tournament;

import ai.aimix.corpus.Composer;
import ai.aimix.corpus.CorpusSong;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.corpus.Split;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.features.InOrder;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.schema.StemRole;
import ai.aimix.tournament.PairCounts;
import ai.aimix.tournament.SimulatedListener;
import ai.aimix.tournament.taste.PreferenceModel;
import ai.aimix.tournament.taste.RoleLevels;
import ai.aimix.tournament.taste.TasteProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Does learning a listener's taste from their votes make mixes they prefer? Simulated listeners with the panel's
 * tastes (vocals, drums or bass 3 dB louder or softer than the reference mix, or none) vote on battles between the
 * champion's mix of a song at two levels of one role (the champion's own, or moved by ±1.5 to ±6 dB:
 * {@link Settings#probeSteps}): the taste probes an arena would mix in, one question each (which level of this role
 * is better?). After n votes each listener's {@link TasteProfile} is estimated (shrunk
 * toward the population's), the champion's mix is "mixed for them" ({@link RoleLevels#shifted}), and the listener
 * judges it blind against the champion's own mix on songs they never voted on. Reported per taste group and n: the
 * share of those battles the personalised mix wins (ties count half) and the profile's error against the true taste.
 * Listeners judge as in the tournament simulation: the MR-STFT distance of each mix to the reference as they like
 * it, with Bradley-Terry noise.
 */
public final class TasteExperiment {
    /** The experiment's knobs. */
    public static final class Settings {
        public int listenersPerTaste = 6;
        public List<Integer> votes = List.of(5, 10, 20, 30, 50);
        public int trainSongs = 8;
        public int testSongs = 6;
        /** The offsets a probe moves one role by, each way. */
        public List<Double> probeSteps = List.of(1.5, 3.0, 4.5, 6.0);

        public int testRepeats = 5;
        public int bars = 6;
        public double sensitivity = 0.1;
        public double priorPrecision = TasteProfile.DEFAULT_PRIOR_PRECISION;
        public String model = ModelStore.SHIPPED_CHAMPION;
        public int threads = Runtime.getRuntime().availableProcessors();
        public long seed = 1;
        /** Print every listener's profile and the population's curvatures at each number of votes. */
        public boolean printProfiles;
    }

    /** A taste group's result at one number of votes. */
    public record Point(String taste, int votes, int listeners, int battles, double winRate, double errorDb) {}

    /** A listener's taste: the role and dB of the reference they want (null role: the reference itself). */
    record Taste(StemRole role, float db) {
        String name() {
            return role == null
                    ? "none"
                    : role.name().toLowerCase(Locale.ROOT) + String.format(Locale.ROOT, " %+.0f dB", db);
        }

        double[] offsets() {
            double[] o = new double[TasteProfile.ROLES.size()];
            if (role != null) {
                o[TasteProfile.ROLES.indexOf(role)] = db;
            }
            return o;
        }
    }

    /** A song with the champion's decisions, its probe variants and each taste's distance to each variant. */
    private static final class Song {
        final CorpusSong song;
        final List<StemRole> roles = new ArrayList<>();
        final float[][][] champion;
        final boolean[][] active;
        final List<double[]> offsets = new ArrayList<>();
        /** Per taste, per variant: the distance of the variant's mix to the taste's reference. */
        final Map<Taste, double[]> distances = new HashMap<>();

        final Map<Taste, float[][]> references = new HashMap<>();
        final long audioMillis;

        Song(CorpusSong song, float[][][] champion, boolean[][] active) {
            this.song = song;
            this.champion = champion;
            this.active = active;
            song.stems.forEach(s -> roles.add(s.role));
            audioMillis = Math.round(1000.0 * song.frames / song.sampleRate);
        }
    }

    private final Settings s;

    public TasteExperiment(Settings settings) {
        this.s = settings;
    }

    static List<Taste> tastes() {
        List<Taste> t = new ArrayList<>();
        t.add(new Taste(null, 0f));
        for (StemRole r : TasteProfile.ROLES) {
            t.add(new Taste(r, 3f));
            t.add(new Taste(r, -3f));
        }
        return t;
    }

    public List<Point> run(Consumer<String> log) throws Exception {
        MidiSynth synth = new MidiSynth(44100, null);
        QualityBenchmark bench = QualityBenchmark.builtIn(0, s.bars, 44100, 65536, 2048, 512, 128, 1);
        RenderSettings render = bench.render();
        Composer composer = new Composer(s.bars);
        List<Taste> tastes = tastes();
        byte[] onnx = ModelStore.shippedOnnx(s.model);
        List<Long> trainSeeds = seeds(Split.TRAIN, s.trainSongs, 1000);
        List<Long> testSeeds = seeds(Split.TEST, s.testSongs, 1);
        SplittableRandom random = new SplittableRandom(s.seed);
        // variant 0 is the champion's mix; then every role moved by every step, each way
        List<double[]> probes = new ArrayList<>();
        probes.add(new double[TasteProfile.ROLES.size()]);
        for (int r = 0; r < TasteProfile.ROLES.size(); r++) {
            for (double step : s.probeSteps) {
                for (double sign : new double[] {-1, 1}) {
                    double[] o = new double[TasteProfile.ROLES.size()];
                    o[r] = sign * step;
                    probes.add(o);
                }
            }
        }
        long t0 = System.nanoTime();
        List<Song> train;
        List<Song> test;
        try (MixNetSession model =
                MixNetSession.open(s.model, onnx, SessionSettings.cpu(1).withDescriptors())) {
            train = InOrder.<Long, Song, Exception>map(
                    trainSeeds,
                    s.threads,
                    "taste-songs",
                    seed -> song(seed, composer, synth, render, bench, model, tastes, probes),
                    x -> {});
            test = InOrder.<Long, Song, Exception>map(
                    testSeeds,
                    s.threads,
                    "taste-songs",
                    seed -> song(seed, composer, synth, render, bench, model, tastes, List.of(probes.get(0))),
                    x -> {});
        }
        log.accept(String.format(
                "%d training songs x %d probe mixes and %d test songs rendered and measured in %.0f s",
                train.size(), probes.size(), test.size(), (System.nanoTime() - t0) / 1e9));

        // every listener votes the most votes asked for; profiles use the first n
        int maxVotes = s.votes.stream().mapToInt(Integer::intValue).max().orElse(0);
        Map<String, Taste> tasteOf = new LinkedHashMap<>();
        Map<String, SimulatedListener> listeners = new LinkedHashMap<>();
        Map<String, List<PreferenceModel.Observation>> votes = new LinkedHashMap<>();
        for (Taste t : tastes) {
            for (int k = 0; k < s.listenersPerTaste; k++) {
                String id = String.format("%s-%d", t.name().replace(' ', '_'), k);
                SimulatedListener l =
                        new SimulatedListener(id, t.role(), t.db(), s.sensitivity, 0.01, 10, random.nextLong());
                tasteOf.put(id, t);
                listeners.put(id, l);
                List<PreferenceModel.Observation> mine = new ArrayList<>();
                while (mine.size() < maxVotes) {
                    Song song = train.get(random.nextInt(train.size()));
                    // two levels of one role (the champion's own among them), sides at random: pairs on either
                    // side of the listener's preference say where it lies, pairs on one side how much it matters
                    int perRole = 2 * s.probeSteps.size();
                    int role = random.nextInt(TasteProfile.ROLES.size());
                    int first = random.nextInt(perRole + 1);
                    int second = random.nextInt(perRole);
                    second = second >= first ? second + 1 : second;
                    int a = first == perRole ? 0 : 1 + role * perRole + first;
                    int b = second == perRole ? 0 : 1 + role * perRole + second;
                    double[] d = song.distances.get(t);
                    SimulatedListener.Judgement j = l.judge(d[a], d[b], song.audioMillis);
                    if (j.outcome() == PairCounts.Outcome.BOTH_BAD) {
                        continue;
                    }
                    double y = j.outcome() == PairCounts.Outcome.FIRST
                            ? 1
                            : j.outcome() == PairCounts.Outcome.SECOND ? 0 : 0.5;
                    mine.add(new PreferenceModel.Observation(
                            TasteProfile.covariates(song.offsets.get(a), song.offsets.get(b)), y));
                }
                votes.put(id, mine);
            }
        }

        List<Point> points = new ArrayList<>();
        for (int n : s.votes) {
            Map<String, List<PreferenceModel.Observation>> firstVotes = new LinkedHashMap<>();
            votes.forEach((id, v) -> firstVotes.put(id, v.subList(0, n)));
            TasteProfile.Population population = TasteProfile.population(firstVotes);
            Map<String, TasteProfile> profiles = new LinkedHashMap<>();
            for (String id : listeners.keySet()) {
                profiles.put(id, TasteProfile.estimate(id, votes.get(id).subList(0, n), population, s.priorPrecision));
                if (s.printProfiles) {
                    log.accept("    " + id + ": " + profiles.get(id).describe());
                }
            }
            if (s.printProfiles) {
                log.accept("    population curvature " + population.curvatureDescription());
            }
            // the personalised mixes: rendered once per distinct offset (rounded to 0.1 dB), song and taste, in
            // parallel; a profile that leaves every role alone is the champion's mix itself
            Map<String, double[]> distanceCache = new HashMap<>();
            List<Object[]> todo = new ArrayList<>();
            for (String id : listeners.keySet()) {
                double[] apply = rounded(profiles.get(id).applyDb());
                for (Song song : test) {
                    String key = key(song, apply, tasteOf.get(id));
                    if (!isZero(apply) && !distanceCache.containsKey(key)) {
                        distanceCache.put(key, null);
                        todo.add(new Object[] {key, song, apply, tasteOf.get(id)});
                    }
                }
            }
            List<Double> computed = InOrder.<Object[], Double, Exception>map(
                    todo,
                    s.threads,
                    "taste-personal",
                    job -> {
                        Song song = (Song) job[1];
                        float[][] mix = song.song.mix(render, shifted(song, (double[]) job[2]));
                        return SimulatedListener.distance(
                                song.references.get((Taste) job[3]), mix, song.song.sampleRate);
                    },
                    x -> {});
            for (int j = 0; j < todo.size(); j++) {
                distanceCache.put((String) todo.get(j)[0], new double[] {computed.get(j)});
            }
            for (Taste t : tastes) {
                int battles = 0;
                double wins = 0;
                double error = 0;
                int members = 0;
                for (String id : listeners.keySet()) {
                    if (!tasteOf.get(id).equals(t)) {
                        continue;
                    }
                    members++;
                    TasteProfile p = profiles.get(id);
                    double[] want = t.offsets();
                    double sq = 0;
                    for (int r = 0; r < want.length; r++) {
                        sq += (p.preferredDb()[r] - want[r]) * (p.preferredDb()[r] - want[r]);
                    }
                    error += Math.sqrt(sq / want.length);
                    for (Song song : test) {
                        double[] apply = rounded(p.applyDb());
                        double personal = isZero(apply)
                                ? song.distances.get(t)[0]
                                : distanceCache.get(key(song, apply, t))[0];
                        double champion = song.distances.get(t)[0];
                        for (int rep = 0; rep < s.testRepeats; rep++) {
                            boolean personalFirst = random.nextBoolean();
                            SimulatedListener.Judgement j = personalFirst
                                    ? listeners.get(id).judge(personal, champion, song.audioMillis)
                                    : listeners.get(id).judge(champion, personal, song.audioMillis);
                            if (j.outcome() == PairCounts.Outcome.BOTH_BAD) {
                                continue;
                            }
                            battles++;
                            if (j.outcome() == PairCounts.Outcome.TIE) {
                                wins += 0.5;
                            } else if ((j.outcome() == PairCounts.Outcome.FIRST) == personalFirst) {
                                wins += 1;
                            }
                        }
                    }
                }
                Point pt = new Point(t.name(), n, members, battles, wins / battles, error / members);
                points.add(pt);
                log.accept(String.format(
                        "%3d votes  %-14s personalised wins %5.1f %% of %d blind battles against the champion; "
                                + "profile error %.2f dB",
                        n, t.name(), 100 * pt.winRate(), battles, pt.errorDb()));
            }
        }
        return points;
    }

    private static double[] rounded(double[] offsets) {
        double[] out = new double[offsets.length];
        for (int r = 0; r < out.length; r++) {
            out[r] = Math.round(offsets[r] * 10) / 10.0;
        }
        return out;
    }

    private static boolean isZero(double[] offsets) {
        for (double o : offsets) {
            if (o != 0) {
                return false;
            }
        }
        return true;
    }

    private static String key(Song song, double[] offsets, Taste t) {
        StringBuilder key = new StringBuilder(song.song.seed() + ":");
        for (double o : offsets) {
            key.append(o).append(',');
        }
        return key.append(t.name()).toString();
    }

    private static float[][][] shifted(Song song, double[] offsets) {
        return RoleLevels.shifted(
                song.champion,
                song.roles,
                TasteProfile.ROLES,
                offsets,
                ModelOutput.GAIN_DB.min(),
                ModelOutput.GAIN_DB.max());
    }

    private static Song song(
            long seed,
            Composer composer,
            MidiSynth synth,
            RenderSettings render,
            QualityBenchmark bench,
            MixNetSession model,
            List<Taste> tastes,
            List<double[]> probes)
            throws Exception {
        CorpusSong c = CorpusSong.generate(seed, composer, synth, render);
        QualityBenchmark.Decisions d = bench.decide(c, List.of(model));
        Song song = new Song(c, d.schedules()[0], d.active());
        for (Taste t : tastes) {
            song.references.put(t, c.referenceMix(render, t.role(), t.db()));
            song.distances.put(t, new double[probes.size()]);
        }
        for (int v = 0; v < probes.size(); v++) {
            float[][][] schedule = shifted(song, probes.get(v));
            // the offsets as the listener's covariates see them: measured from the parameters (clamping included)
            song.offsets.add(RoleLevels.offsets(schedule, song.champion, song.roles, song.active, TasteProfile.ROLES));
            float[][] mix = c.mix(render, schedule);
            for (Taste t : tastes) {
                song.distances.get(t)[v] = SimulatedListener.distance(song.references.get(t), mix, c.sampleRate);
            }
        }
        return song;
    }

    private static List<Long> seeds(Split split, int count, long from) {
        List<Long> out = new ArrayList<>();
        for (long seed = from; out.size() < count; seed++) {
            if (Split.of(seed) == split) {
                out.add(seed);
            }
        }
        return out;
    }
}
