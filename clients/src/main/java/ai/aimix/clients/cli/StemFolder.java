package ai.aimix.clients.cli;

import ai.aimix.clients.audio.WavFile;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.codec.ContractLimits;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a folder of WAV stems: each file is a stem, its name (without .wav) the stem's name, and its first word
 * the role ("guitar-2.wav" is a GUITAR called guitar-2; "lead vox.wav" is VOCALS). Problems are
 * {@link BadInputException}s with a one-line message.
 */
public final class StemFolder {
    public static final int MAX_STEMS = ContractLimits.DEFAULT_MAX_STEMS;

    private static final Map<String, StemRole> ALIASES = Map.ofEntries(
            Map.entry("drums", StemRole.DRUMS),
            Map.entry("drum", StemRole.DRUMS),
            Map.entry("kit", StemRole.DRUMS),
            Map.entry("kick", StemRole.DRUMS),
            Map.entry("snare", StemRole.DRUMS),
            Map.entry("hats", StemRole.DRUMS),
            Map.entry("hihat", StemRole.DRUMS),
            Map.entry("overheads", StemRole.DRUMS),
            Map.entry("toms", StemRole.DRUMS),
            Map.entry("percussion", StemRole.PERCUSSION),
            Map.entry("perc", StemRole.PERCUSSION),
            Map.entry("shaker", StemRole.PERCUSSION),
            Map.entry("bass", StemRole.BASS),
            Map.entry("sub", StemRole.BASS),
            Map.entry("guitar", StemRole.GUITAR),
            Map.entry("gtr", StemRole.GUITAR),
            Map.entry("guitars", StemRole.GUITAR),
            Map.entry("keys", StemRole.KEYS),
            Map.entry("piano", StemRole.KEYS),
            Map.entry("organ", StemRole.KEYS),
            Map.entry("rhodes", StemRole.KEYS),
            Map.entry("synth", StemRole.SYNTH),
            Map.entry("synths", StemRole.SYNTH),
            Map.entry("pad", StemRole.PAD),
            Map.entry("pads", StemRole.PAD),
            Map.entry("strings", StemRole.STRINGS),
            Map.entry("brass", StemRole.BRASS),
            Map.entry("horns", StemRole.BRASS),
            Map.entry("lead", StemRole.LEAD),
            Map.entry("vocals", StemRole.VOCALS),
            Map.entry("vocal", StemRole.VOCALS),
            Map.entry("vox", StemRole.VOCALS),
            Map.entry("voice", StemRole.VOCALS),
            Map.entry("bgv", StemRole.BACKING_VOCALS),
            Map.entry("backing", StemRole.BACKING_VOCALS),
            Map.entry("bvs", StemRole.BACKING_VOCALS),
            Map.entry("choir", StemRole.BACKING_VOCALS),
            Map.entry("harmony", StemRole.BACKING_VOCALS),
            Map.entry("fx", StemRole.FX),
            Map.entry("sfx", StemRole.FX));

    private StemFolder() {}

    /** The role a file name implies (OTHER when none does). "lead vocal" and "lead-vox" are VOCALS. */
    public static StemRole roleOf(String name) {
        String[] words = name.toLowerCase(Locale.ROOT).split("[^a-z]+");
        StemRole first = null;
        for (String w : words) {
            StemRole r = ALIASES.get(w);
            if (r == null) {
                continue;
            }
            if (first == null) {
                first = r;
            } else if (first == StemRole.LEAD && (r == StemRole.VOCALS)) {
                return StemRole.VOCALS;
            }
        }
        return first == null ? StemRole.OTHER : first;
    }

    /** Reads a folder with the service's default limits. */
    public static List<StemInput> read(Path dir) throws BadInputException {
        return read(dir, MAX_STEMS, ContractLimits.DEFAULT_MAX_TRACK.toSeconds());
    }

    /**
     * Reads a folder of WAV stems: every file's header is checked against the service's limits (regular files only,
     * mono or stereo, the sample rate within the contract's range and the same for all, at most {@code maxSeconds}
     * long) before any audio is read, then float files are read through once for samples that are not audio. The
     * stems are returned as sources: their audio is read as it is sent, never held whole.
     */
    public static List<StemInput> read(Path dir, int maxStems, double maxSeconds) throws BadInputException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if (n.endsWith(".wav") || n.endsWith(".wave")) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new BadInputException(dir + ": " + e.getMessage());
        }
        files.sort(null);
        if (files.isEmpty()) {
            throw new BadInputException(dir + ": no .wav files");
        }
        if (files.size() > maxStems) {
            throw new BadInputException(dir + ": " + files.size() + " stems; at most " + maxStems + " per mix");
        }
        List<StemInput> stems = new ArrayList<>();
        List<WavFile> headers = new ArrayList<>();
        for (Path f : files) {
            WavFile w = header(f);
            String file = f.getFileName().toString();
            if (w.channels() > 2) {
                throw new BadInputException(file + ": " + w.channels() + " channels; stems must be mono or stereo");
            }
            String rate = ContractLimits.checkSampleRate(w.sampleRate());
            if (rate != null) {
                throw new BadInputException(file + ": " + rate);
            }
            if (w.frames() == 0) {
                throw new BadInputException(file + ": no audio in the file");
            }
            if (w.seconds() > maxSeconds) {
                throw new BadInputException(String.format(
                        Locale.ROOT,
                        "%s: %.0f s long; the service takes tracks " + "of at most %.0f s",
                        file,
                        w.seconds(),
                        maxSeconds));
            }
            if (!headers.isEmpty() && w.sampleRate() != headers.get(0).sampleRate()) {
                throw new BadInputException(file + " is " + w.sampleRate() + " Hz but "
                        + files.get(0).getFileName() + " is " + headers.get(0).sampleRate()
                        + " Hz; all stems need the same rate");
            }
            headers.add(w);
        }
        for (int i = 0; i < files.size(); i++) {
            WavFile w = headers.get(i);
            if (w.isFloat()) {
                try {
                    w.verifySamples();
                } catch (IOException e) {
                    throw new BadInputException(oneLine(files.get(i), e));
                }
            }
            String name = files.get(i).getFileName().toString().replaceFirst("(?i)\\.wave?$", "");
            stems.add(new StemInput(name, roleOf(name), w));
        }
        return stems;
    }

    private static WavFile header(Path f) throws BadInputException {
        try {
            return WavFile.open(f);
        } catch (NoSuchFileException e) {
            throw new BadInputException(f + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(oneLine(f, e));
        }
    }

    private static String oneLine(Path f, IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return (m.startsWith(f.toString()) ? m : f + ": " + m).replace('\n', ' ');
    }

    /** Bad input from the user: printed as one line, exit status 2. */
    public static final class BadInputException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadInputException(String message) {
            super(message);
        }
    }
}
