package ai.aimix.clients.cli;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.schema.StemRole;

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
    public static final int MAX_STEMS = 32;

    private static final Map<String, StemRole> ALIASES = Map.ofEntries(
            Map.entry("drums", StemRole.DRUMS), Map.entry("drum", StemRole.DRUMS), Map.entry("kit", StemRole.DRUMS),
            Map.entry("kick", StemRole.DRUMS), Map.entry("snare", StemRole.DRUMS), Map.entry("hats", StemRole.DRUMS),
            Map.entry("hihat", StemRole.DRUMS), Map.entry("overheads", StemRole.DRUMS), Map.entry("toms", StemRole.DRUMS),
            Map.entry("percussion", StemRole.PERCUSSION), Map.entry("perc", StemRole.PERCUSSION),
            Map.entry("shaker", StemRole.PERCUSSION), Map.entry("bass", StemRole.BASS), Map.entry("sub", StemRole.BASS),
            Map.entry("guitar", StemRole.GUITAR), Map.entry("gtr", StemRole.GUITAR), Map.entry("guitars", StemRole.GUITAR),
            Map.entry("keys", StemRole.KEYS), Map.entry("piano", StemRole.KEYS), Map.entry("organ", StemRole.KEYS),
            Map.entry("rhodes", StemRole.KEYS), Map.entry("synth", StemRole.SYNTH), Map.entry("synths", StemRole.SYNTH),
            Map.entry("pad", StemRole.PAD), Map.entry("pads", StemRole.PAD), Map.entry("strings", StemRole.STRINGS),
            Map.entry("brass", StemRole.BRASS), Map.entry("horns", StemRole.BRASS), Map.entry("lead", StemRole.LEAD),
            Map.entry("vocals", StemRole.VOCALS), Map.entry("vocal", StemRole.VOCALS), Map.entry("vox", StemRole.VOCALS),
            Map.entry("voice", StemRole.VOCALS), Map.entry("bgv", StemRole.BACKING_VOCALS),
            Map.entry("backing", StemRole.BACKING_VOCALS), Map.entry("bvs", StemRole.BACKING_VOCALS),
            Map.entry("choir", StemRole.BACKING_VOCALS), Map.entry("harmony", StemRole.BACKING_VOCALS),
            Map.entry("fx", StemRole.FX), Map.entry("sfx", StemRole.FX));

    private StemFolder() {
    }

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

    public static List<StemInput> read(Path dir) throws BadInputException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if ((n.endsWith(".wav") || n.endsWith(".wave")) && Files.isRegularFile(p)) {
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
        if (files.size() > MAX_STEMS) {
            throw new BadInputException(dir + ": " + files.size() + " stems; at most " + MAX_STEMS + " per mix");
        }
        List<StemInput> stems = new ArrayList<>();
        Path first = null;
        for (Path f : files) {
            Audio a;
            try {
                a = Wav.read(f);
            } catch (NoSuchFileException e) {
                throw new BadInputException(f + ": no such file");
            } catch (IOException e) {
                throw new BadInputException(e.getMessage() != null && e.getMessage().startsWith(f.toString())
                        ? e.getMessage() : f + ": " + e.getMessage());
            }
            if (a.channels() > 2) {
                throw new BadInputException(f.getFileName() + ": " + a.channels()
                        + " channels; stems must be mono or stereo");
            }
            if (a.frames() == 0) {
                throw new BadInputException(f.getFileName() + ": no audio in the file");
            }
            for (float v : a.samples()) {
                if (!Float.isFinite(v)) {
                    throw new BadInputException(f.getFileName() + ": contains NaN or infinite samples");
                }
            }
            if (first != null && a.sampleRate() != stems.get(0).audio.sampleRate()) {
                throw new BadInputException(f.getFileName() + " is " + a.sampleRate() + " Hz but "
                        + first.getFileName() + " is " + stems.get(0).audio.sampleRate()
                        + " Hz; all stems need the same rate");
            }
            if (first == null) {
                first = f;
            }
            String name = f.getFileName().toString().replaceFirst("(?i)\\.wave?$", "");
            stems.add(new StemInput(name, roleOf(name), a));
        }
        return stems;
    }

    /** Bad input from the user: printed as one line, exit status 2. */
    public static final class BadInputException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadInputException(String message) {
            super(message);
        }
    }
}
