package ai.aimix.corpus;

import ai.aimix.schema.StemRole;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes multitrack songs as MIDI-like parts, deterministically for a seed: a genre (tempo, feel, instruments,
 * drum pattern), a key (major or minor), a four-chord progression, sections (intro, verse, chorus, outro) with
 * their own intensity and line-up, and 4 to 8 parts with roles: always drums, bass, a harmony part (keys or
 * guitar) and a lead line (vocals or a lead instrument), plus a seeded choice of pad, percussion, a second harmony
 * part, strings, brass, backing vocals and a synth arpeggio. Melodies are built from two-bar motifs on chord tones
 * and scale steps, repeated and varied; drums get fills before section changes. {@link Arrangement#WIDE} adds
 * up to 12 parts: fx, doubled parts and line-ups that change between sections.
 */
public final class Composer {
    public static final int MIN_STEMS = Arrangement.STANDARD.minStems;
    public static final int MAX_STEMS = Arrangement.STANDARD.maxStems;
    /** GM effects programs an fx part is played on: FX 1 (rain), 4 (atmosphere), 6 (goblins), 7 (echoes), reverse cymbal, seashore. */
    private static final int[] FX_PROGRAMS = {96, 99, 101, 102, 119, 122};
    /** A doubled part's delay behind the part it doubles, seconds (double tracking: 10..30 ms). */
    private static final double DOUBLE_MIN_DELAY_S = 0.010;

    private static final double DOUBLE_DELAY_SPAN_S = 0.020;
    /** GM programs a vocal line is played on (choir aahs, voice oohs, synth voice): an instrument stands for a singer. */
    private static final int[] VOCAL_PROGRAMS = {52, 53, 54};
    /** GM programs backing vocals are played on (choir aahs, voice oohs). */
    private static final int[] BACKING_PROGRAMS = {52, 53};
    /** Chance that a song's top line is sung (vocals) rather than played (lead). */
    private static final double SUNG_TOP = 0.7;
    /** The sections a part of a wide arrangement may rest through: verse and chorus ({@link #sections()}). */
    private static final int VERSE = 1;

    private static final int CHORUS = 2;
    /** Chance that an optional part of a wide arrangement rests through the verse or the chorus. */
    private static final double DROP_OUT = 0.35;

    private static final int[] MAJOR = {0, 2, 4, 5, 7, 9, 11};
    private static final int[] MINOR = {0, 2, 3, 5, 7, 8, 10};
    private static final int[][] MAJOR_PROGRESSIONS = {
        {0, 4, 5, 3}, {0, 5, 3, 4}, {0, 3, 4, 4}, {5, 3, 0, 4}, {0, 3, 5, 4}
    };
    private static final int[][] MINOR_PROGRESSIONS = {
        {0, 5, 2, 6}, {0, 3, 4, 0}, {0, 6, 5, 6}, {0, 5, 3, 4}, {0, 2, 6, 5}
    };

    /** A section of the song: bars [startBar, startBar + bars), with an intensity (0..1) scaling velocities. */
    public record Section(String name, int startBar, int bars, double intensity) {}

    /** A composed song. */
    public record Song(
            long seed,
            Genre genre,
            double bpm,
            int tonic,
            boolean minor,
            int[] progression,
            List<Section> sections,
            double seconds,
            List<Part> parts) {
        public double beat() {
            return 60.0 / bpm;
        }
    }

    /** The shortest song, in bars: an intro, a verse, a chorus and an outro. */
    public static final int MIN_BARS = 6;

    private final int bars;
    private final Arrangement arrangement;

    /** @param bars the song's length in bars (at least {@link #MIN_BARS}) */
    public Composer(int bars) {
        this(bars, Arrangement.STANDARD);
    }

    public Composer(int bars, Arrangement arrangement) {
        if (bars < MIN_BARS) {
            throw new IllegalArgumentException("a song needs at least " + MIN_BARS + " bars");
        }
        this.bars = bars;
        this.arrangement = Objects.requireNonNull(arrangement, "arrangement");
    }

    public Song compose(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Genre genre = Genre.values()[r.nextInt(Genre.values().length)];
        double bpm = genre.minBpm + r.nextInt(genre.maxBpm - genre.minBpm + 1);
        boolean minor = r.nextDouble() < genre.minor;
        int tonic = r.nextInt(12);
        int[][] pool = minor ? MINOR_PROGRESSIONS : MAJOR_PROGRESSIONS;
        int[] progression = pool[r.nextInt(pool.length)];
        List<Section> sections = sections();
        int stems = arrangement.minStems + r.nextInt(arrangement.maxStems - arrangement.minStems + 1);
        Ctx c = new Ctx(seed, r, genre, bpm, minor, tonic, progression, sections);
        if (arrangement == Arrangement.WIDE) {
            return wide(stems, c);
        }

        List<StemRole> roles = new ArrayList<>(List.of(StemRole.DRUMS, StemRole.BASS));
        StemRole harmony = r.nextBoolean() ? StemRole.KEYS : StemRole.GUITAR;
        StemRole top = r.nextDouble() < SUNG_TOP ? StemRole.VOCALS : StemRole.LEAD;
        roles.add(harmony);
        roles.add(top);
        List<StemRole> extras = new ArrayList<>(List.of(
                StemRole.PAD,
                StemRole.PERCUSSION,
                harmony == StemRole.KEYS ? StemRole.GUITAR : StemRole.KEYS,
                StemRole.STRINGS,
                StemRole.BRASS,
                top == StemRole.VOCALS ? StemRole.BACKING_VOCALS : StemRole.VOCALS,
                StemRole.SYNTH));
        shuffle(extras, r);
        roles.addAll(extras.subList(0, stems - 4));

        List<Part> parts = new ArrayList<>();
        for (StemRole role : roles) {
            parts.add(part(role, c));
        }
        return song(parts, c);
    }

    /** The song with unique stem names (a second part of a name gets "-2", ...). */
    private Song song(List<Part> composed, Ctx c) {
        List<Part> parts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Part p : composed) {
            String name = p.name();
            for (int k = 2; !names.add(name); k++) {
                name = p.name() + "-" + k;
            }
            parts.add(new Part(name, p.role(), p.program(), p.drums(), p.notes()));
        }
        double seconds = bars * 4 * c.beat + 1.5; // a release tail after the last bar
        return new Song(c.seed, c.genre, c.bpm, c.tonic, c.minor, c.progression, c.sections, seconds, parts);
    }

    /** What an optional part of a wide arrangement is. */
    private enum Extra {
        PAD,
        PERCUSSION,
        SECOND_HARMONY,
        STRINGS,
        BRASS,
        SECOND_VOICE,
        SYNTH,
        FX,
        DOUBLED_HARMONY,
        DOUBLED_TOP,
        SECOND_PERCUSSION
    }

    /**
     * A wide arrangement: the four core parts, then {@code stems - 4} optional ones drawn from {@link Extra}, each
     * resting through the verse or the chorus with chance {@link #DROP_OUT}.
     */
    private Song wide(int stems, Ctx c) {
        SplittableRandom r = c.r;
        StemRole harmony = r.nextBoolean() ? StemRole.KEYS : StemRole.GUITAR;
        StemRole top = r.nextDouble() < SUNG_TOP ? StemRole.VOCALS : StemRole.LEAD;
        List<Part> parts = new ArrayList<>();
        for (StemRole role : List.of(StemRole.DRUMS, StemRole.BASS, harmony, top)) {
            parts.add(part(role, c));
        }
        Part harmonyPart = parts.get(2);
        Part topPart = parts.get(3);
        List<Extra> extras = new ArrayList<>(List.of(Extra.values()));
        shuffle(extras, r);
        for (Extra e : extras.subList(0, stems - 4)) {
            Part p;
            switch (e) {
                case PAD:
                    p = part(StemRole.PAD, c);
                    break;
                case PERCUSSION:
                case SECOND_PERCUSSION:
                    p = part(StemRole.PERCUSSION, c);
                    break;
                case SECOND_HARMONY:
                    p = part(harmony == StemRole.KEYS ? StemRole.GUITAR : StemRole.KEYS, c);
                    break;
                case STRINGS:
                    p = part(StemRole.STRINGS, c);
                    break;
                case BRASS:
                    p = part(StemRole.BRASS, c);
                    break;
                case SECOND_VOICE:
                    p = part(top == StemRole.VOCALS ? StemRole.BACKING_VOCALS : StemRole.VOCALS, c);
                    break;
                case SYNTH:
                    p = part(StemRole.SYNTH, c);
                    break;
                case FX:
                    p = new Part("fx", StemRole.FX, c.pick(FX_PROGRAMS), false, fx(c));
                    break;
                case DOUBLED_HARMONY:
                    p = doubled(harmonyPart, harmony == StemRole.KEYS ? c.genre.keys : c.genre.guitar, c);
                    break;
                default: // DOUBLED_TOP
                    p = doubled(topPart, top == StemRole.VOCALS ? VOCAL_PROGRAMS : c.genre.lead, c);
            }
            parts.add(dropOut(p, c));
        }
        return song(parts, c);
    }

    /** The same notes on a program of {@code programs} (another than the original's where there is one), late. */
    private static Part doubled(Part original, int[] programs, Ctx c) {
        List<Integer> others = new ArrayList<>();
        for (int candidate : programs) {
            if (candidate != original.program()) {
                others.add(candidate);
            }
        }
        int program = others.isEmpty() ? original.program() : others.get(c.r.nextInt(others.size()));
        double delay = DOUBLE_MIN_DELAY_S + DOUBLE_DELAY_SPAN_S * c.r.nextDouble();
        List<Note> notes = new ArrayList<>();
        for (Note n : original.notes()) {
            int v = Math.max(1, Math.min(127, n.velocity() + c.r.nextInt(-8, 9)));
            notes.add(new Note(n.start() + delay, n.length(), n.key(), v));
        }
        return new Part(original.name(), original.role(), program, original.drums(), notes);
    }

    /** With chance {@link #DROP_OUT}, the part without its notes in the verse or the chorus (if it keeps enough). */
    private static Part dropOut(Part p, Ctx c) {
        if (c.r.nextDouble() >= DROP_OUT) {
            return p;
        }
        Section rest = c.sections.get(c.r.nextBoolean() ? VERSE : CHORUS);
        double from = c.time(rest.startBar(), 0);
        double to = c.time(rest.startBar() + rest.bars(), 0);
        List<Note> kept = new ArrayList<>();
        for (Note n : p.notes()) {
            if (n.start() < from || n.start() >= to) {
                kept.add(n);
            }
        }
        return kept.size() >= MIN_NOTES ? new Part(p.name(), p.role(), p.program(), p.drums(), kept) : p;
    }

    /** Fewest notes a part keeps after a drop-out. */
    private static final int MIN_NOTES = 8;

    /** A riser through the last bar before each new section and a hit on its first beat. */
    private static List<Note> fx(Ctx c) {
        List<Note> out = new ArrayList<>();
        for (Section s : c.sections.subList(1, c.sections.size())) {
            int[] ch = c.chord(s.startBar());
            int before = s.startBar() - 1;
            out.add(new Note(c.time(before, 0), 4 * c.beat * 0.98, c.near(ch[0], 72), c.velocity(90, before)));
            out.add(new Note(c.time(before, 8), 2 * c.beat * 0.95, c.near(ch[2], 79), c.velocity(100, before)));
            out.add(new Note(c.time(s.startBar(), 0), 2 * c.beat, c.near(ch[0], 48), c.velocity(115, s.startBar())));
            out.add(new Note(c.time(s.startBar(), 8), c.beat, c.near(ch[1], 60), c.velocity(80, s.startBar())));
        }
        return out;
    }

    private List<Section> sections() {
        int intro = Math.max(1, bars / 6);
        int outro = Math.max(1, bars / 6);
        int verse = (bars - intro - outro) / 2;
        int chorus = bars - intro - outro - verse;
        return List.of(
                new Section("intro", 0, intro, 0.6),
                new Section("verse", intro, verse, 0.8),
                new Section("chorus", intro + verse, chorus, 1.0),
                new Section("outro", intro + verse + chorus, outro, 0.65));
    }

    /** Shared state while composing one song. */
    private static final class Ctx {
        final long seed;
        final SplittableRandom r;
        final Genre genre;
        final double bpm;
        final boolean minor;
        final double beat;
        final int[] scale;
        final int tonic;
        final int[] progression;
        final List<Section> sections;

        Ctx(
                long seed,
                SplittableRandom r,
                Genre genre,
                double bpm,
                boolean minor,
                int tonic,
                int[] progression,
                List<Section> sections) {
            this.seed = seed;
            this.r = r;
            this.genre = genre;
            this.bpm = bpm;
            this.minor = minor;
            this.beat = 60.0 / bpm;
            this.scale = minor ? MINOR : MAJOR;
            this.tonic = tonic;
            this.progression = progression;
            this.sections = sections;
        }

        /** Start time of a sixteenth step within a bar, with the genre's swing on off-beat eighths. */
        double time(int bar, int step) {
            int beatIndex = step / 4;
            int within = step % 4;
            double offset;
            switch (within) {
                case 0:
                    offset = 0;
                    break;
                case 2:
                    offset = genre.swing;
                    break;
                case 1:
                    offset = genre.swing / 2;
                    break;
                default:
                    offset = genre.swing + (1 - genre.swing) / 2;
            }
            return (bar * 4 + beatIndex + offset) * beat;
        }

        Section section(int bar) {
            for (Section s : sections) {
                if (bar >= s.startBar() && bar < s.startBar() + s.bars()) {
                    return s;
                }
            }
            return sections.get(sections.size() - 1);
        }

        int bars() {
            Section last = sections.get(sections.size() - 1);
            return last.startBar() + last.bars();
        }

        boolean lastBarOfSection(int bar) {
            Section s = section(bar);
            return bar == s.startBar() + s.bars() - 1;
        }

        /** Pitch class offsets (from the tonic) of the triad on the bar's chord, root first. */
        int[] chord(int bar) {
            int degree = progression[bar % progression.length];
            return new int[] {degreeOffset(degree), degreeOffset(degree + 2), degreeOffset(degree + 4)};
        }

        int degreeOffset(int degree) {
            return scale[degree % 7] + 12 * (degree / 7);
        }

        /** The MIDI key of a pitch offset in the octave nearest {@code around}. */
        int near(int offset, int around) {
            int pc = Math.floorMod(tonic + offset, 12);
            int key = around - Math.floorMod(around - pc, 12);
            if (around - key > 6) {
                key += 12;
            }
            return key;
        }

        int velocity(int base, int bar) {
            int v = (int) Math.round(base * (0.55 + 0.45 * section(bar).intensity())) + r.nextInt(-6, 7);
            return Math.max(1, Math.min(127, v));
        }

        int pick(int[] programs) {
            return programs[r.nextInt(programs.length)];
        }
    }

    private static Part part(StemRole role, Ctx c) {
        switch (role) {
            case DRUMS:
                return new Part("drums", role, 0, true, drums(c));
            case PERCUSSION:
                return new Part("percussion", role, 0, true, percussion(c));
            case BASS:
                return new Part("bass", role, c.pick(c.genre.bass), false, bass(c));
            case KEYS:
                return new Part("keys", role, c.pick(c.genre.keys), false, chords(c, 60, false));
            case GUITAR:
                return new Part("guitar", role, c.pick(c.genre.guitar), false, chords(c, 55, true));
            case PAD:
                return new Part("pad", role, c.pick(c.genre.pad), false, sustained(c, 64, 1, 70));
            case STRINGS:
                return new Part("strings", role, c.pick(c.genre.strings), false, sustained(c, 67, 2, 75));
            case BRASS:
                return new Part("brass", role, c.pick(c.genre.brass), false, stabs(c));
            case VOCALS:
                return new Part(
                        "vocals",
                        role,
                        VOCAL_PROGRAMS[c.r.nextInt(VOCAL_PROGRAMS.length)],
                        false,
                        melody(c, 60, 76, 100));
            case BACKING_VOCALS:
                return new Part(
                        "backing-vocals",
                        role,
                        BACKING_PROGRAMS[c.r.nextInt(BACKING_PROGRAMS.length)],
                        false,
                        backing(c));
            case LEAD:
                return new Part("lead", role, c.pick(c.genre.lead), false, melody(c, 67, 84, 95));
            case SYNTH:
                return new Part("synth", role, 81, false, arpeggio(c));
            default:
                throw new IllegalArgumentException("no part for " + role);
        }
    }

    private static void hit(List<Note> out, Ctx c, int bar, int step, int key, int base) {
        out.add(new Note(c.time(bar, step), c.beat / 4, key, c.velocity(base, bar)));
    }

    private static List<Note> drums(Ctx c) {
        List<Note> out = new ArrayList<>();
        for (int bar = 0; bar < c.bars(); bar++) {
            Section s = c.section(bar);
            boolean intro = s.name().equals("intro");
            if (bar == s.startBar() && bar > 0) {
                hit(out, c, bar, 0, 49, 110); // crash on a new section
            }
            boolean fill = c.lastBarOfSection(bar) && bar < c.bars() - 1;
            for (int step = 0; step < 16; step++) {
                if (fill && step >= 12) {
                    int[] toms = {50, 48, 47, 45};
                    hit(out, c, bar, step, toms[step - 12], 105);
                    continue;
                }
                switch (c.genre) {
                    case ELECTRONIC:
                        if (step % 4 == 0 && !intro) {
                            hit(out, c, bar, step, 36, 120);
                        }
                        if (step == 4 || step == 12) {
                            hit(out, c, bar, step, 39, 105);
                        }
                        if (step % 4 == 2) {
                            hit(out, c, bar, step, 46, 80);
                        } else {
                            hit(out, c, bar, step, 42, 60);
                        }
                        break;
                    case FUNK:
                        if (step == 0 || step == 3 || step == 10) {
                            hit(out, c, bar, step, 36, 115);
                        }
                        if (step == 4 || step == 12) {
                            hit(out, c, bar, step, 38, 110);
                        } else if (step == 7 || step == 9 || step == 15) {
                            hit(out, c, bar, step, 38, 45); // ghost notes
                        }
                        hit(out, c, bar, step, 42, step % 2 == 0 ? 75 : 50);
                        break;
                    case HIPHOP:
                        if (step == 0 || step == 7 || step == 10) {
                            hit(out, c, bar, step, 36, 118);
                        }
                        if (step == 4 || step == 12) {
                            hit(out, c, bar, step, 38, 108);
                        }
                        if (step % 2 == 0) {
                            hit(out, c, bar, step, 42, 70);
                        }
                        break;
                    case BALLAD:
                        if (step == 0 || step == 10) {
                            hit(out, c, bar, step, 36, 95);
                        }
                        if ((step == 4 || step == 12) && !intro) {
                            hit(out, c, bar, step, 37, 85); // side stick
                        }
                        if (step % 4 == 0) {
                            hit(out, c, bar, step, 42, 55);
                        }
                        break;
                    default: // POP, ROCK
                        if (step == 0
                                || step == 8
                                || (c.genre == Genre.ROCK && step == 10)
                                || step == 6 && bar % 2 == 1) {
                            hit(out, c, bar, step, 36, 115);
                        }
                        if ((step == 4 || step == 12) && !intro) {
                            hit(out, c, bar, step, 38, 112);
                        }
                        if (step % 2 == 0) {
                            hit(out, c, bar, step, s.intensity() >= 1 ? 46 : 42, 70);
                        }
                }
            }
        }
        return out;
    }

    private static List<Note> percussion(Ctx c) {
        List<Note> out = new ArrayList<>();
        int style = c.r.nextInt(3);
        for (int bar = 0; bar < c.bars(); bar++) {
            if (c.section(bar).name().equals("intro")) {
                continue;
            }
            for (int step = 0; step < 16; step++) {
                switch (style) {
                    case 0: // shaker sixteenths
                        hit(out, c, bar, step, 70, step % 4 == 2 ? 80 : 55);
                        break;
                    case 1: // tambourine on the backbeat and off-beats
                        if (step % 4 == 2 || step == 4 || step == 12) {
                            hit(out, c, bar, step, 54, step % 4 == 2 ? 60 : 85);
                        }
                        break;
                    default: // congas
                        if (step == 0 || step == 3 || step == 6 || step == 10 || step == 14) {
                            hit(out, c, bar, step, step == 6 || step == 14 ? 63 : 64, 85);
                        }
                }
            }
        }
        return out;
    }

    private static List<Note> bass(Ctx c) {
        List<Note> out = new ArrayList<>();
        for (int bar = 0; bar < c.bars(); bar++) {
            int[] ch = c.chord(bar);
            int root = c.near(ch[0], 40);
            int fifth = c.near(ch[2], root + 7);
            int[] steps;
            switch (c.genre) {
                case ELECTRONIC:
                    steps = new int[] {2, 6, 10, 14};
                    break;
                case FUNK:
                    steps = new int[] {0, 3, 6, 8, 10, 11, 14};
                    break;
                case BALLAD:
                    steps = new int[] {0, 8};
                    break;
                case HIPHOP:
                    steps = new int[] {0, 7, 10};
                    break;
                default:
                    steps = new int[] {0, 2, 4, 6, 8, 10, 12, 14};
            }
            for (int i = 0; i < steps.length; i++) {
                int next = i + 1 < steps.length ? steps[i + 1] : 16;
                double length = (next - steps[i]) * c.beat / 4 * 0.9;
                int key = root;
                if (c.genre == Genre.FUNK && i % 3 == 2) {
                    key = root + 12;
                } else if ((c.genre == Genre.BALLAD || c.genre == Genre.POP) && i == steps.length - 1 && bar % 2 == 1) {
                    key = fifth;
                }
                out.add(new Note(c.time(bar, steps[i]), length, key, c.velocity(105, bar)));
            }
        }
        return out;
    }

    /** Keys or guitar: the bar's chord in a rhythm of the genre; guitars strum (notes a few ms apart). */
    private static List<Note> chords(Ctx c, int around, boolean strum) {
        List<Note> out = new ArrayList<>();
        for (int bar = 0; bar < c.bars(); bar++) {
            int[] ch = c.chord(bar);
            int[] keys = {c.near(ch[0], around), c.near(ch[1], around + 4), c.near(ch[2], around + 7)};
            int[] steps;
            switch (c.genre) {
                case FUNK:
                    steps = new int[] {2, 6, 7, 10, 14};
                    break;
                case BALLAD:
                    steps = new int[] {0, 2, 4, 6, 8, 10, 12, 14}; // arpeggio
                    break;
                case ROCK:
                    steps = new int[] {0, 2, 4, 6, 8, 10, 12, 14};
                    break;
                case ELECTRONIC:
                    steps = new int[] {0, 3, 6, 10, 12};
                    break;
                default:
                    steps = new int[] {0, 4, 8, 12};
            }
            for (int i = 0; i < steps.length; i++) {
                int next = i + 1 < steps.length ? steps[i + 1] : 16;
                double length = (next - steps[i]) * c.beat / 4 * 0.85;
                if (c.genre == Genre.BALLAD) {
                    out.add(new Note(
                            c.time(bar, steps[i]),
                            length * 2,
                            keys[i % 3] + (i % 6 >= 3 ? 12 : 0),
                            c.velocity(80, bar)));
                    continue;
                }
                for (int k = 0; k < keys.length; k++) {
                    double t = c.time(bar, steps[i]) + (strum ? 0.012 * k : 0);
                    out.add(new Note(t, length, keys[k], c.velocity(strum ? 90 : 85, bar)));
                }
            }
        }
        return out;
    }

    /** Pads and strings: the chord held for the bar (or half bars), entering after the intro for strings. */
    private static List<Note> sustained(Ctx c, int around, int perBar, int base) {
        List<Note> out = new ArrayList<>();
        for (int bar = 0; bar < c.bars(); bar++) {
            if (perBar == 2 && c.section(bar).name().equals("intro")) {
                continue;
            }
            int[] ch = c.chord(bar);
            for (int h = 0; h < perBar; h++) {
                double t = c.time(bar, h * 16 / perBar);
                double length = 4 * c.beat / perBar * 0.98;
                for (int k = 0; k < 3; k++) {
                    out.add(new Note(t, length, c.near(ch[k], around + 3 * k), c.velocity(base, bar)));
                }
            }
        }
        return out;
    }

    private static List<Note> stabs(Ctx c) {
        List<Note> out = new ArrayList<>();
        for (int bar = 0; bar < c.bars(); bar++) {
            if (c.section(bar).intensity() < 0.8) {
                continue;
            }
            int[] ch = c.chord(bar);
            for (int step : new int[] {0, 6}) {
                for (int k = 0; k < 3; k++) {
                    out.add(new Note(c.time(bar, step), c.beat * 0.4, c.near(ch[k], 62 + 4 * k), c.velocity(100, bar)));
                }
            }
        }
        return out;
    }

    /**
     * A melody between {@code low} and {@code high}: per section a two-bar rhythm motif, pitches on chord tones at
     * strong steps and scale steps between, a random walk that stays in range; silent in intro and outro.
     */
    private static List<Note> melody(Ctx c, int low, int high, int base) {
        List<Note> out = new ArrayList<>();
        int key = (low + high) / 2;
        for (Section s : c.sections) {
            if (s.intensity() < 0.7) {
                continue;
            }
            List<int[]> motif = rhythm(c.r); // {step in 32 (two bars), length in sixteenths}
            for (int bar = s.startBar(); bar < s.startBar() + s.bars(); bar += 2) {
                for (int[] n : motif) {
                    int b = bar + n[0] / 16;
                    if (b >= s.startBar() + s.bars()) {
                        break;
                    }
                    int step = n[0] % 16;
                    int[] ch = c.chord(b);
                    if (step % 4 == 0) {
                        key = c.near(ch[c.r.nextInt(3)], key);
                    } else {
                        key = stepScale(c, key, c.r.nextInt(-2, 3));
                    }
                    while (key > high) {
                        key -= 12;
                    }
                    while (key < low) {
                        key += 12;
                    }
                    out.add(new Note(c.time(b, step), n[1] * c.beat / 4 * 0.95, key, c.velocity(base, b)));
                }
            }
        }
        return out;
    }

    private static List<int[]> rhythm(SplittableRandom r) {
        List<int[]> out = new ArrayList<>();
        int step = r.nextInt(2) * 2;
        while (step < 28) {
            int length = new int[] {2, 2, 4, 4, 6, 8}[r.nextInt(6)];
            out.add(new int[] {step, Math.min(length, 32 - step)});
            step += length + (r.nextDouble() < 0.25 ? 2 : 0);
        }
        return out;
    }

    private static int stepScale(Ctx c, int key, int steps) {
        int k = key;
        int dir = Integer.signum(steps);
        for (int i = 0; i < Math.abs(steps); i++) {
            do {
                k += dir;
            } while (!inScale(c, k));
        }
        return k;
    }

    private static boolean inScale(Ctx c, int key) {
        int pc = Math.floorMod(key - c.tonic, 12);
        for (int s : c.scale) {
            if (s == pc) {
                return true;
            }
        }
        return false;
    }

    private static List<Note> backing(Ctx c) {
        List<Note> out = new ArrayList<>();
        for (int bar = 0; bar < c.bars(); bar++) {
            if (c.section(bar).intensity() < 1) {
                continue;
            }
            int[] ch = c.chord(bar);
            for (int h = 0; h < 2; h++) {
                double t = c.time(bar, h * 8);
                out.add(new Note(t, 2 * c.beat * 0.95, c.near(ch[1], 64), c.velocity(85, bar)));
                out.add(new Note(t, 2 * c.beat * 0.95, c.near(ch[2], 67), c.velocity(80, bar)));
            }
        }
        return out;
    }

    private static List<Note> arpeggio(Ctx c) {
        List<Note> out = new ArrayList<>();
        for (int bar = 0; bar < c.bars(); bar++) {
            if (c.section(bar).name().equals("intro")) {
                continue;
            }
            int[] ch = c.chord(bar);
            int[] keys = {c.near(ch[0], 72), c.near(ch[1], 76), c.near(ch[2], 79), c.near(ch[0], 84)};
            for (int step = 0; step < 16; step++) {
                out.add(new Note(c.time(bar, step), c.beat / 4 * 0.8, keys[step % 4], c.velocity(70, bar)));
            }
        }
        return out;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom r) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    static Set<StemRole> roles(Song s) {
        Set<StemRole> out = EnumSet.noneOf(StemRole.class);
        s.parts().forEach(p -> out.add(p.role()));
        return out;
    }
}
