package ai.aimix.launcher.cli.analysis;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.dsp.metrics.MixFeatures;
import ai.aimix.dsp.metrics.MultiResolutionStft;
import ai.aimix.dsp.metrics.peaq.Peaq;
import ai.aimix.dsp.resample.Resampler;
import ai.aimix.dsp.spectral.MelFilterbank;
import ai.aimix.dsp.spectral.MelSpectrogram;
import ai.aimix.dsp.spectral.PadMode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;

/**
 * {@code ./aimix bench --analysis}: times the measurement code on a generated song's mix (two mixes of the same stems
 * with different gains, 24-bit stereo WAV at 44.1 kHz): reading the file, loudness + true peak, the librosa mel
 * spectrogram, MR-STFT, mix features, resampling to 48 kHz and PEAQ, each the best of a few runs after a warm-up.
 * Everything but MR-STFT runs on the calling thread; MR-STFT spreads its six (signal, resolution) terms over the
 * common pool, whose size is reported.
 */
public final class AnalysisBench {
    private final double seconds;
    private final int runs;

    public AnalysisBench(double seconds, int runs) {
        this.seconds = seconds;
        this.runs = runs;
    }

    public ObjectNode run() throws Exception {
        List<StemInput> stems = new SongGenerator(11, 44100).generate(seconds, 8);
        Audio reference = mix(stems, 0);
        Audio candidate = mix(stems, 1);
        Path dir = Files.createTempDirectory("aimix-bench");
        Path refFile = dir.resolve("reference.wav");
        Path candFile = dir.resolve("candidate.wav");
        Wav.write(refFile, reference, Wav.Encoding.PCM_24);
        Wav.write(candFile, candidate, Wav.Encoding.PCM_24);
        ObjectNode n = Json.object();
        n.put("mode", "analysis");
        n.put("audio_s", seconds);
        n.put("sample_rate", 44100);
        n.put("channels", 2);
        try {
            AudioFile[] ref = new AudioFile[1];
            AudioFile[] cand = new AudioFile[1];
            n.put(
                    "read_wav_s",
                    best(() -> {
                                ref[0] = AudioFile.read(refFile, 2, Double.MAX_VALUE);
                                cand[0] = AudioFile.read(candFile, 2, Double.MAX_VALUE);
                                return null;
                            })
                            / 2);
            float[][] r = ref[0].planar();
            float[][] c = cand[0].planar();
            n.put("loudness_true_peak_s", best(() -> LoudnessAnalysis.of(r, 44100, ChannelWeights.forChannels(2))));
            MelFilterbank bank = MelFilterbank.librosaDefault(44100, 2048, 128);
            n.put("mel_s", best(() -> new MelSpectrogram(2048, 512, PadMode.CONSTANT, bank).mel(ref[0].mono())));
            n.put("mr_stft_s", best(() -> MultiResolutionStft.distance(r, c)));
            n.put("mix_features_s", best(() -> MixFeatures.compare(r, c, 44100)));
            float[][][] at48 = new float[2][][];
            n.put(
                    "resample_to_48k_s",
                    best(() -> {
                                Resampler to48 = new Resampler(44100, 48000);
                                at48[0] = to48.process(r);
                                at48[1] = to48.process(c);
                                return null;
                            })
                            / 2);
            n.put("peaq_s", best(() -> Peaq.basic(at48[0], at48[1])));
            MixComparison[] last = new MixComparison[1];
            n.put("compare_total_s", best(() -> last[0] = MixComparison.compare(r, 44100, c, 44100, true)));
            n.put("peaq_odg", Math.round(last[0].peaq.odg() * 1000) / 1000.0);
            n.put("mr_stft_distance", Math.round(last[0].mrStft.distance * 10000) / 10000.0);
        } finally {
            Files.deleteIfExists(refFile);
            Files.deleteIfExists(candFile);
            Files.deleteIfExists(dir);
        }
        n.put("common_pool_threads", ForkJoinPool.commonPool().getParallelism());
        n.put("available_processors", Runtime.getRuntime().availableProcessors());
        n.put("java", System.getProperty("java.version"));
        n.put("date", Instant.now().toString());
        return n;
    }

    /** A plain sum of the stems with per-stem gains drawn from a seed: two seeds, two different mixes. */
    private static Audio mix(List<StemInput> stems, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int frames = stems.get(0).audio.frames();
        float[] out = new float[2 * frames];
        for (StemInput s : stems) {
            float g = (float) Math.pow(10, (-12 + 6 * r.nextDouble()) / 20);
            float[] x = s.audio.samples();
            int ch = s.audio.channels();
            for (int i = 0; i < frames; i++) {
                out[2 * i] += g * x[i * ch];
                out[2 * i + 1] += g * x[i * ch + ch - 1];
            }
        }
        return new Audio(44100, 2, out);
    }

    private double best(Callable<?> task) throws Exception {
        task.call(); // warm-up
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            task.call();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return Math.round(best * 1000) / 1000.0;
    }
}
