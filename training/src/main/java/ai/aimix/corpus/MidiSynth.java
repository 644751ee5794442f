package ai.aimix.corpus;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sound.midi.Instrument;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.MidiUnavailableException;
import javax.sound.midi.Receiver;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Soundbank;
import javax.sound.midi.Synthesizer;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;

/**
 * Renders a {@link Part} to audio offline with the JDK's software synthesizer (Gervill): the part's notes go in as
 * time-stamped MIDI messages, float32 stereo comes out of the synthesizer's stream, faster than real time and the
 * same on every machine. Without a sound font Gervill uses its built-in General MIDI set; where a GM sound font is
 * installed (Debian's fluid-soundfont-gm: {@value #DEBIAN_SOUNDFONT}) it is used for richer timbres. Reverb, chorus
 * and the synthesizer's automatic gain control are off and every part is centred: dry, unmixed stems.
 *
 * <p>Gervill's offline stream ({@code AudioSynthesizer.openStream}) is not in an exported package: the JVM needs
 * {@code --add-exports java.desktop/com.sun.media.sound=ALL-UNNAMED} (set by {@code ./aimix} and the build).
 */
public final class MidiSynth {
    public static final String DEBIAN_SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
    private static final int DRUM_CHANNEL = 9;

    /** Where Debian's General MIDI sound font packages put their .sf2 files. */
    public static final Path SOUND_FONT_DIR = Path.of("/usr/share/sounds/sf2");

    private final int sampleRate;
    /** The banks by name, in order; a null file is Gervill's built-in set. The first is the default. */
    private final Map<String, Path> banks;

    /** @param soundFont a .sf2 file, or null for Gervill's built-in instruments */
    public MidiSynth(int sampleRate, Path soundFont) {
        this(Collections.singletonList(soundFont), sampleRate);
    }

    /**
     * A synthesizer of several banks, each stem played by one of them ({@link #render(Part, double, String)}).
     *
     * @param soundFonts .sf2 files, or null for Gervill's built-in instruments; named by file name, which must differ
     */
    public static MidiSynth ofBanks(int sampleRate, List<Path> soundFonts) {
        return new MidiSynth(soundFonts, sampleRate);
    }

    private MidiSynth(List<Path> soundFonts, int sampleRate) {
        if (soundFonts.isEmpty()) {
            throw new IllegalArgumentException("no sound bank");
        }
        this.sampleRate = sampleRate;
        Map<String, Path> b = new LinkedHashMap<>();
        for (Path f : soundFonts) {
            String name = f == null ? BUILTIN : f.getFileName().toString();
            if (b.containsKey(name)) {
                throw new IllegalArgumentException("two sound banks named " + name);
            }
            b.put(name, f);
        }
        this.banks = Collections.unmodifiableMap(b);
    }

    /**
     * Gervill's built-in set and every General MIDI sound font installed in {@link #SOUND_FONT_DIR} (regular .sf2
     * files: Debian's alternatives links such as default-GM.sf2 are left out), built-in first, the others by name.
     * On Debian: {@code fluid-soundfont-gm} (FluidR3_GM.sf2), {@code timgm6mb-soundfont} (TimGM6mb.sf2),
     * {@code csound-soundfont} (sf_GMbank.sf2), {@code musescore-general-soundfont-lossless}, {@code opl3-soundfont};
     * the .sf3 banks (compressed samples) are not readable by the JDK's synthesizer.
     */
    public static List<Path> installedSoundFonts() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(null);
        if (Files.isDirectory(SOUND_FONT_DIR)) {
            try (Stream<Path> files = Files.list(SOUND_FONT_DIR)) {
                files.filter(f -> f.getFileName()
                                .toString()
                                .toLowerCase(Locale.ROOT)
                                .endsWith(".sf2"))
                        .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                        .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                        .forEach(out::add);
            }
        }
        return out;
    }

    /** The Debian GM sound font when it is installed, else the built-in instruments. */
    public static MidiSynth withDefaultSounds(int sampleRate) {
        Path sf = Path.of(DEBIAN_SOUNDFONT);
        return new MidiSynth(sampleRate, Files.isReadable(sf) ? sf : null);
    }

    /** The name {@link #sounds()} gives Gervill's built-in instruments. */
    public static final String BUILTIN = "gervill-builtin";

    /**
     * A synthesizer with the instruments a corpus was made with ({@link #sounds()} of its index): the built-in ones,
     * or a sound font of that file name at Debian's place.
     *
     * @throws IllegalArgumentException when that sound font is not installed here
     */
    public static MidiSynth matching(String sounds, int sampleRate) {
        List<Path> files = new ArrayList<>();
        for (String name : sounds.split(",")) {
            if (BUILTIN.equals(name)) {
                files.add(null);
                continue;
            }
            Path f = SOUND_FONT_DIR.resolve(name);
            if (!Files.isReadable(f)) {
                throw new IllegalArgumentException("the corpus was rendered with the sound font " + name + ", which is "
                        + "not installed here (" + SOUND_FONT_DIR + ")");
            }
            files.add(f);
        }
        return new MidiSynth(files, sampleRate);
    }

    public int sampleRate() {
        return sampleRate;
    }

    /**
     * Which instruments render: the banks' names, comma-separated — a sound font's file name, or "gervill-builtin"
     * (one name for a synthesizer of one bank).
     */
    public String sounds() {
        return String.join(",", banks.keySet());
    }

    /** The banks' names, the default first. */
    public List<String> bankNames() {
        return List.copyOf(banks.keySet());
    }

    /** Interleaved stereo float samples of {@code seconds} seconds, played by the first bank. */
    public float[] render(Part part, double seconds) throws IOException {
        return render(part, seconds, banks.keySet().iterator().next());
    }

    /** Interleaved stereo float samples of {@code seconds} seconds, played by the bank of that name. */
    public float[] render(Part part, double seconds, String bank) throws IOException {
        if (!banks.containsKey(bank)) {
            throw new IllegalArgumentException("no sound bank " + bank + " (" + sounds() + ")");
        }
        Path soundFont = banks.get(bank);
        int frames = (int) Math.round(seconds * sampleRate);
        Synthesizer synth;
        try {
            synth = MidiSystem.getSynthesizer();
        } catch (MidiUnavailableException e) {
            throw new IOException("the JDK's software synthesizer is not available: " + e.getMessage(), e);
        }
        AudioFormat format = new AudioFormat(AudioFormat.Encoding.PCM_FLOAT, sampleRate, 32, 2, 8, sampleRate, false);
        Map<String, Object> info = new HashMap<>();
        info.put("reverb", false);
        info.put("chorus", false);
        info.put("auto gain control", false);
        info.put("max polyphony", 128);
        AudioInputStream stream = openStream(synth, format, info);
        try {
            if (soundFont != null) {
                loadSoundFont(synth, soundFont);
            }
            Receiver rx;
            try {
                rx = synth.getReceiver();
            } catch (MidiUnavailableException e) {
                throw new IOException("the software synthesizer has no receiver: " + e.getMessage(), e);
            }
            int ch = part.drums() ? DRUM_CHANNEL : 0;
            send(rx, ShortMessage.CONTROL_CHANGE, ch, 7, 100, 0); // channel volume
            send(rx, ShortMessage.CONTROL_CHANGE, ch, 10, 64, 0); // centre
            send(rx, ShortMessage.CONTROL_CHANGE, ch, 91, 0, 0); // no reverb send
            send(rx, ShortMessage.CONTROL_CHANGE, ch, 93, 0, 0); // no chorus send
            if (!part.drums()) {
                send(rx, ShortMessage.PROGRAM_CHANGE, ch, part.program(), 0, 0);
            }
            List<long[]> events = new ArrayList<>(); // {micros, on(1)/off(0), key, velocity}
            for (Note n : part.notes()) {
                long on = Math.round(n.start() * 1e6);
                long off = Math.round((n.start() + n.length()) * 1e6);
                events.add(new long[] {on, 1, n.key(), n.velocity()});
                events.add(new long[] {off, 0, n.key(), 0});
            }
            // offs before ons at the same instant, so a repeated key is re-struck
            events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
            for (long[] e : events) {
                send(
                        rx,
                        e[1] == 1 ? ShortMessage.NOTE_ON : ShortMessage.NOTE_OFF,
                        ch,
                        (int) e[2],
                        (int) e[3],
                        e[0] + 10_000); // 10 ms after the controller messages
            }
            return read(stream, frames);
        } finally {
            stream.close();
            synth.close();
        }
    }

    private static void loadSoundFont(Synthesizer synth, Path soundFont) throws IOException {
        try {
            Soundbank sb = bank(soundFont);
            Soundbank builtin = synth.getDefaultSoundbank();
            if (builtin != null) {
                synth.unloadAllInstruments(builtin);
            }
            for (Instrument i : sb.getInstruments()) {
                synth.loadInstrument(i);
            }
        } catch (InvalidMidiDataException e) {
            throw new IOException(soundFont + " is not a readable sound font: " + e.getMessage(), e);
        }
    }

    private static final Map<Path, Soundbank> BANKS = new ConcurrentHashMap<>();

    /** A sound font is parsed once per JVM (FluidR3 is 140 MB) and shared by every synthesizer. */
    private static Soundbank bank(Path file) throws IOException, InvalidMidiDataException {
        Soundbank sb = BANKS.get(file);
        if (sb == null) {
            synchronized (BANKS) {
                sb = BANKS.get(file);
                if (sb == null) {
                    sb = MidiSystem.getSoundbank(file.toFile());
                    BANKS.put(file, sb);
                }
            }
        }
        return sb;
    }

    private static AudioInputStream openStream(Synthesizer synth, AudioFormat format, Map<String, Object> info)
            throws IOException {
        try {
            Class<?> audioSynth = Class.forName("com.sun.media.sound.AudioSynthesizer");
            Method open = audioSynth.getMethod("openStream", AudioFormat.class, Map.class);
            return (AudioInputStream) open.invoke(synth, format, info);
        } catch (IllegalAccessException | IllegalAccessError e) {
            throw new IllegalStateException(
                    "rendering MIDI needs the JVM option --add-exports "
                            + "java.desktop/com.sun.media.sound=ALL-UNNAMED (./aimix and the build set it)",
                    e);
        } catch (InvocationTargetException e) {
            throw new IOException("the software synthesizer failed to open: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JDK's MIDI synthesizer cannot render offline: " + e, e);
        }
    }

    private static void send(Receiver rx, int command, int channel, int d1, int d2, long micros) {
        try {
            rx.send(new ShortMessage(command, channel, d1, d2), micros);
        } catch (InvalidMidiDataException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static float[] read(AudioInputStream in, int frames) throws IOException {
        byte[] buf = new byte[frames * 8];
        int n = 0;
        while (n < buf.length) {
            int k = in.read(buf, n, buf.length - n);
            if (k <= 0) {
                break;
            }
            n += k;
        }
        float[] out = new float[frames * 2];
        ByteBuffer.wrap(buf, 0, n)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(out, 0, n / 4);
        return out;
    }
}
