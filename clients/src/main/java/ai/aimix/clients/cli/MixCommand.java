package ai.aimix.clients.cli;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.audio.WavWriter;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.ContractLimits;
import ai.aimix.schema.codec.ModelSelections;
import ai.aimix.schema.codec.Pcm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aimix mix --stems DIR --out FILE.wav}: mixes a folder of WAV stems through a running service. */
@Command(
        name = "mix",
        mixinStandardHelpOptions = true,
        description = "Mix a folder of WAV stems (file name = stem name and role, e.g. vocals.wav, guitar-2.wav) "
                + "through a running './aimix serve' or the Kafka given by --bootstrap.")
public final class MixCommand implements Callable<Integer> {
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_MIX_FAILED = 1;
    public static final int EXIT_UNREACHABLE = 3;
    /** The mix came back but its file could not be written. */
    public static final int EXIT_FAILED_WRITE = 1;

    @Option(names = "--stems", required = true, description = "Folder of .wav stems (mono or stereo, one rate).")
    Path stems;

    @Option(
            names = "--out",
            required = true,
            description = "Mixed WAV to write (a battle writes NAME-A.wav and NAME-B.wav).")
    Path out;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the running ./aimix serve).")
    String bootstrap;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties for a secured Kafka "
                    + "(security.protocol, sasl.*, ssl.*), as Kafka's own tools take them.")
    Path kafkaConfig;

    @Option(names = "--model", description = "Model version to use (default: the champion).")
    String model;

    @Option(
            names = "--battle",
            description = "Also mix with this model version: variants A (champion or --model) and B.")
    String battle;

    @Option(names = "--target-lufs", description = "Master loudness target (default: the service's, -14).")
    Float targetLufs;

    @Option(names = "--ceiling-dbfs", description = "Master limiter ceiling (default: the service's, -1).")
    Float ceilingDbfs;

    @Option(
            names = "--bits",
            defaultValue = "24",
            description = "Output WAV format: 16, 24 or 32 (float). Default ${DEFAULT-VALUE}.")
    int bits;

    @Option(
            names = "--upload",
            defaultValue = "s16",
            description = "Sample format on the wire: s16 or f32. Default ${DEFAULT-VALUE}.")
    String upload;

    @Option(names = "--report", description = "Also write the JSON report here.")
    Path report;

    @Option(
            names = "--timeout",
            defaultValue = "600",
            description = "Seconds to wait for the result. Default ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Option(names = "--mix-id", description = "Mix id to use (default: random).")
    String mixId;

    @Option(
            names = "--max-seconds",
            description = "Longest stem accepted, checked from the files' headers before "
                    + "anything is sent. Default: the service's limit, ${DEFAULT-VALUE} s.",
            defaultValue = "" + ContractLimits.DEFAULT_MAX_TRACK_SECONDS)
    double maxSeconds;

    @Override
    public Integer call() {
        Wav.Encoding outEncoding;
        SampleEncoding wire;
        try {
            outEncoding = encoding(bits);
            wire = wire(upload);
        } catch (StemFolder.BadInputException e) {
            return fail(EXIT_BAD_INPUT, e.getMessage());
        }
        List<StemInput> inputs;
        try {
            inputs = StemFolder.read(stems, StemFolder.MAX_STEMS, maxSeconds);
        } catch (StemFolder.BadInputException e) {
            return fail(EXIT_BAD_INPUT, e.getMessage());
        }
        ModelSelection selection = battle != null
                ? ModelSelections.battle(model, battle)
                : model != null ? ModelSelections.version(model) : ModelSelections.champion();
        String id = mixId != null ? mixId : "mix-" + UUID.randomUUID();
        MixRequest request;
        try {
            request = MixRequest.newBuilder(StemProducer.request(id, inputs, selection))
                    .setTargetLufs(targetLufs)
                    .setCeilingDbfs(ceilingDbfs)
                    .build();
        } catch (IllegalArgumentException e) {
            return fail(EXIT_BAD_INPUT, e.getMessage()); // an id or stem name the service would refuse
        }
        String servers = bootstrap;
        if (servers == null) {
            ServeInfo serve = ServeInfo.find();
            if (serve == null) {
                return fail(
                        EXIT_UNREACHABLE,
                        "no running './aimix serve' found (" + ServeInfo.file() + "); start one or pass --bootstrap");
            }
            servers = serve.bootstrap;
        }
        KafkaConnection kafka;
        try {
            kafka = new KafkaConnection(
                    servers, kafkaConfig == null ? Map.of() : KafkaConnection.readFile(kafkaConfig));
        } catch (IOException | IllegalArgumentException e) {
            return fail(EXIT_BAD_INPUT, "--kafka-config: " + e.getMessage());
        }
        System.err.printf(
                "Mixing %d stems (%.1f s at %d Hz) as %s via %s%n",
                inputs.size(),
                inputs.stream().mapToDouble(StemInput::seconds).max().orElse(0),
                inputs.get(0).sampleRate(),
                id,
                servers);
        MixClient.Outcome outcome;
        // the mix is written to its file(s) as it arrives: a long one is never held in memory
        OutputFiles files = new OutputFiles(out, battle != null, request.getSampleRate(), outEncoding);
        try {
            outcome = new MixClient(kafka, Topics.defaults())
                    .run(
                            request,
                            inputs,
                            StemProducer.DEFAULT_CHUNK_FRAMES,
                            wire,
                            Duration.ofSeconds(timeoutSeconds),
                            ProgressBar.onStderr("mixing"),
                            files::write);
        } catch (TimeoutException e) {
            files.discard();
            return fail(EXIT_UNREACHABLE, e.getMessage());
        } catch (IOException e) {
            files.discard();
            boolean input = e.getMessage() != null
                    && inputs.stream().anyMatch(in -> e.getMessage().contains(in.name));
            return fail(input ? EXIT_BAD_INPUT : EXIT_FAILED_WRITE, rootMessage(e));
        } catch (Exception e) {
            files.discard();
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                return fail(EXIT_BAD_INPUT, rootMessage(cause)); // a stem could not be read as it was sent
            }
            return fail(EXIT_UNREACHABLE, rootMessage(e));
        }
        if (outcome.mix.result.getStatus() != MixStatus.COMPLETED) {
            files.discard();
            return fail(
                    EXIT_MIX_FAILED,
                    "mix failed: " + outcome.mix.result.getErrorCode() + ": " + outcome.mix.result.getErrorMessage());
        }
        try {
            for (VariantResult v : outcome.mix.result.getVariants()) {
                List<String> problems = outcome.mix.streamProblems(v.getVariant());
                if (!problems.isEmpty()) {
                    files.discard();
                    return fail(
                            EXIT_MIX_FAILED,
                            "the mixed audio of " + v.getVariant() + " arrived damaged: " + problems.get(0));
                }
            }
            Map<String, String> written = files.finish();
            if (report != null) {
                MixReport.write(report, MixReport.build(outcome.mix.result, outcome.mix.errors, outcome, written));
                written.put("report", report.toString());
            }
            for (VariantResult v : outcome.mix.result.getVariants()) {
                System.err.printf(
                        "%s %s: model %s, %.1f LUFS, true peak %.1f dBTP%n",
                        written.get(v.getVariant().name()),
                        v.getVariant(),
                        v.getModelVersion(),
                        nz(v.getIntegratedLufs()),
                        nz(v.getTruePeakDbtp()));
            }
        } catch (Exception e) {
            files.discard();
            return fail(EXIT_FAILED_WRITE, "cannot write " + out + ": " + rootMessage(e));
        }
        return 0;
    }

    /**
     * The output file of each variant (NAME.wav, or NAME-A.wav and NAME-B.wav for a battle), written as the chunks
     * arrive in order; removed when the mix does not complete.
     */
    static final class OutputFiles {
        private final Path out;
        private final boolean battle;
        private final int sampleRate;
        private final Wav.Encoding encoding;
        private final Map<Variant, WavWriter> writers = new EnumMap<>(Variant.class);

        OutputFiles(Path out, boolean battle, int sampleRate, Wav.Encoding encoding) {
            this.out = out;
            this.battle = battle;
            this.sampleRate = sampleRate;
            this.encoding = encoding;
        }

        Path fileOf(Variant v) {
            if (!battle) {
                return out;
            }
            String name = out.getFileName().toString().replaceFirst("(?i)\\.wav$", "");
            return out.resolveSibling(name + "-" + v.name() + ".wav");
        }

        synchronized void write(MixOutputChunk c) throws IOException {
            WavWriter w = writers.get(c.getVariant());
            if (w == null) {
                w = WavWriter.create(fileOf(c.getVariant()), sampleRate, 2, encoding);
                writers.put(c.getVariant(), w);
            }
            float[] samples = Pcm.decode(c.getData(), c.getEncoding());
            w.write(samples, 0, samples.length);
        }

        /** Closes every file; returns variant name to file. */
        synchronized Map<String, String> finish() throws IOException {
            Map<String, String> files = new LinkedHashMap<>();
            for (Map.Entry<Variant, WavWriter> e : writers.entrySet()) {
                e.getValue().close();
                files.put(e.getKey().name(), e.getValue().file().toString());
            }
            return files;
        }

        /** Removes whatever was written. */
        synchronized void discard() {
            for (WavWriter w : writers.values()) {
                try {
                    w.close();
                    Files.deleteIfExists(w.file());
                } catch (IOException e) {
                    // best effort: a partial file left behind is named in no result
                }
            }
            writers.clear();
        }
    }

    static Wav.Encoding encoding(int bits) throws StemFolder.BadInputException {
        switch (bits) {
            case 16:
                return Wav.Encoding.PCM_16;
            case 24:
                return Wav.Encoding.PCM_24;
            case 32:
                return Wav.Encoding.FLOAT_32;
            default:
                throw new StemFolder.BadInputException("--bits must be 16, 24 or 32, not " + bits);
        }
    }

    static SampleEncoding wire(String name) throws StemFolder.BadInputException {
        switch (name) {
            case "s16":
                return SampleEncoding.PCM_S16LE;
            case "f32":
                return SampleEncoding.PCM_F32LE;
            default:
                throw new StemFolder.BadInputException("--upload must be s16 or f32, not " + name);
        }
    }

    private static double nz(Double v) {
        return v == null ? Double.NEGATIVE_INFINITY : v;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replace('\n', ' ');
    }

    static int fail(int code, String message) {
        System.err.println("aimix mix: error: " + message);
        return code;
    }
}
