package ai.aimix.launcher.cli;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.cli.MixClient;
import ai.aimix.clients.cli.MixReport;
import ai.aimix.clients.cli.ProgressBar;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.keys.ApiKey;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.keys.KeyRing;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemResult;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.ModelSelections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./aimix demo}: the whole service in one process, one generated song through it. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start an in-process Kafka and a local Flink (web UI on http://127.0.0.1:8081), generate a "
                + "multitrack song, push it through Kafka, wait for the mix and write stems, mix.wav and report.json.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", description = "Output folder (default: ./aimix-out/demo-<time>).")
    Path out;

    @Option(names = "--seconds", defaultValue = "30", description = "Song length. Default ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--stems", defaultValue = "5", description = "Stems, 5 to 8. Default ${DEFAULT-VALUE}.")
    int stems;

    @Option(names = "--seed", defaultValue = "42", description = "Song seed. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--ui-port", defaultValue = "8081", description = "Flink web UI port. Default ${DEFAULT-VALUE}.")
    int uiPort;

    @Option(
            names = "--keep-running",
            description = "Keep the stack and its web UI up after the mix, until Ctrl-C, with the studio (the HTTP API"
                    + " and its page) open on the demo song, mixed through it.")
    boolean keepRunning;

    @Option(
            names = "--api-port",
            defaultValue = "" + GatewaySettings.DEFAULT_PORT,
            description =
                    "With --keep-running: the studio's (HTTP API's) port, on 127.0.0.1. Default ${DEFAULT-VALUE}.")
    int apiPort;

    @Mixin
    CommonOptions common;

    /** The demo's one variant. */
    private static Variant v0(MixClient.Outcome o) {
        return o.mix.result.getVariants().get(0).getVariant();
    }

    /** How long the studio's copy of the demo song may take to mix. */
    static final Duration STUDIO_MIX_TIMEOUT = Duration.ofMinutes(10);

    /**
     * The gateway started on the stack, a key of this run, the song mixed again through the HTTP API so that it is in
     * the studio, and the studio's address printed; then until Ctrl-C.
     */
    private void keepRunning(EmbeddedStack stack, List<StemInput> song) throws Exception {
        KeySeal seal = KeySeal.load(KeysCommand.secretFile(), true);
        try (Gateway gateway = Gateway.start(
                GatewaySettings.defaults(KafkaOptions.connection(stack.config()), seal)
                        .withPort(apiPort)
                        .withTopics(stack.topics()),
                Clock.systemUTC())) {
            ApiKey.Issued key =
                    ApiKey.issue("demo " + Instant.now(), KeyLimits.defaults(), System.currentTimeMillis(), seal);
            KeyRing.publish(
                    KafkaOptions.connection(stack.config()), GatewaySettings.DEFAULT_KEYS_TOPIC, key.key(), seal);
            if (!gateway.awaitKey(key.key().id(), ServeCommand.KEY_WAIT)) {
                throw new IllegalStateException("the gateway did not see the demo's key");
            }
            System.out.println("Mixing the song again through the HTTP API, for the studio...");
            String id = StudioMix.mix(gateway.port(), key.token(), song, STUDIO_MIX_TIMEOUT);
            System.out.println("The stack keeps running; Ctrl-C stops it.");
            System.out.println(
                    "  Studio (the demo song mixed in it): " + StudioMix.address(gateway.url(), key.token(), id));
            System.out.println("  Flink web UI: " + stack.uiUrl() + "  API: " + gateway.url());
            Thread.currentThread().join();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (stems < SongGenerator.MIN_STEMS || stems > SongGenerator.MAX_STEMS) {
            System.err.println("aimix demo: error: --stems must be 5 to 8");
            return 2;
        }
        if (seconds <= 0 || seconds > 600) {
            System.err.println("aimix demo: error: --seconds must be in (0, 600]");
            return 2;
        }
        if (keepRunning && !CommonOptions.portFree(apiPort)) {
            System.err.println("aimix demo: error: port " + apiPort + " is in use; pass --api-port");
            return 2;
        }
        if (!CommonOptions.portFree(uiPort)) {
            System.err.println("aimix demo: error: port " + uiPort + " is in use (another Flink or ./aimix serve?); "
                    + "stop it or pass --ui-port");
            return 2;
        }
        Path dir = out != null
                ? out
                : Path.of(
                        "aimix-out",
                        "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir.resolve("stems"));
        System.out.println("AI Mixer demo: starting an in-process Kafka and a local Flink cluster...");
        long t0 = System.nanoTime();
        try (EmbeddedStack stack =
                EmbeddedStack.start(common.config(Map.of("rest.port", String.valueOf(uiPort))), null, 0)) {
            System.out.printf(
                    "  ready in %.1f s. Flink web UI: %s  Kafka: %s%n",
                    (System.nanoTime() - t0) / 1e9, stack.uiUrl(), stack.bootstrapServers());

            List<StemInput> song = new SongGenerator(seed, 44100).generate(seconds, stems);
            for (StemInput s : song) {
                Wav.write(dir.resolve("stems").resolve(s.name + ".wav"), s.audio, Wav.Encoding.PCM_24);
            }
            System.out.printf(
                    "Generated a %.0f s song with %d stems (%s) in %s%n",
                    seconds,
                    song.size(),
                    String.join(", ", song.stream().map(s -> s.name).toArray(String[]::new)),
                    dir.resolve("stems"));

            String mixId = "demo-" + System.currentTimeMillis();
            MixRequest request = StemProducer.request(mixId, song, ModelSelections.champion());
            MixClient.Outcome outcome = new MixClient(stack.bootstrapServers(), stack.topics())
                    .run(
                            request,
                            song,
                            StemProducer.DEFAULT_CHUNK_FRAMES,
                            SampleEncoding.PCM_S16LE,
                            Duration.ofMinutes(10),
                            ProgressBar.onStderr("mixing"));
            if (outcome.mix.result.getStatus() != MixStatus.COMPLETED) {
                System.err.println("aimix demo: error: the mix failed: " + outcome.mix.result.getErrorCode() + ": "
                        + outcome.mix.result.getErrorMessage());
                return 1;
            }
            Map<String, String> files = new LinkedHashMap<>();
            Wav.write(
                    dir.resolve("mix.wav"),
                    new Audio(outcome.mix.result.getSampleRate(), 2, outcome.mix.audio(v0(outcome))),
                    Wav.Encoding.PCM_24);
            files.put(v0(outcome).name(), dir.resolve("mix.wav").toString());
            files.put("stems", dir.resolve("stems").toString());
            Path report = dir.resolve("report.json");
            files.put("report", report.toString());
            MixReport.write(report, MixReport.build(outcome.mix.result, outcome.mix.errors, outcome, files));

            VariantResult v = outcome.mix.result.getVariants().get(0);
            System.out.printf(
                    "Mixed with model %s (%s): %.1f LUFS integrated, loudness range %.1f LU, true peak "
                            + "%.1f dBTP%n",
                    v.getModelVersion(),
                    v.getInferenceProvider(),
                    v.getIntegratedLufs(),
                    v.getLoudnessRangeLu(),
                    v.getTruePeakDbtp());
            for (StemResult s : v.getStems()) {
                System.out.printf(
                        "  %-12s %-14s gain %+5.1f dB  pan %+4.2f  EQ %+4.1f/%+4.1f/%+4.1f dB  comp %4.1f dB %3.1f:1%n",
                        s.getName(),
                        s.getRole(),
                        s.getMean().getGainDb(),
                        s.getMean().getPan(),
                        s.getMean().getLowShelfDb(),
                        s.getMean().getMidPeakDb(),
                        s.getMean().getHighShelfDb(),
                        s.getMean().getCompThresholdDb(),
                        s.getMean().getCompRatio());
            }
            System.out.printf(
                    "Timings: pushed in %.2f s, first mixed audio after %.2f s, result after %.2f s%n",
                    outcome.pushSeconds, outcome.firstOutputSeconds, outcome.resultSeconds);
            System.out.println("Output: " + dir.toAbsolutePath());
            System.out.println("  mix.wav, report.json, stems/");
            if (keepRunning) {
                keepRunning(stack, song);
            }
        }
        return 0;
    }
}
