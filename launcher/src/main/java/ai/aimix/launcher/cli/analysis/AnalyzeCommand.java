package ai.aimix.launcher.cli.analysis;

import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./aimix analyze FILE.wav [--json]}: BS.1770-4 / EBU R 128 loudness and peaks of a WAV file. */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        description = "Measure a WAV file (16/24/32-bit PCM or float, mono to 5.1, any rate) per ITU-R BS.1770-4 and "
                + "EBU R 128: integrated loudness, loudness range (EBU Tech 3342), maximum momentary and short-term "
                + "loudness, sample peak and true peak (4x oversampled).")
public final class AnalyzeCommand implements Callable<Integer> {
    static final int EXIT_BAD_INPUT = 2;

    @Parameters(index = "0", paramLabel = "FILE.wav", description = "The WAV file to measure.")
    Path file;

    @Option(names = "--json", description = "Print JSON (null for values that do not exist, with a note saying why).")
    boolean json;

    @Option(
            names = "--dual-mono",
            description =
                    "Count a mono file's channel twice (+3.01 dB), the convention for "
                            + "mono played over two loudspeakers. Default: one channel of weight 1, as ffmpeg and libebur128 do.")
    boolean dualMono;

    /** Longest file taken by default: what the default heap was measured to handle (docs/MEASUREMENT.md). */
    static final int DEFAULT_MAX_SECONDS = 3600;

    @Option(
            names = "--max-seconds",
            defaultValue = "" + DEFAULT_MAX_SECONDS,
            description = "Longest file taken, checked from its header before anything is read. Default "
                    + "${DEFAULT-VALUE} s (one hour, what the default heap handles); longer files need more heap "
                    + "(AIMIX_JAVA_OPTS=-Xmx...).")
    double maxSeconds;

    @Override
    public Integer call() {
        AudioFile in;
        try {
            in = AudioFile.read(file, 6, maxSeconds);
            if (dualMono && in.audio.channels() != 1) {
                throw new AudioFile.BadInput(
                        "--dual-mono applies to mono files; " + file + " has " + in.audio.channels() + " channels");
            }
        } catch (AudioFile.BadInput e) {
            System.err.println("aimix analyze: error: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        ChannelWeights weights = dualMono
                ? ChannelWeights.dualMono()
                : ChannelWeights.fromWaveMask(in.audio.channelMask(), in.audio.channels());
        LoudnessAnalysis a =
                LoudnessAnalysis.ofInterleaved(in.audio.samples(), in.audio.channels(), in.audio.sampleRate(), weights);
        List<String> notes = notes(a);
        if (json) {
            System.out.println(Json.write(toJson(file, in, a, notes)));
        } else {
            System.out.printf(
                    "%s: %d Hz, %d channel%s (%s), %.2f s%n",
                    file,
                    in.audio.sampleRate(),
                    in.audio.channels(),
                    in.audio.channels() == 1 ? "" : "s",
                    weights.description(),
                    a.seconds);
            System.out.printf("  integrated  %8s LUFS%n", Json.human(a.integratedLufs, 1));
            System.out.printf("  range       %8s LU%n", Json.human(a.loudnessRangeLu, 1));
            System.out.printf("  momentary   %8s LUFS max%n", Json.human(a.momentaryMaxLufs, 1));
            System.out.printf("  short-term  %8s LUFS max%n", Json.human(a.shortTermMaxLufs, 1));
            System.out.printf("  true peak   %8s dBTP%n", Json.human(a.truePeakDbtp, 1));
            System.out.printf("  sample peak %8s dBFS%n", Json.human(a.samplePeakDbfs, 1));
            for (String n : notes) {
                System.out.println("  note: " + n);
            }
        }
        return 0;
    }

    static ObjectNode toJson(Path file, AudioFile in, LoudnessAnalysis a, List<String> notes) {
        ObjectNode o = Json.object();
        o.put("file", file.toString());
        o.put("sample_rate", in.audio.sampleRate());
        o.put("channels", in.audio.channels());
        o.put("layout", a.weights.description());
        ArrayNode w = o.putArray("channel_weights");
        for (double v : a.weights.toArray()) {
            w.add(v);
        }
        Json.put(o, "seconds", a.seconds, 3);
        Json.put(o, "integrated_lufs", a.integratedLufs, 2);
        Json.put(o, "lra_lu", a.loudnessRangeLu, 2);
        Json.put(o, "true_peak_dbtp", a.truePeakDbtp, 2);
        Json.put(o, "sample_peak_dbfs", a.samplePeakDbfs, 2);
        Json.put(o, "momentary_max_lufs", a.momentaryMaxLufs, 2);
        Json.put(o, "short_term_max_lufs", a.shortTermMaxLufs, 2);
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        return o;
    }

    /** Why each missing value is missing. */
    static List<String> notes(LoudnessAnalysis a) {
        List<String> notes = new ArrayList<>();
        if (Double.isNaN(a.integratedLufs)) {
            notes.add("integrated_lufs is null: shorter than one 400 ms gating block");
        } else if (Double.isInfinite(a.integratedLufs)) {
            notes.add("integrated_lufs is null (-Infinity): no 400 ms block is above the -70 LUFS absolute gate "
                    + "(silence)");
        }
        if (Double.isNaN(a.loudnessRangeLu)) {
            notes.add(
                    a.seconds < 3
                            ? "lra_lu is null: shorter than one 3 s short-term window"
                            : "lra_lu is null: no 3 s short-term window is above the gates (silence)");
        }
        if (Double.isNaN(a.momentaryMaxLufs)) {
            notes.add("momentary_max_lufs is null: shorter than one 400 ms window");
        } else if (Double.isInfinite(a.momentaryMaxLufs)) {
            notes.add("momentary_max_lufs is null (-Infinity): digital silence");
        }
        if (Double.isNaN(a.shortTermMaxLufs)) {
            notes.add("short_term_max_lufs is null: shorter than one 3 s window");
        } else if (Double.isInfinite(a.shortTermMaxLufs)) {
            notes.add("short_term_max_lufs is null (-Infinity): digital silence");
        }
        if (Double.isInfinite(a.samplePeakDbfs)) {
            notes.add("sample_peak_dbfs and true_peak_dbtp are null (-Infinity): every sample is zero");
        }
        return notes;
    }
}
