package ai.aimix.launcher.cli.analysis;

import ai.aimix.dsp.io.Npy;
import ai.aimix.dsp.io.NpyArray;
import ai.aimix.dsp.spectral.MelFilterbank;
import ai.aimix.dsp.spectral.MelScale;
import ai.aimix.dsp.spectral.MelSpectrogram;
import ai.aimix.dsp.spectral.PadMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./aimix mel FILE.wav --out OUT.npy}: librosa's power mel spectrogram as a float32 .npy. */
@Command(
        name = "mel",
        mixinStandardHelpOptions = true,
        description = "Write the power mel spectrogram of a WAV file's channel mean as a float32 .npy of shape "
                + "(mels, frames), exactly as librosa.feature.melspectrogram(y, sr=<file rate>, center=True, "
                + "power=2.0) computes it: periodic Hann window, no resampling, no log.")
public final class MelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.wav", description = "The WAV file.")
    Path file;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "The .npy file to write.")
    Path out;

    @Option(
            names = "--pad",
            defaultValue = "constant",
            paramLabel = "constant|reflect",
            description =
                    "How frames are centred at the edges: zeros (librosa >= 0.10) or reflect. Default ${DEFAULT-VALUE}.")
    String pad;

    @Option(names = "--mels", defaultValue = "128", description = "Mel bands. Default ${DEFAULT-VALUE}.")
    int mels;

    @Option(names = "--n-fft", defaultValue = "2048", description = "FFT size (even). Default ${DEFAULT-VALUE}.")
    int nFft;

    @Option(names = "--hop", defaultValue = "512", description = "Hop length in samples. Default ${DEFAULT-VALUE}.")
    int hop;

    @Option(names = "--fmin", defaultValue = "0", description = "Lowest band edge, Hz. Default ${DEFAULT-VALUE}.")
    double fmin;

    @Option(names = "--fmax", description = "Highest band edge, Hz. Default: half the sample rate.")
    Double fmax;

    @Option(names = "--htk", description = "HTK mel scale instead of Slaney's.")
    boolean htk;

    @Option(names = "--no-norm", description = "No Slaney area normalisation of the filters.")
    boolean noNorm;

    /** Longest file taken by default: what the default heap was measured to handle (docs/MEASUREMENT.md). */
    static final int DEFAULT_MAX_SECONDS = 1800;

    @Option(
            names = "--max-seconds",
            defaultValue = "" + DEFAULT_MAX_SECONDS,
            description = "Longest file taken, checked from its header before anything is read. Default "
                    + "${DEFAULT-VALUE} s (30 minutes, what the default heap handles); longer files need more heap "
                    + "(AIMIX_JAVA_OPTS=-Xmx...).")
    double maxSeconds;

    @Override
    public Integer call() {
        AudioFile in;
        PadMode mode;
        MelFilterbank bank;
        try {
            mode = padMode(pad);
            if (nFft < 16 || nFft % 2 != 0) {
                throw new AudioFile.BadInput("--n-fft must be even and at least 16, got " + nFft);
            }
            if (hop < 1) {
                throw new AudioFile.BadInput("--hop must be at least 1, got " + hop);
            }
            if (mels < 1) {
                throw new AudioFile.BadInput("--mels must be at least 1, got " + mels);
            }
            in = AudioFile.read(file, 64, maxSeconds);
            int sr = in.audio.sampleRate();
            double top = fmax == null ? sr / 2.0 : fmax;
            if (!(fmin >= 0 && fmin < top && top <= sr / 2.0)) {
                throw new AudioFile.BadInput("need 0 <= --fmin < --fmax <= " + sr / 2.0 + " Hz (half of " + sr
                        + "), got " + fmin + " and " + top);
            }
            if (mode == PadMode.REFLECT && in.audio.frames() <= nFft / 2) {
                throw new AudioFile.BadInput("--pad reflect needs more than " + nFft / 2 + " samples, " + file + " has "
                        + in.audio.frames());
            }
            bank = new MelFilterbank(sr, nFft, mels, fmin, top, htk ? MelScale.HTK : MelScale.SLANEY, !noNorm);
        } catch (AudioFile.BadInput e) {
            System.err.println("aimix mel: error: " + e.getMessage());
            return AnalyzeCommand.EXIT_BAD_INPUT;
        }
        float[][] mel = new MelSpectrogram(nFft, hop, mode, bank).mel(in.mono());
        try {
            Npy.write(out, NpyArray.ofRows(mel));
        } catch (IOException e) {
            System.err.println("aimix mel: error: cannot write " + out + ": " + e.getMessage());
            return AnalyzeCommand.EXIT_BAD_INPUT;
        }
        System.out.printf(
                "%s: %d x %d float32 power mel spectrogram of %s (%d Hz, n_fft %d, hop %d, %s scale%s, " + "pad %s)%n",
                out,
                mel.length,
                mel[0].length,
                file,
                in.audio.sampleRate(),
                nFft,
                hop,
                htk ? "HTK" : "Slaney",
                noNorm ? ", no norm" : ", Slaney norm",
                mode.name().toLowerCase());
        return 0;
    }

    static PadMode padMode(String s) throws AudioFile.BadInput {
        switch (s) {
            case "constant":
                return PadMode.CONSTANT;
            case "reflect":
                return PadMode.REFLECT;
            default:
                throw new AudioFile.BadInput("--pad must be constant or reflect, got " + s);
        }
    }
}
