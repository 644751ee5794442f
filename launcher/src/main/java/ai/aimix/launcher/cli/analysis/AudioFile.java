package ai.aimix.launcher.cli.analysis;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.WavFile;
import ai.aimix.clients.audio.WavFormatException;
import ai.aimix.schema.codec.ContractLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** A WAV file read for analysis, checked so that every problem is one clear line. */
final class AudioFile {
    /**
     * The share of the heap a file's samples may take: a guard against files that declare far more audio than any
     * analysis here can hold (checked from the header, before anything is read), not a promise that everything below
     * it fits (see docs/MEASUREMENT.md, Limits).
     */
    static final double HEAP_SHARE = 0.7;

    final Path path;
    final Audio audio;

    private AudioFile(Path path, Audio audio) {
        this.path = path;
        this.audio = audio;
    }

    /** Thrown for input the analysis commands cannot use; the message is one line, ready for the user. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    /**
     * Reads a WAV file for analysis. Its header is judged first, before any audio is read or memory taken: a
     * regular file, a rate the service takes (8000-192000 Hz), at most {@code maxChannels} channels and
     * {@code maxSeconds} seconds, and samples that fit this JVM's heap; then the audio, whose samples must be finite.
     */
    static AudioFile read(Path path, int maxChannels, double maxSeconds) throws BadInput {
        if (Files.isDirectory(path)) {
            throw new BadInput(path + ": is a directory, not a WAV file");
        }
        WavFile w;
        try {
            w = WavFile.open(path);
        } catch (NoSuchFileException e) {
            throw new BadInput(path + ": no such file");
        } catch (WavFormatException e) {
            throw new BadInput(e.getMessage());
        } catch (IOException e) {
            throw new BadInput(path + ": cannot read (" + e.getMessage() + ")");
        }
        String rate = ContractLimits.checkSampleRate(w.sampleRate());
        if (rate != null) {
            throw new BadInput(path + ": " + rate);
        }
        if (w.frames() == 0) {
            throw new BadInput(path + ": zero-length audio (the data chunk holds no samples)");
        }
        if (w.channels() > maxChannels) {
            throw new BadInput(path + ": " + w.channels() + " channels; this command takes up to " + maxChannels);
        }
        if (w.seconds() > maxSeconds) {
            throw new BadInput(String.format(
                    Locale.ROOT,
                    "%s: %.0f s long; this command takes files of up " + "to %.0f s (--max-seconds)",
                    path,
                    w.seconds(),
                    maxSeconds));
        }
        long bytes = w.frames() * w.channels() * Float.BYTES;
        long room = (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
        if (bytes > room) {
            throw new BadInput(String.format(
                    Locale.ROOT,
                    "%s: %s needs %d MB as samples in memory, more "
                            + "than this process can analyse (%d MB); analyse a shorter excerpt",
                    path,
                    w.describe(),
                    bytes >> 20,
                    room >> 20));
        }
        try {
            return new AudioFile(path, w.readAll(w.frames()));
        } catch (WavFormatException e) {
            throw new BadInput(e.getMessage());
        } catch (IOException e) {
            throw new BadInput(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    float[][] planar() {
        return audio.planar();
    }

    /** Channel mean, summed in float channel by channel and divided by the count (numpy's mean over axis 0). */
    float[] mono() {
        int ch = audio.channels();
        float[] s = audio.samples();
        float[] out = new float[audio.frames()];
        for (int i = 0; i < out.length; i++) {
            float acc = s[i * ch];
            for (int c = 1; c < ch; c++) {
                acc += s[i * ch + c];
            }
            out[i] = acc / ch;
        }
        return out;
    }
}
