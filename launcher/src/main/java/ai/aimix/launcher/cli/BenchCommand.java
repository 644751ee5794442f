package ai.aimix.launcher.cli;

import ai.aimix.cache.CacheSettings;
import ai.aimix.cache.CacheStats;
import ai.aimix.cache.Caches;
import ai.aimix.cache.FeatureCache;
import ai.aimix.clients.cli.MixClient;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.mix.OfflineRenderer;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.dsp.spectral.StreamingLogMel;
import ai.aimix.gateway.arena.ArenaSettings;
import ai.aimix.jobs.cache.CacheOptions;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.launcher.bench.HeapSampler;
import ai.aimix.launcher.bench.ProcessCpu;
import ai.aimix.launcher.bench.SeededModel;
import ai.aimix.launcher.bench.ThreadCpu;
import ai.aimix.launcher.cli.analysis.AnalysisBench;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.quantize.QuantizationBench;
import ai.aimix.launcher.tournament.TournamentBench;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.ParameterOverride;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StageTimings;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.ModelSelections;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./aimix bench}: a generated song through the embedded stack, timed from the first chunk produced to the
 * last mixed chunk committed (seen by a read_committed consumer). Prints one JSON line.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Push a generated song (3 min, 8 stems, 44.1 kHz stereo by default) through the embedded "
                + "stack and print one JSON line: wall_s, per-stage times, realtime factor, batch sizes, peak heap.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "180", description = "Song length. Default ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--stems", defaultValue = "8", description = "Stems, 5 to 8. Default ${DEFAULT-VALUE}.")
    int stems;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "30",
            description =
                    "Length of a first, unmeasured song that warms the JIT and the sessions (0: none). Default ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(
            names = "--runs",
            defaultValue = "1",
            description = "Measured runs (one JSON line each). Default ${DEFAULT-VALUE}.")
    int runs;

    @Option(
            names = "--opinionated",
            description =
                    "Mix with a model that has opinions (a seeded random mixnet "
                            + "published to the run's model store) instead of the neutral champion, so every EQ and compressor works.")
    boolean opinionated;

    @Option(
            names = "--upload",
            defaultValue = "s16",
            description = "Sample format on the wire: s16 or f32. Default ${DEFAULT-VALUE}.")
    String upload;

    @Option(
            names = "--dsp",
            description = "Time only the DSP building blocks in this process, without Kafka or Flink: "
                    + "log-mel of every stem and the mix render, single-threaded, on the same generated song.")
    boolean dspOnly;

    @Option(
            names = "--analysis",
            description =
                    "Time the measurement code (analyze, mel, compare: loudness + true "
                            + "peak, librosa mel, MR-STFT, mix features, resampling, PEAQ) on a generated mix, without Kafka or Flink.")
    boolean analysis;

    @Option(
            names = "--quantization",
            description =
                    "Time the model at each precision (fp32, fp16, static int8 QDQ) "
                            + "on ONNX Runtime's CPU provider: file size, batch latency and deviation from fp32, one JSON line each.")
    boolean quantization;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "--quantization: an fp32 model file to time (default: the shipped champion).")
    Path quantizationModel;

    @Option(
            names = "--batch-rows",
            defaultValue = "32",
            description = "--quantization: stems (rows) per model batch. Default ${DEFAULT-VALUE}.")
    int batchRows;

    @Option(
            names = "--iterations",
            defaultValue = "300",
            description = "--quantization: timed batches per precision. Default ${DEFAULT-VALUE}.")
    int iterations;

    @Option(
            names = "--tournament",
            description =
                    "Time the tournament job: --votes votes, already in Kafka, through "
                            + "validation, rate limiting and the league ratings, exactly once, until the standings count them all.")
    boolean tournament;

    @Option(
            names = "--tournament-latency",
            description = "Standings refresh latency of the tournament job at 1,000 "
                    + "votes/s for 15 s (refresh every 200 ms, checkpoints every 250 ms).")
    boolean tournamentLatency;

    @Option(names = "--votes", defaultValue = "200000", description = "--tournament: votes. Default ${DEFAULT-VALUE}.")
    int tournamentVotes;

    @Option(
            names = "--api",
            description = "Time the HTTP API on the embedded stack: read latency under --clients concurrent clients, "
                    + "the song uploaded as parallel streams (first mixed audio and result on the WebSocket), and a "
                    + "mix followed by --subscribers WebSockets.")
    boolean api;

    @Option(
            names = "--clients",
            defaultValue = "100",
            description = "--api: concurrent clients. Default ${DEFAULT-VALUE}.")
    int clients;

    @Option(
            names = "--requests",
            defaultValue = "200",
            description = "--api: requests per client and endpoint. Default ${DEFAULT-VALUE}.")
    int requestsPerClient;

    @Option(
            names = "--read-interval-ms",
            defaultValue = "100",
            description = "--api: in the paced reads, each client sends a request this often (100 clients every 100 ms:"
                    + " 1,000 requests a second). Default ${DEFAULT-VALUE}.")
    int readIntervalMillis;

    @Option(
            names = "--subscribers",
            defaultValue = "500",
            description = "--api: WebSocket subscribers of one mix. Default ${DEFAULT-VALUE}.")
    int subscribers;

    @Option(
            names = "--arena",
            description = "Time the arena's API on the embedded stack: --clients listeners (each its own cookie and"
                    + " connection) fetch their next battle, listen as long as a vote needs, and vote, for"
                    + " --duration seconds after --warm-up; battles are mixed by the mix job meanwhile.")
    boolean arena;

    @Option(
            names = "--duration",
            defaultValue = "60",
            description = "--arena: seconds measured. Default ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(
            names = "--warm-up",
            defaultValue = "15",
            description = "--arena: seconds of load before the measurement. Default ${DEFAULT-VALUE}.")
    int warmUpSeconds;

    @Option(
            names = "--votes-per-battle",
            defaultValue = "" + ArenaSettings.DEFAULT_VOTES_PER_BATTLE,
            description = "--arena: a battle is offered until it has this many votes. Default ${DEFAULT-VALUE}.")
    int votesPerBattle;

    @Option(
            names = "--studio",
            description =
                    "Time the studio page in headless Chromium (Debian's chromium and chromium-driver): page weight"
                            + " and time to interactive, the song mixed through the page, then --changes moves of the vocal's"
                            + " gain, each re-rendered around the playhead (server time, and until the new audio plays) and"
                            + " then whole.")
    boolean studio;

    @Option(
            names = "--changes",
            defaultValue = "10",
            description = "--studio: parameter changes timed. Default ${DEFAULT-VALUE}.")
    int changes;

    @Option(
            names = "--remix",
            description = "After each run, mix the same song again with another preset (-16 LUFS, the second stem"
                    + " +2 dB) and as a battle of the champion against a second model: the feature cache's warm"
                    + " cases. Every first mix of a run starts with the cache flushed.")
    boolean remix;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        if (stems < SongGenerator.MIN_STEMS || stems > SongGenerator.MAX_STEMS) {
            System.err.println("aimix bench: error: --stems must be 5 to 8");
            return 2;
        }
        if (dspOnly) {
            return dsp();
        }
        if (api) {
            for (int i = 0; i < runs; i++) {
                System.out.println(new ObjectMapper()
                        .writeValueAsString(new ApiBench(
                                        common.config(Map.of("rest.port", String.valueOf(CommonOptions.freePort()))),
                                        seconds,
                                        stems,
                                        clients,
                                        requestsPerClient,
                                        subscribers,
                                        readIntervalMillis)
                                .run()));
            }
            return 0;
        }
        if (arena) {
            if (clients < 1 || durationSeconds < 1 || warmUpSeconds < 0 || votesPerBattle < 1) {
                System.err.println(
                        "aimix bench: error: --arena needs --clients, --duration and --votes-per-battle of at"
                                + " least 1 and a --warm-up of 0 or more");
                return 2;
            }
            for (int i = 0; i < runs; i++) {
                System.out.println(new ObjectMapper()
                        .writeValueAsString(new ArenaBench(
                                        common.config(Map.of("rest.port", String.valueOf(CommonOptions.freePort()))),
                                        clients,
                                        Duration.ofSeconds(durationSeconds),
                                        Duration.ofSeconds(warmUpSeconds),
                                        votesPerBattle)
                                .run()));
            }
            return 0;
        }
        if (studio) {
            for (int i = 0; i < runs; i++) {
                System.out.println(new ObjectMapper()
                        .writeValueAsString(new StudioBench(
                                        common.config(Map.of("rest.port", String.valueOf(CommonOptions.freePort()))),
                                        seconds,
                                        stems,
                                        changes)
                                .run()));
            }
            return 0;
        }
        if (tournamentLatency) {
            for (int i = 0; i < runs; i++) {
                System.out.println(new ObjectMapper()
                        .writeValueAsString(
                                new TournamentBench(common.config(Map.of()), 0, 500).latency(1000, 15, 200, 250)));
            }
            return 0;
        }
        if (tournament) {
            for (int i = 0; i < runs; i++) {
                System.out.println(new ObjectMapper()
                        .writeValueAsString(
                                new TournamentBench(common.config(Map.of()), tournamentVotes, 5_000).run()));
            }
            return 0;
        }
        if (quantization) {
            for (int i = 0; i < runs; i++) {
                List<Integer> threads = List.of(1, Runtime.getRuntime().availableProcessors());
                QuantizationBench bench = quantizationModel == null
                        ? new QuantizationBench(batchRows, iterations, threads)
                        : new QuantizationBench(
                                batchRows,
                                iterations,
                                threads,
                                quantizationModel.getFileName().toString(),
                                Files.readAllBytes(quantizationModel));
                for (ObjectNode n : bench.run()) {
                    System.out.println(new ObjectMapper().writeValueAsString(n));
                }
            }
            return 0;
        }
        if (analysis) {
            for (int i = 0; i < runs; i++) {
                System.out.println(new ObjectMapper().writeValueAsString(new AnalysisBench(seconds, 3).run()));
            }
            return 0;
        }
        SampleEncoding wire = "f32".equals(upload) ? SampleEncoding.PCM_F32LE : SampleEncoding.PCM_S16LE;
        int uiPort = CommonOptions.freePort();
        HeapSampler heap = new HeapSampler();
        heap.start();
        try (EmbeddedStack stack =
                EmbeddedStack.start(common.config(Map.of("rest.port", String.valueOf(uiPort))), null, 0)) {
            MixClient client = new MixClient(stack.bootstrapServers(), stack.topics());
            ModelSelection model = champion();
            String opponent = null;
            if (opinionated || remix) {
                opponent = "mixnet-bench-opinionated";
                SeededModel.publish(stack, opponent, 4242, "bench: seeded random");
                if (opinionated) {
                    model = ModelSelections.version(opponent);
                }
            }
            if (warmupSeconds > 0) {
                List<StemInput> warm = new SongGenerator(1, 44100).generate(warmupSeconds, stems);
                MixClient.Outcome w = client.run(
                        StemProducer.request("bench-warmup", warm, model),
                        warm,
                        StemProducer.DEFAULT_CHUNK_FRAMES,
                        wire,
                        Duration.ofMinutes(10),
                        null);
                System.err.printf("warm-up: %.0f s song in %.2f s%n", warmupSeconds, w.lastOutputSeconds);
            }
            CacheSettings cacheSettings = CacheOptions.settings(stack.config());
            FeatureCache cache = cacheSettings.enabled ? Caches.acquire(cacheSettings) : null;
            try {
                List<StemInput> song = new SongGenerator(7, 44100).generate(seconds, stems);
                for (int run = 0; run < runs; run++) {
                    if (cache != null) {
                        cache.flush(); // every run's first mix is of a song never seen
                    }
                    String id = "bench-" + run + "-" + System.currentTimeMillis();
                    if (!measure(
                            stack, client, heap, wire, cache, StemProducer.request(id, song, model), song, "cold")) {
                        return 1;
                    }
                    if (remix) {
                        MixRequest again = StemProducer.request(id + "-remix", song, model);
                        again.setTargetLufs(REMIX_TARGET_LUFS);
                        again.setOverrides(List.of(new ParameterOverride(1, MixParameter.GAIN_DB, REMIX_GAIN_DB)));
                        if (!measure(stack, client, heap, wire, cache, again, song, "remix")) {
                            return 1;
                        }
                        MixRequest battle =
                                StemProducer.request(id + "-battle", song, ModelSelections.battle(null, opponent));
                        if (!measure(stack, client, heap, wire, cache, battle, song, "battle")) {
                            return 1;
                        }
                    }
                }
            } finally {
                if (cache != null) {
                    Caches.release(cacheSettings);
                }
            }
        } finally {
            heap.stop();
        }
        return 0;
    }

    /** --remix: the re-mix's loudness target and its gain change on the second stem. */
    static final float REMIX_TARGET_LUFS = -16f;

    static final float REMIX_GAIN_DB = 2f;

    /** Thread groups named in a report's CPU breakdown (the rest summed). */
    static final int CPU_GROUPS_SHOWN = 14;

    /** Runs one mix and prints its report; false (with one line on stderr) when it failed. */
    private boolean measure(
            EmbeddedStack stack,
            MixClient client,
            HeapSampler heap,
            SampleEncoding wire,
            FeatureCache cache,
            MixRequest request,
            List<StemInput> song,
            String kind)
            throws Exception {
        System.gc();
        heap.reset();
        CacheStats before = cache == null ? null : cache.stats();
        ThreadCpu threads = ThreadCpu.snapshot();
        long cpu0 = ProcessCpu.nanos();
        MixClient.Outcome o =
                client.run(request, song, StemProducer.DEFAULT_CHUNK_FRAMES, wire, Duration.ofMinutes(30), null);
        long cpu = ProcessCpu.nanos() - cpu0;
        MixResult r = o.mix.result;
        if (r.getStatus() != MixStatus.COMPLETED) {
            System.err.println("aimix bench: error: the mix failed: " + r.getErrorCode() + ": " + r.getErrorMessage());
            return false;
        }
        for (VariantResult v : r.getVariants()) {
            List<String> problems = o.mix.streamProblems(v.getVariant());
            if (!problems.isEmpty()) {
                System.err.println("aimix bench: error: output stream broken: " + problems);
                return false;
            }
        }
        ObjectNode json = report(stack, o, r, heap, wire);
        json.put("kind", kind);
        json.put("variants", r.getVariants().size());
        json.put("process_cpu_s", round(cpu / 1e9));
        ObjectNode byThread = json.putObject("cpu_by_thread_s");
        threads.since(CPU_GROUPS_SHOWN).forEach(byThread::put);
        if (cache != null) {
            CacheStats after = cache.stats();
            json.put("cache_hits", after.hits() - before.hits());
            json.put("cache_misses", after.misses() - before.misses());
            json.put("cache_bytes", after.bytes());
        } else {
            json.put("cache", "off");
        }
        System.out.println(new ObjectMapper().writeValueAsString(json));
        return true;
    }

    private ObjectNode report(
            EmbeddedStack stack, MixClient.Outcome o, MixResult r, HeapSampler heap, SampleEncoding wire) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        double audioSeconds = (double) r.getFrames() / r.getSampleRate();
        double wall = o.lastOutputSeconds;
        n.put("wall_s", round(wall));
        n.put("audio_s", round(audioSeconds));
        n.put("realtime_factor", round(audioSeconds / wall));
        n.put("stems", stems);
        n.put("sample_rate", r.getSampleRate());
        n.put("upload", wire.name());
        n.put("megabytes_in", round(o.bytesSent / 1e6));
        n.put("produce_s", round(o.pushSeconds));
        n.put("first_output_s", round(o.firstOutputSeconds));
        n.put("result_s", round(o.resultSeconds));
        StageTimings t = r.getTimings();
        ObjectNode stages = n.putObject("stages_s");
        stages.put("alignment", round(t.getAlignMillis() / 1000));
        stages.put("mel", round(t.getMelMillis() / 1000));
        stages.put("inference", round(t.getInferenceMillis() / 1000));
        stages.put("assembly", round(t.getAssemblyMillis() / 1000));
        stages.put("kafka_produce", round(o.pushSeconds));
        double busy = (t.getAlignMillis() + t.getMelMillis() + t.getInferenceMillis() + t.getAssemblyMillis()) / 1000;
        stages.put("other", round(wall - busy));
        TreeMap<Integer, Integer> hist = new TreeMap<>();
        for (int b : t.getBatchSegments()) {
            hist.merge(b, 1, Integer::sum);
        }
        ObjectNode batches = n.putObject("batch_segments");
        hist.forEach((size, count) -> batches.put(String.valueOf(size), count));
        n.put("segments", r.getSegments());
        n.put("peak_heap_mb", Math.round(heap.peak() / 1e6));
        n.put(
                "checkpoint_interval_ms",
                stack.config().get(CheckpointingOptions.CHECKPOINTING_INTERVAL).toMillis());
        n.put("batch_limit", stack.config().get(MixJobOptions.BATCH_SEGMENTS));
        n.put("stem_threads", stack.config().get(MixJobOptions.STEM_THREADS));
        n.put("cores", Runtime.getRuntime().availableProcessors());
        n.put("java", System.getProperty("java.version"));
        n.put("date", Instant.now().toString());
        n.put("integrated_lufs", r.getVariants().get(0).getIntegratedLufs());
        n.put("model", r.getVariants().get(0).getModelVersion());
        return n;
    }

    /** Log-mel and render of the generated song, one thread, best of three: the DSP floor of the pipeline. */
    private int dsp() throws Exception {
        List<StemInput> song = new SongGenerator(7, 44100).generate(seconds, stems);
        int segment = MixJobOptions.SEGMENT_FRAMES.defaultValue();
        int frames = song.get(0).audio.frames();
        int segments = (frames + segment - 1) / segment;
        StemMel mel = new StemMel(44100, 2048, 512, 128);
        RenderSettings rs = MixJobOptions.assembly(new Configuration()).forRequest(44100, null, null);
        float[][] audio = new float[stems][];
        int[] channels = new int[stems];
        for (int i = 0; i < stems; i++) {
            audio[i] = song.get(i).audio.samples();
            channels[i] = 2;
        }
        float[][][] schedule = new float[segments][stems][];
        SplittableRandom r = new SplittableRandom(1);
        for (float[][] seg : schedule) {
            for (int i = 0; i < stems; i++) {
                seg[i] = new float[] {
                    (float) (-6 + 6 * r.nextDouble()),
                    (float) (r.nextDouble() - 0.5),
                    (float) (6 * r.nextDouble() - 3),
                    (float) (6 * r.nextDouble() - 3),
                    (float) (6 * r.nextDouble() - 3),
                    (float) (-30 + 10 * r.nextDouble()),
                    (float) (1 + 3 * r.nextDouble())
                };
            }
        }
        double bestMel = Double.MAX_VALUE;
        double bestRender = Double.MAX_VALUE;
        double bestDescribed = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            melPass(mel, audio, segment, frames, false);
            long t1 = System.nanoTime();
            OfflineRenderer.render(rs, audio, channels, frames, schedule);
            long t2 = System.nanoTime();
            // the log-mel again, with each segment's descriptors measured beside it (the mix job's work since mixnet-2)
            melPass(mel, audio, segment, frames, true);
            long t3 = System.nanoTime();
            bestMel = Math.min(bestMel, (t1 - t0) / 1e9);
            bestRender = Math.min(bestRender, (t2 - t1) / 1e9);
            bestDescribed = Math.min(bestDescribed, (t3 - t2) / 1e9);
        }
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("mode", "dsp");
        n.put("audio_s", seconds);
        n.put("stems", stems);
        n.put("mel_s", round(bestMel));
        n.put("mel_with_descriptors_s", round(bestDescribed));
        n.put("render_s", round(bestRender));
        n.put("threads", 1);
        n.put("java", System.getProperty("java.version"));
        n.put("date", Instant.now().toString());
        System.out.println(new ObjectMapper().writeValueAsString(n));
        return 0;
    }

    /** Every stem's log-mel, segment by segment as the job computes it, with its descriptors when asked. */
    private static void melPass(StemMel mel, float[][] audio, int segment, int frames, boolean describe) {
        int segments = (frames + segment - 1) / segment;
        float[] described = new float[StemDescriptors.COUNT];
        for (float[] stem : audio) {
            StreamingLogMel stream = mel.restore(mel.initialState());
            StemDescriptors d = describe ? new StemDescriptors(44100, 2, mel.nFft()) : null;
            stream.tap(d == null ? null : d.powerTap());
            for (int k = 0; k < segments; k++) {
                int n = Math.min(segment, frames - k * segment);
                float[] part = Arrays.copyOfRange(stem, 2 * k * segment, 2 * (k * segment + n));
                boolean last = k == segments - 1;
                int t = stream.framesFor(n, last);
                StemMel.compute(stream, part, 2, n, last, new float[mel.bands() * t], t);
                if (d != null) {
                    d.segment(part, 0, n, described, 0);
                }
            }
        }
    }

    private static ModelSelection champion() {
        return ModelSelections.champion();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
