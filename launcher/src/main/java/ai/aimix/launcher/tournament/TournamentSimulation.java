package ai.aimix.launcher.tournament;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.cli.MixClient;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.corpus.Composer;
import ai.aimix.corpus.CorpusSong;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.corpus.Split;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.runtime.MixNetSession;
import ai.aimix.model.runtime.SessionSettings;
import ai.aimix.model.store.ModelStore;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.schema.Battle;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.EvolutionKind;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelStanding;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Standings;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import ai.aimix.schema.auth.BattleSeals;
import ai.aimix.schema.auth.TournamentKeys;
import ai.aimix.schema.auth.VoterTokens;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import ai.aimix.schema.codec.ModelSelections;
import ai.aimix.tournament.BradleyTerry;
import ai.aimix.tournament.PairScheduler;
import ai.aimix.tournament.SimulatedListener;
import ai.aimix.tournament.VoteOutcomes;
import ai.aimix.tournament.VoterPanel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The whole tournament loop on an embedded stack, with a panel of simulated listeners: the league's starting
 * champion founds generation 1 in the tournament job; battles between the generation's members, chosen by the
 * {@link PairScheduler} from the latest standings, are mixed by the mix job (BATTLE requests, variants A and B) and
 * published on {@code tournament.battles}; the panel listens (each voter's distance of both mixes to the song's
 * reference mix as they like it) and votes on {@code tournament.votes}, with attention checks mixed in; the job folds
 * the votes, screens voters, promotes and breeds; the mix job serves the children as soon as they are on the
 * registry. Per generation the champion is scored on the quality benchmark's test songs (songs the battles never
 * use), and the abuse screen against the panel's known bad actors.
 */
public final class TournamentSimulation {
    /** The simulation's knobs (the command's options). */
    public static final class Settings {
        public int generations = 10;
        public int voters = 60;
        public double badShare = 0.15;
        public String league = "sim";
        public String start = ModelStore.SHIPPED_CHAMPION;
        public int songs = 32;
        /**
         * Battle songs kept rendered at once: a 6-bar song is roughly 100 MB (stems, clean stems, up to seven taste
         * references and the plain sum, 44.1 kHz stereo float), so the default 2 GB heap holds a few; the others are
         * rendered again when drawn (a second or two each).
         */
        public int cachedSongs = 6;

        public int bars = 6;
        public int benchSongs = 6;
        public int votesPerBattle = 30;
        public double checkShare = 0.2;
        public double sensitivity = 0.1;
        public long voteBudget = 600;
        public double intervalWidth = 200;
        public int parallelBattles = 2;
        public long seed = 1;
        public Duration timeout = Duration.ofMinutes(60);

        /** The tournament job's options for this simulation. */
        Map<String, String> jobOptions() {
            Map<String, String> o = new LinkedHashMap<>();
            o.put(TournamentJobOptions.EVOLUTION_LEAGUES.key(), league);
            o.put(TournamentJobOptions.EVOLUTION_VOTE_BUDGET.key(), String.valueOf(voteBudget));
            o.put(TournamentJobOptions.EVOLUTION_INTERVAL_WIDTH.key(), String.valueOf(intervalWidth));
            o.put(TournamentJobOptions.EVOLUTION_SEED.key(), String.valueOf(seed));
            // the job's quality gate scores challengers on the songs the simulation scores champions on
            o.put(TournamentJobOptions.EVOLUTION_GATE_SONGS.key(), String.valueOf(benchSongs));
            o.put(TournamentJobOptions.EVOLUTION_GATE_BARS.key(), String.valueOf(bars));
            // simulated voters listen faster than the clock: a voter's real minute holds many of their votes
            o.put(TournamentJobOptions.RATE_BURST.key(), "1000000");
            o.put(TournamentJobOptions.RATE_PER_MINUTE.key(), "1000000");
            return o;
        }
    }

    /** One generation as it ended. */
    public record Generation(
            int generation,
            String champion,
            double benchmarkDistance,
            long votesUsed,
            int battles,
            int checks,
            List<String> members,
            String trigger,
            double sigma,
            Double successRate,
            List<String> promotions,
            List<String> refusals,
            VoterPanel.Screening screening) {}

    /** The whole run. */
    public record Summary(
            String league,
            String start,
            double startDistance,
            double plainSumDistance,
            List<Generation> generations,
            long votesSent,
            long votesCounted,
            long checkVotesSent,
            int battles,
            int failedBattles,
            VoterPanel.Screening screening,
            double seconds) {}

    /** A battle song: its stems as pushed, and the references listeners compare with (cached per taste). */
    private static final class Song {
        final CorpusSong song;
        final List<StemInput> stems = new ArrayList<>();
        final Map<String, float[][]> references = new ConcurrentHashMap<>();
        final float[][] plainSum;

        Song(CorpusSong song, RenderSettings render) {
            this.song = song;
            for (CorpusSong.Stem s : song.stems) {
                stems.add(new StemInput(s.name, s.role, new Audio(song.sampleRate, 2, s.unmixed)));
            }
            float[][] neutral = new float[song.stems.size()][];
            for (int i = 0; i < neutral.length; i++) {
                neutral[i] = MixParams.neutral();
            }
            plainSum = song.mix(render, song.constant(render, neutral));
        }

        float[][] reference(RenderSettings render, StemRole role, float db) {
            return references.computeIfAbsent(role + "/" + db, k -> song.referenceMix(render, role, db));
        }
    }

    private final EmbeddedStack stack;
    private final Settings s;
    private final Configuration conf;
    private final RenderSettings render;
    private final VoterPanel panel;
    private final SplittableRandom random;
    private final AtomicReference<Standings> standings = new AtomicReference<>();
    private final LinkedBlockingQueue<EvolutionEvent> events = new LinkedBlockingQueue<>();
    private final AtomicLong votesSent = new AtomicLong();
    private final AtomicLong checkVotes = new AtomicLong();
    private final Map<String, Double> benchmarks = new HashMap<>();
    /** The benchmark songs' plain sum, from the first benchmark run. */
    private double plainSumDistance = Double.NaN;

    private volatile boolean stopping;

    public TournamentSimulation(EmbeddedStack stack, Settings settings) {
        this.stack = stack;
        this.s = settings;
        this.conf = stack.config();
        this.render = MixJobOptions.assembly(conf).forRequest(44100, null, null);
        this.panel = new VoterPanel(settings.voters, settings.badShare, settings.sensitivity, settings.seed);
        this.random = new SplittableRandom(settings.seed * 31 + 7);
    }

    /** Runs the loop until {@code generations} generations have ended; {@code progress} sees each as it ends. */
    public Summary run(Consumer<Generation> progress, Consumer<String> log) throws Exception {
        long t0 = System.nanoTime();
        if (s.generations < 1 || s.voters < 2 || s.votesPerBattle < 1) {
            throw new IllegalArgumentException("generations, voters (2+) and votes per battle must be positive");
        }
        MidiSynth synth = new MidiSynth(44100, null);
        log.accept("battle songs: " + s.songs + " training-split corpus songs of " + s.bars + " bars, rendered when "
                + "first used; benchmark: " + s.benchSongs + " test-split songs");
        List<Long> seeds = new ArrayList<>();
        for (long seed = s.seed * 1000; seeds.size() < s.songs; seed++) {
            if (Split.of(seed) == Split.TRAIN) {
                seeds.add(seed);
            }
        }
        Composer composer = new Composer(s.bars);
        Map<Long, Song> rendered = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Song> eldest) {
                return size() > s.cachedSongs;
            }
        };
        LongFunction<Song> songs = seed -> {
            synchronized (rendered) {
                Song song = rendered.get(seed);
                if (song == null) {
                    try {
                        song = new Song(CorpusSong.generate(seed, composer, synth, render), render);
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot render battle song " + seed + ": " + e.getMessage(), e);
                    }
                    rendered.put(seed, song);
                }
                return song;
            }
        };
        QualityBenchmark bench = QualityBenchmark.builtIn(
                s.benchSongs,
                s.bars,
                44100,
                conf.get(MixJobOptions.SEGMENT_FRAMES),
                conf.get(MixJobOptions.MEL_N_FFT),
                conf.get(MixJobOptions.MEL_HOP),
                conf.get(MixJobOptions.MEL_BANDS),
                Runtime.getRuntime().availableProcessors());
        ModelAdmin admin = EmbeddedStack.admin(conf);
        double startDistance = benchmark(bench, admin, s.start);
        log.accept(String.format("generation 0: champion %s, benchmark mix distance %.3f", s.start, startDistance));

        stack.startTournament(s.jobOptions());
        Thread reader = new Thread(this::readOutputs, "simulation-reader");
        reader.setDaemon(true);
        reader.start();
        admin.promote(s.start, s.league, "tournament simulate: the league's founding champion", bench);

        ExecutorService pool = Executors.newFixedThreadPool(s.parallelBattles);
        List<Generation> out = new ArrayList<>();
        int battles = 0;
        int failed = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            long deadline = System.currentTimeMillis() + s.timeout.toMillis();
            EvolutionEvent current = awaitEvent(deadline);
            while (current.getKind() != EvolutionKind.GENERATION) {
                current = awaitEvent(deadline);
            }
            log.accept("generation 1 founded: " + String.join(", ", current.getMembers()));
            int generationBattles = 0;
            int generationChecks = 0;
            List<String> promotions = new ArrayList<>();
            List<String> refusals = new ArrayList<>();
            List<String> members = current.getMembers();
            while (out.size() < s.generations) {
                if (System.currentTimeMillis() > deadline) {
                    throw new TimeoutException("the simulation did not finish within " + s.timeout);
                }
                List<Future<int[]>> round = new ArrayList<>();
                for (int k = 0; k < s.parallelBattles; k++) {
                    String[] pair;
                    long seed;
                    synchronized (random) {
                        pair = PairScheduler.next(members, fit(standings.get(), members), random);
                        seed = random.nextLong();
                    }
                    long songSeed = seeds.get((int) Math.floorMod(seed, (long) seeds.size()));
                    String id = String.format("sim-%s-%d", s.league, ++battles);
                    round.add(pool.submit(() -> battle(id, pair, songs.apply(songSeed), seed, producer)));
                }
                for (Future<int[]> f : round) {
                    int[] r = f.get();
                    failed += r[0];
                    generationBattles += 1 - r[0];
                    generationChecks += r[1];
                }
                EvolutionEvent e;
                while ((e = events.poll()) != null) {
                    members = e.getMembers();
                    if (e.getKind() == EvolutionKind.PROMOTION) {
                        promotions.add(e.getChampion());
                        log.accept(String.format(
                                "  promoted %s over %s (%s)", e.getChampion(), e.getPreviousChampion(), e.getReason()));
                        continue;
                    }
                    if (e.getKind() == EvolutionKind.REFUSED) {
                        refusals.add(e.getChallenger());
                        log.accept(String.format(
                                "  quality gate refused %s against %s: %s",
                                e.getChallenger(), e.getChampion(), e.getReason()));
                        continue;
                    }
                    Generation g = new Generation(
                            e.getGeneration() - 1,
                            e.getChampion(),
                            benchmark(bench, admin, e.getChampion()),
                            e.getVotesUsed(),
                            generationBattles,
                            generationChecks,
                            previousMembers(e),
                            e.getTrigger(),
                            e.getSigma(),
                            e.getSuccessRate(),
                            List.copyOf(promotions),
                            List.copyOf(refusals),
                            screening(standings.get()));
                    out.add(g);
                    progress.accept(g);
                    generationBattles = 0;
                    generationChecks = 0;
                    promotions.clear();
                    refusals.clear();
                    if (out.size() == s.generations) {
                        break;
                    }
                }
            }
            // every vote sent is counted exactly once: wait for standings that have them all
            Standings last = standings.get();
            long until = System.currentTimeMillis() + 60_000;
            while ((last == null || last.getVotes() < votesSent.get()) && System.currentTimeMillis() < until) {
                Thread.sleep(100);
                last = standings.get();
            }
            Thread.sleep(1_500); // a refresh more: a count above what was sent would show now
            last = standings.get();
            return new Summary(
                    s.league,
                    s.start,
                    startDistance,
                    plainSumDistance,
                    out,
                    votesSent.get(),
                    last == null ? 0 : last.getVotes(),
                    checkVotes.get(),
                    battles - failed,
                    failed,
                    screening(last),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            stopping = true;
            pool.shutdownNow();
            reader.join(5_000);
        }
    }

    private VoterPanel.Screening screening(Standings st) {
        return panel.screening(st == null ? Set.of() : new TreeSet<>(st.getFlaggedVoters()));
    }

    private static List<String> previousMembers(EvolutionEvent e) {
        List<String> out = new ArrayList<>();
        e.getRanked().forEach(m -> out.add(m.getModelId()));
        return out;
    }

    private EvolutionEvent awaitEvent(long deadline) throws Exception {
        EvolutionEvent e = events.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new TimeoutException("no evolution event from the tournament job");
        }
        return e;
    }

    /**
     * One battle: mixed by the mix job, published, voted on by a sample of the panel; sometimes followed by an
     * attention check for the same voters. Returns {failed (0/1), checks}.
     */
    private int[] battle(String id, String[] pair, Song song, long seed, KafkaProducer<byte[], byte[]> producer)
            throws Exception {
        MixRequest request = StemProducer.request(id, song.stems, ModelSelections.battle(pair[0], pair[1]));
        MixClient.Outcome o = new MixClient(stack.bootstrapServers(), stack.topics())
                .run(
                        request,
                        song.stems,
                        StemProducer.DEFAULT_CHUNK_FRAMES,
                        SampleEncoding.PCM_F32LE,
                        Duration.ofMinutes(5),
                        null);
        if (o.mix.result.getStatus() != MixStatus.COMPLETED) {
            return new int[] {1, 0};
        }
        for (VariantResult v : o.mix.result.getVariants()) {
            String expected = v.getVariant() == Variant.A ? pair[0] : pair[1];
            if (!expected.equals(v.getModelVersion())) {
                throw new IllegalStateException("battle " + id + ": variant " + v.getVariant() + " was mixed by "
                        + v.getModelVersion() + ", not " + expected);
            }
        }
        int rate = song.song.sampleRate;
        float[][] a = new Audio(rate, 2, o.mix.audio(Variant.A)).planar();
        float[][] b = new Audio(rate, 2, o.mix.audio(Variant.B)).planar();
        long audioMillis = Math.round(1000.0 * a[0].length / rate);
        long now = System.currentTimeMillis();
        String songId = "song-" + song.song.seed();
        SplittableRandom r = new SplittableRandom(seed);
        List<VoterPanel.Voter> voters = panel.sample(s.votesPerBattle, r);
        publish(
                producer,
                sealed(
                        new Battle(
                                id,
                                s.league,
                                songId,
                                id,
                                pair[0],
                                pair[1],
                                audioMillis,
                                now,
                                null,
                                List.of(),
                                null,
                                null),
                        null),
                null,
                voters,
                distances(song, a, b),
                r);
        if (r.nextDouble() >= s.checkShare) {
            return new int[] {0, 0};
        }
        boolean referenceFirst = r.nextBoolean();
        float[][] reference = song.reference(render, null, 0f);
        String check = id + "-check";
        VoteOutcome expected = referenceFirst ? VoteOutcome.A : VoteOutcome.B;
        publish(
                producer,
                sealed(
                        new Battle(
                                check,
                                s.league,
                                songId,
                                check,
                                referenceFirst ? "reference" : "plain-sum",
                                referenceFirst ? "plain-sum" : "reference",
                                audioMillis,
                                now,
                                null,
                                List.of(),
                                null,
                                null),
                        expected),
                expected,
                voters,
                referenceFirst ? distances(song, reference, song.plainSum) : distances(song, song.plainSum, reference),
                r);
        return new int[] {0, 1};
    }

    /** Both mixes' distances to a song's reference as each taste wants it, each taste measured once. */
    private VoterPanel.Distances distances(Song song, float[][] first, float[][] second) {
        Map<String, double[]> cache = new HashMap<>();
        int rate = song.song.sampleRate;
        return (role, db) -> cache.computeIfAbsent(role + "/" + db, k -> {
            float[][] ref = song.reference(render, role, db);
            return new double[] {
                SimulatedListener.distance(ref, first, rate), SimulatedListener.distance(ref, second, rate)
            };
        });
    }

    /** The battle with its sealed check, as the battle scheduler makes it (every battle gets one). */
    private Battle sealed(Battle battle, VoteOutcome expected) {
        TournamentKeys keys = stack.tournamentKeys();
        return keys == null ? battle : BattleSeals.sealed(keys, battle, expected);
    }

    /**
     * Publishes a battle ({@code expected}: its attention check's answer, which travels sealed) and its voters' votes,
     * each signed as the authenticator of listeners signs it (attention checks counted apart: they never count for
     * ratings).
     */
    private void publish(
            KafkaProducer<byte[], byte[]> producer,
            Battle battle,
            VoteOutcome expected,
            List<VoterPanel.Voter> voters,
            VoterPanel.Distances distances,
            SplittableRandom r)
            throws Exception {
        String id = battle.getBattleId();
        send(producer, conf.get(TournamentJobOptions.TOPIC_BATTLES), id, Contract.BATTLE.encode(battle));
        AtomicLong counter = expected == null ? votesSent : checkVotes;
        TournamentKeys keys = stack.tournamentKeys();
        for (VoterPanel.Voter v : voters) {
            SimulatedListener.Judgement j = panel.judge(v, distances, battle.getAudioMillis(), r);
            Vote vote = new Vote(
                    id, v.id(), VoteOutcomes.wire(j.outcome()), j.listenedMillis(), System.currentTimeMillis(), null);
            send(
                    producer,
                    conf.get(TournamentJobOptions.TOPIC_VOTES),
                    id,
                    Contract.VOTE.encode(keys == null ? vote : VoterTokens.signed(keys, vote)));
            counter.incrementAndGet();
        }
        producer.flush();
    }

    /** The standings of the members as a fit for the scheduler (members without votes count as unrated). */
    static BradleyTerry.Fit fit(Standings st, List<String> members) {
        List<BradleyTerry.Rating> ratings = new ArrayList<>();
        if (st != null) {
            for (ModelStanding m : st.getModels()) {
                if (members.contains(m.getModelId())) {
                    ratings.add(BradleyTerry.Rating.fromElo(
                            m.getModelId(), m.getRating(), m.getLower(), m.getUpper(), m.getVotes(), m.getRank()));
                }
            }
        }
        return new BradleyTerry.Fit(ratings, 0, true);
    }

    /** The champion's benchmark mix distance (each model scored once). */
    private double benchmark(QualityBenchmark bench, ModelAdmin admin, String id) throws Exception {
        Double known = benchmarks.get(id);
        if (known != null) {
            return known;
        }
        ModelDescriptor d = admin.view().model(id).orElseThrow(() -> new IllegalStateException("no model " + id));
        try (MixNetSession session =
                MixNetSession.open(id, admin.bytes(d), SessionSettings.cpu(1).withDescriptors())) {
            QualityBenchmark.Report report = bench.run(session, "TEST", 0, x -> {});
            double distance = report.meanDistance()[0];
            plainSumDistance = report.meanDistance()[report.names().indexOf(QualityBenchmark.PLAIN_SUM)];
            benchmarks.put(id, distance);
            return distance;
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Follows the league's standings and evolution events (read_committed: what the job has committed). */
    private void readOutputs() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        String standingsTopic = conf.get(TournamentJobOptions.TOPIC_STANDINGS);
        String evolutionTopic = conf.get(TournamentJobOptions.TOPIC_EVOLUTION);
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : List.of(standingsTopic, evolutionTopic)) {
                c.partitionsFor(t, Duration.ofSeconds(30))
                        .forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    try {
                        follow(r, standingsTopic);
                    } catch (DecodeException e) {
                        throw new IllegalStateException(
                                "the tournament job wrote an undecodable record on " + r.topic() + ": "
                                        + e.getMessage(),
                                e);
                    }
                }
            }
        }
    }

    private void follow(ConsumerRecord<byte[], byte[]> r, String standingsTopic) throws DecodeException {
        if (r.topic().equals(standingsTopic)) {
            Standings st = Contract.STANDINGS.decode(r.value());
            if (st.getLeague().equals(s.league)) {
                standings.set(st);
            }
        } else {
            EvolutionEvent e = Contract.EVOLUTION.decode(r.value());
            if (e.getLeague().equals(s.league)) {
                events.add(e);
            }
        }
    }
}
