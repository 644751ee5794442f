package ai.aimix.jobs.cli.analysis;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.audio.WavFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A WAV file read for analysis, checked so that every problem is one clear line. */
final class AudioFile {
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

    static AudioFile read(Path path, int maxChannels) throws BadInput {
        if (Files.isDirectory(path)) {
            throw new BadInput(path + ": is a directory, not a WAV file");
        }
        Audio a;
        try {
            a = Wav.read(path);
        } catch (NoSuchFileException e) {
            throw new BadInput(path + ": no such file");
        } catch (WavFormatException e) {
            throw new BadInput(e.getMessage());
        } catch (IOException e) {
            throw new BadInput(path + ": cannot read (" + e.getMessage() + ")");
        }
        if (a.frames() == 0) {
            throw new BadInput(path + ": zero-length audio (the data chunk holds no samples)");
        }
        if (a.channels() > maxChannels) {
            throw new BadInput(path + ": " + a.channels() + " channels; this command takes up to " + maxChannels);
        }
        long bad = a.firstNonFinite();
        if (bad >= 0) {
            throw new BadInput(String.format("%s: sample %d of channel %d is %s; the file holds invalid float data",
                    path, bad / a.channels(), bad % a.channels(), a.samples()[(int) bad]));
        }
        return new AudioFile(path, a);
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
