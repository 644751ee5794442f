package ai.aimix.launcher.cli.analysis;

import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.dsp.metrics.MixFeatures;
import ai.aimix.dsp.metrics.MultiResolutionStft;
import ai.aimix.dsp.metrics.peaq.PeaqResult;
import ai.aimix.dsp.metrics.pesq.PesqMode;
import ai.aimix.dsp.metrics.pesq.PesqResult;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./aimix compare REFERENCE.wav CANDIDATE.wav [--json]}: how far a mix is from a reference mix. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Compare a candidate mix with a reference mix (mono or stereo WAV): loudness of both, "
                + "multi-resolution STFT distance on mid and side after loudness matching, mix features (MAPE of "
                + "running means), and PEAQ basic (ODG, distortion index, MOVs) at 48 kHz. A candidate at another "
                + "rate is resampled to the reference's; different lengths are compared over the shorter; "
                + "different channel counts are refused. With --pesq, also PESQ for speech: ITU-T P.862 with the "
                + "P.862.1 mapping (nb) or P.862.2 (wb).")
public final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REFERENCE.wav", description = "The reference mix.")
    Path reference;

    @Parameters(index = "1", paramLabel = "CANDIDATE.wav", description = "The mix to grade.")
    Path candidate;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--no-peaq", description = "Skip PEAQ (the slowest part).")
    boolean noPeaq;

    @Option(
            names = "--pesq",
            arity = "0..1",
            fallbackValue = "auto",
            paramLabel = "nb|wb",
            description = "Also score speech quality with PESQ: nb is ITU-T P.862 mapped by P.862.1, wb is P.862.2 "
                    + "(the default when the reference is sampled at 16 kHz or more, nb below). PESQ takes mono "
                    + "speech at 8 or 16 kHz: stereo is averaged, other rates are resampled (each said in a note).")
    String pesq;

    /** Longest file taken by default: what the default heap was measured to handle (docs/MEASUREMENT.md). */
    static final int DEFAULT_MAX_SECONDS = 600;

    @Option(
            names = "--max-seconds",
            defaultValue = "" + DEFAULT_MAX_SECONDS,
            description = "Longest file taken, checked from its header before anything is read. Default "
                    + "${DEFAULT-VALUE} s (10 minutes, what the default heap handles); longer files need more heap "
                    + "(AIMIX_JAVA_OPTS=-Xmx...).")
    double maxSeconds;

    @Override
    public Integer call() {
        AudioFile ref;
        AudioFile cand;
        MixComparison m;
        SpeechQuality.Measured speech = null;
        try {
            PesqMode pesqMode = pesqMode();
            ref = AudioFile.read(reference, 2, maxSeconds);
            cand = AudioFile.read(candidate, 2, maxSeconds);
            if (ref.audio.channels() != cand.audio.channels()) {
                throw new AudioFile.BadInput("channel counts differ: " + reference + " has " + ref.audio.channels()
                        + ", " + candidate + " has " + cand.audio.channels() + "; compare mixes of the same layout");
            }
            m = MixComparison.compare(
                    ref.planar(), ref.audio.sampleRate(), cand.planar(), cand.audio.sampleRate(), !noPeaq);
            if (pesq != null) {
                speech = SpeechQuality.measure(
                        ref.planar(), ref.audio.sampleRate(), cand.planar(), cand.audio.sampleRate(), pesqMode);
            }
        } catch (AudioFile.BadInput | IllegalArgumentException e) {
            System.err.println("aimix compare: error: " + e.getMessage());
            return AnalyzeCommand.EXIT_BAD_INPUT;
        }
        if (json) {
            System.out.println(Json.write(toJson(m, speech)));
        } else {
            print(m, speech);
        }
        return 0;
    }

    /** The mode --pesq asked for: null for the default (or when PESQ was not asked). */
    private PesqMode pesqMode() {
        if (pesq == null || pesq.equals("auto")) {
            return null;
        }
        return switch (pesq) {
            case "nb" -> PesqMode.NARROWBAND;
            case "wb" -> PesqMode.WIDEBAND;
            default -> throw new IllegalArgumentException("--pesq takes nb or wb, got '" + pesq + "'");
        };
    }

    ObjectNode toJson(MixComparison m, SpeechQuality.Measured speech) {
        ObjectNode o = Json.object();
        o.set("reference", loudness(reference, m.reference));
        o.set("candidate", loudness(candidate, m.candidate));
        o.put("sample_rate", m.sampleRate);
        o.put("channels", m.channels);
        Json.put(o, "compared_seconds", m.seconds, 3);
        Json.put(o, "loudness_match_gain_db", m.matchGainDb, 3);
        ObjectNode mr = o.putObject("mr_stft");
        Json.put(mr, "distance", m.mrStft.distance, 5);
        Json.put(mr, m.channels == 2 ? "mid" : "mono", m.mrStft.mid, 5);
        if (m.channels == 2) {
            Json.put(mr, "side", m.mrStft.side, 5);
        }
        ArrayNode res = mr.putArray("resolutions");
        for (MultiResolutionStft.Term t : m.mrStft.terms) {
            ObjectNode r = res.addObject();
            r.put("signal", t.signal);
            r.put("fft_size", t.fftSize);
            Json.put(r, "spectral_convergence", t.spectralConvergence, 5);
            Json.put(r, "log_magnitude", t.logMagnitude, 5);
        }
        ObjectNode features = o.putObject("features");
        for (MixFeatures.Feature f : m.features) {
            ObjectNode group = features.has(f.group) ? (ObjectNode) features.get(f.group) : features.putObject(f.group);
            ObjectNode one = group.putObject(f.name);
            Json.put(one, "reference", f.reference, 4);
            Json.put(one, "candidate", f.candidate, 4);
            Json.put(one, "mape", f.mape, 5);
        }
        ObjectNode means = features.putObject("mean_mape");
        for (String g : new String[] {"loudness", "spectral", "panning", "dynamic"}) {
            Json.put(means, g, MixFeatures.meanMape(m.features, g), 5);
        }
        Json.put(means, "all", MixFeatures.meanMape(m.features, null), 5);
        if (m.peaq != null) {
            ObjectNode p = o.putObject("peaq");
            p.put("version", "basic");
            Json.put(p, "odg", m.peaq.odg(), 3);
            Json.put(p, "distortion_index", m.peaq.distortionIndex(), 3);
            p.put("frames", m.peaq.frames());
            ObjectNode movs = p.putObject("movs");
            for (Map.Entry<String, Double> e : m.peaq.movs().entrySet()) {
                Json.put(movs, e.getKey(), e.getValue(), 5);
            }
        } else {
            o.putNull("peaq");
        }
        if (speech != null) {
            PesqResult r = speech.result();
            ObjectNode p = o.putObject("pesq");
            p.put("mode", r.mode().shortName());
            p.put("recommendation", r.mode() == PesqMode.WIDEBAND ? "P.862.2" : "P.862 + P.862.1");
            p.put("sample_rate", r.sampleRate());
            Json.put(p, "mos_lqo", r.mosLqo(), 3);
            if (r.mode() == PesqMode.NARROWBAND) {
                Json.put(p, "raw", r.raw(), 3);
            }
            ArrayNode utterances = p.putArray("utterances");
            for (PesqResult.Utterance u : r.utterances()) {
                ObjectNode one = utterances.addObject();
                Json.put(one, "start_seconds", u.startSeconds(), 3);
                Json.put(one, "end_seconds", u.endSeconds(), 3);
                Json.put(one, "delay_ms", u.delayMs(), 3);
            }
        } else {
            o.putNull("pesq");
        }
        ArrayNode notes = o.putArray("notes");
        m.notes.forEach(notes::add);
        if (speech != null) {
            speech.notes().forEach(notes::add);
        }
        return o;
    }

    private static ObjectNode loudness(Path file, LoudnessAnalysis a) {
        ObjectNode o = Json.object();
        o.put("file", file.toString());
        Json.put(o, "integrated_lufs", a.integratedLufs, 2);
        Json.put(o, "lra_lu", a.loudnessRangeLu, 2);
        Json.put(o, "true_peak_dbtp", a.truePeakDbtp, 2);
        Json.put(o, "sample_peak_dbfs", a.samplePeakDbfs, 2);
        Json.put(o, "momentary_max_lufs", a.momentaryMaxLufs, 2);
        Json.put(o, "short_term_max_lufs", a.shortTermMaxLufs, 2);
        return o;
    }

    private void print(MixComparison m, SpeechQuality.Measured speech) {
        System.out.printf(
                "%s vs %s: %.2f s compared at %d Hz, %d channel%s%n",
                candidate, reference, m.seconds, m.sampleRate, m.channels, m.channels == 1 ? "" : "s");
        System.out.printf(
                "  loudness   reference %s LUFS, candidate %s LUFS (matched with %+.2f dB)%n",
                Json.human(m.reference.integratedLufs, 1), Json.human(m.candidate.integratedLufs, 1), m.matchGainDb);
        System.out.printf(
                "  true peak  reference %s dBTP, candidate %s dBTP%n",
                Json.human(m.reference.truePeakDbtp, 1), Json.human(m.candidate.truePeakDbtp, 1));
        System.out.printf(
                "  MR-STFT    %.4f (mid %.4f%s)%n",
                m.mrStft.distance, m.mrStft.mid, m.channels == 2 ? String.format(", side %.4f", m.mrStft.side) : "");
        List<MixFeatures.Feature> fs = m.features;
        System.out.printf(
                "  features   mean MAPE %s (loudness %s, spectral %s, panning %s, dynamic %s)%n",
                Json.human(MixFeatures.meanMape(fs, null), 3),
                Json.human(MixFeatures.meanMape(fs, "loudness"), 3),
                Json.human(MixFeatures.meanMape(fs, "spectral"), 3),
                Json.human(MixFeatures.meanMape(fs, "panning"), 3),
                Json.human(MixFeatures.meanMape(fs, "dynamic"), 3));
        PeaqResult p = m.peaq;
        if (p != null) {
            System.out.printf("  PEAQ       ODG %.2f, DI %.2f (%d frames)%n", p.odg(), p.distortionIndex(), p.frames());
        }
        if (speech != null) {
            PesqResult r = speech.result();
            StringBuilder delays = new StringBuilder();
            for (PesqResult.Utterance u : r.utterances()) {
                delays.append(delays.length() == 0 ? "" : ", ").append(String.format("%.1f", u.delayMs()));
            }
            System.out.printf(
                    "  PESQ       MOS-LQO %.2f (%s, %d Hz%s; %d utterance%s, delay %s ms)%n",
                    r.mosLqo(),
                    r.mode() == PesqMode.WIDEBAND ? "P.862.2 wideband" : "P.862 narrowband, P.862.1 mapping",
                    r.sampleRate(),
                    r.mode() == PesqMode.NARROWBAND ? String.format(", raw %.2f", r.raw()) : "",
                    r.utterances().size(),
                    r.utterances().size() == 1 ? "" : "s",
                    delays);
        }
        for (String n : m.notes) {
            System.out.println("  note: " + n);
        }
        if (speech != null) {
            speech.notes().forEach(n -> System.out.println("  note: " + n));
        }
    }
}
