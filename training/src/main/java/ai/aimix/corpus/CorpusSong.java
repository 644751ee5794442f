package ai.aimix.corpus;

import ai.aimix.dsp.filter.Biquad;
import ai.aimix.dsp.filter.BiquadCascade;
import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.OfflineRenderer;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.schema.StemRole;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One song of the training corpus: clean stems rendered from a composed song, the reference mix's parameters from
 * {@link MixRules}, and the <b>unmixed inputs</b> a model sees: every stem with a random gain in
 * [{@link #MIN_GAIN_DB}, {@link #MAX_GAIN_DB}] dB and a random tilt (the renderer's low shelf +t and high shelf -t,
 * t in +-{@link #MAX_TILT_DB} dB), centred. The perturbations are recorded, so the <b>ideal correction</b> of each
 * stem, the parameters that turn its unmixed input back into its part of the reference mix, is known: gain
 * reference - g, pan as the reference, low shelf reference - t, high shelf reference + t, compressor threshold
 * reference + g (the compressor sees the stem after the perturbation's gain), ratio as the reference. (The shelves
 * of the perturbation and of the correction have the same corner and slope; two shelves compose to the shelf of
 * the summed gain up to a fraction of a dB near the corner.) {@link Perturbation#WIDE} adds a resonance at the
 * renderer's mid peak, undone exactly by the opposite peak. Everything is a function of the seed.
 */
public final class CorpusSong {
    public static final float MIN_GAIN_DB = -15f;
    public static final float MAX_GAIN_DB = 9f;
    public static final float MAX_TILT_DB = 6f;
    /** The largest resonance ({@link Perturbation#WIDE}): a mid peak of up to this many dB, up or down. */
    public static final float MAX_RESONANCE_DB = 6f;
    /**
     * Salt of a song's rooms: stem i's room is the i-th value of a generator seeded with the song's seed xor this (not
     * seed * gamma + i: SplittableRandom steps by gamma, so consecutive songs would get one room stream shifted).
     */
    private static final long ROOM_SALT = 0x2545F4914F6CDD1DL;
    /** Loudness assumed for a stem with no measurable loudness (silent). */
    public static final double SILENT_LUFS = -70;

    /** One stem and everything known about it. */
    public static final class Stem {
        public final String name;
        public final StemRole role;
        public final int program;
        /** Interleaved stereo. */
        public final float[] clean;

        public final float[] unmixed;
        public final double cleanLufs;
        public final float perturbGainDb;
        public final float tiltDb;
        /** The resonance at the mid peak, dB (0 but for {@link Perturbation#WIDE}). */
        public final float resonanceDb;

        public final float[] reference;
        public final float[] ideal;
        /** The sound bank that played it ({@link MidiSynth#bankNames()}). */
        public final String sounds;

        Stem(
                String name,
                StemRole role,
                int program,
                float[] clean,
                float[] unmixed,
                double cleanLufs,
                float perturbGainDb,
                float tiltDb,
                float resonanceDb,
                float[] reference,
                float[] ideal,
                String sounds) {
            this.name = name;
            this.role = role;
            this.program = program;
            this.clean = clean;
            this.unmixed = unmixed;
            this.cleanLufs = cleanLufs;
            this.perturbGainDb = perturbGainDb;
            this.tiltDb = tiltDb;
            this.resonanceDb = resonanceDb;
            this.reference = reference;
            this.ideal = ideal;
            this.sounds = sounds;
        }
    }

    public final Composer.Song song;
    public final Split split;
    public final int sampleRate;
    public final int frames;
    public final List<Stem> stems;
    public final String sounds;

    /** Which perturbation of the song this is (0: the song's own). */
    public final int variant;

    private CorpusSong(
            Composer.Song song, Split split, int sampleRate, int frames, List<Stem> stems, String sounds, int variant) {
        this.variant = variant;
        this.song = song;
        this.split = split;
        this.sampleRate = sampleRate;
        this.frames = frames;
        this.stems = stems;
        this.sounds = sounds;
    }

    public long seed() {
        return song.seed();
    }

    /**
     * Composes, renders and perturbs the song of {@code seed}.
     *
     * @param render the renderer's settings (shelf corners and slope are used for the tilt)
     */
    public static CorpusSong generate(long seed, Composer composer, MidiSynth synth, RenderSettings render)
            throws IOException {
        return generate(seed, composer, synth, render, 1).get(0);
    }

    /**
     * The song of {@code seed} rendered once and perturbed {@code variants} times: variant 0 is
     * {@link #generate(long, Composer, MidiSynth, RenderSettings)}'s, the others draw other gains and tilts for the
     * same clean stems (augmentation at the audio level: more unmixed inputs per song, each with its own ideal
     * correction).
     */
    public static List<CorpusSong> generate(
            long seed, Composer composer, MidiSynth synth, RenderSettings render, int variants) throws IOException {
        return generate(seed, composer, synth, Voicing.of(synth), render, variants);
    }

    /**
     * As {@link #generate(long, Composer, MidiSynth, RenderSettings, int)}, each stem played by the bank
     * {@code voicing} gives it, and the song in the split it says (the unseen split for its unseen genre).
     */
    public static List<CorpusSong> generate(
            long seed, Composer composer, MidiSynth synth, Voicing voicing, RenderSettings render, int variants)
            throws IOException {
        return generate(seed, composer, synth, voicing, Perturbation.LEVEL_TILT, render, variants);
    }

    /** As {@link #generate(long, Composer, MidiSynth, Voicing, RenderSettings, int)}, perturbed as {@code kind} says. */
    public static List<CorpusSong> generate(
            long seed,
            Composer composer,
            MidiSynth synth,
            Voicing voicing,
            Perturbation kind,
            RenderSettings render,
            int variants)
            throws IOException {
        return generate(seed, composer, synth, voicing, Recording.DRY, kind, render, variants);
    }

    /**
     * As {@link #generate(long, Composer, MidiSynth, Voicing, Perturbation, RenderSettings, int)}, each clean stem
     * recorded as {@code recording} says (in a room of its own, seeded by the song and the stem) before anything is
     * measured or perturbed.
     */
    public static List<CorpusSong> generate(
            long seed,
            Composer composer,
            MidiSynth synth,
            Voicing voicing,
            Recording recording,
            Perturbation kind,
            RenderSettings render,
            int variants)
            throws IOException {
        if (variants < 1) {
            throw new IllegalArgumentException("at least one variant");
        }
        Composer.Song song = composer.compose(seed);
        int sr = synth.sampleRate();
        int frames = (int) Math.round(song.seconds() * sr);
        List<float[]> clean = new ArrayList<>();
        List<StemRole> roles = new ArrayList<>();
        double[] lufs = new double[song.parts().size()];
        String[] banks = new String[song.parts().size()];
        long[] rooms = roomSeeds(seed, song.parts().size());
        for (int i = 0; i < song.parts().size(); i++) {
            Part p = song.parts().get(i);
            banks[i] = voicing.bank(song, i);
            float[] audio = recording.record(synth.render(p, song.seconds(), banks[i]), sr, rooms[i]);
            clean.add(audio);
            roles.add(p.role());
            double l = LoudnessAnalysis.ofInterleaved(audio, 2, sr, ChannelWeights.forChannels(2)).integratedLufs;
            lufs[i] = Double.isFinite(l) ? l : SILENT_LUFS;
        }
        float[][] reference = MixRules.reference(roles, lufs);
        List<CorpusSong> out = new ArrayList<>();
        for (int v = 0; v < variants; v++) {
            out.add(new CorpusSong(
                    song,
                    voicing.split(song),
                    sr,
                    frames,
                    perturbAll(
                            song,
                            clean,
                            lufs,
                            reference,
                            render,
                            new SplittableRandom((seed ^ 0x7F4A7C159E3779B9L) + v * 0x9E3779B97F4A7C15L),
                            banks,
                            kind),
                    synth.sounds(),
                    v));
        }
        return out;
    }

    /** The seeds of the rooms of a song's stems ({@link Recording#ROOM}). */
    static long[] roomSeeds(long seed, int stems) {
        SplittableRandom r = new SplittableRandom(seed ^ ROOM_SALT);
        long[] out = new long[stems];
        for (int i = 0; i < stems; i++) {
            out[i] = r.nextLong();
        }
        return out;
    }

    private static List<Stem> perturbAll(
            Composer.Song song,
            List<float[]> clean,
            double[] lufs,
            float[][] reference,
            RenderSettings render,
            SplittableRandom r,
            String[] banks,
            Perturbation kind) {
        List<Stem> stems = new ArrayList<>();
        int n = clean.size();
        float[] gains = new float[n];
        float[] tilts = new float[n];
        for (int i = 0; i < n; i++) {
            gains[i] = (float) (MIN_GAIN_DB + (MAX_GAIN_DB - MIN_GAIN_DB) * r.nextDouble());
            tilts[i] = (float) (MAX_TILT_DB * (2 * r.nextDouble() - 1));
        }
        // drawn after every level and tilt: a WIDE corpus has the LEVEL_TILT corpus's levels and tilts
        float[] resonances = new float[n];
        for (int i = 0; kind == Perturbation.WIDE && i < n; i++) {
            resonances[i] = (float) (MAX_RESONANCE_DB * (2 * r.nextDouble() - 1));
        }
        for (int i = 0; i < n; i++) {
            float g = gains[i];
            float t = tilts[i];
            float m = resonances[i];
            float[] unmixed = perturb(clean.get(i), g, t, m, render);
            float[] ref = reference[i];
            float[] ideal = ref.clone();
            ideal[MixParams.GAIN_DB] = ref[MixParams.GAIN_DB] - g;
            ideal[MixParams.LOW_SHELF_DB] = ref[MixParams.LOW_SHELF_DB] - t;
            ideal[MixParams.HIGH_SHELF_DB] = ref[MixParams.HIGH_SHELF_DB] + t;
            ideal[MixParams.MID_PEAK_DB] = ref[MixParams.MID_PEAK_DB] - m;
            if (ref[MixParams.COMP_RATIO] > 1) {
                ideal[MixParams.COMP_THRESHOLD_DB] = ref[MixParams.COMP_THRESHOLD_DB] + g;
            }
            Part p = song.parts().get(i);
            stems.add(new Stem(
                    p.name(), p.role(), p.program(), clean.get(i), unmixed, lufs[i], g, t, m, ref, ideal, banks[i]));
        }
        return stems;
    }

    /** The stem with gain {@code g} dB and a tilt: low shelf +t, high shelf -t at the renderer's corners. */
    static float[] perturb(float[] clean, float g, float t, RenderSettings render) {
        return perturb(clean, g, t, 0f, render);
    }

    /** ... and a resonance of {@code m} dB at the renderer's mid peak (none when 0). */
    static float[] perturb(float[] clean, float g, float t, float m, RenderSettings render) {
        int frames = clean.length / 2;
        float[] left = new float[frames];
        float[] right = new float[frames];
        for (int i = 0; i < frames; i++) {
            left[i] = clean[2 * i];
            right[i] = clean[2 * i + 1];
        }
        BiquadCascade eq = new BiquadCascade(m == 0f ? 2 : 3, 2);
        eq.set(0, Biquad.lowShelf(render.sampleRate, render.lowShelfHz, render.shelfSlope, t));
        eq.set(1, Biquad.highShelf(render.sampleRate, render.highShelfHz, render.shelfSlope, -t));
        if (m != 0f) {
            eq.set(2, Biquad.peaking(render.sampleRate, render.midPeakHz, render.midPeakQ, m));
        }
        eq.process(left, right, 0, frames);
        float gain = (float) Math.pow(10, g / 20.0);
        float[] out = new float[clean.length];
        for (int i = 0; i < frames; i++) {
            out[2 * i] = left[i] * gain;
            out[2 * i + 1] = right[i] * gain;
        }
        return out;
    }

    /** The reference mix: the clean stems through the renderer with the reference parameters. Planar stereo. */
    public float[][] referenceMix(RenderSettings render) {
        return referenceMix(render, null, 0f);
    }

    /**
     * The reference mix as a listener with a taste would have it: the stems of {@code role} {@code gainDb} louder
     * (null: the reference itself).
     */
    public float[][] referenceMix(RenderSettings render, StemRole role, float gainDb) {
        float[][] audio = new float[stems.size()][];
        float[][] params = new float[stems.size()][];
        for (int i = 0; i < stems.size(); i++) {
            audio[i] = stems.get(i).clean;
            params[i] = stems.get(i).reference.clone();
            if (stems.get(i).role == role) {
                params[i][MixParams.GAIN_DB] += gainDb;
            }
        }
        return render(render, audio, constant(render, params));
    }

    /** The unmixed inputs through the renderer with per-segment parameters [segment][stem][parameter]. */
    public float[][] mix(RenderSettings render, float[][][] schedule) {
        float[][] audio = new float[stems.size()][];
        for (int i = 0; i < stems.size(); i++) {
            audio[i] = stems.get(i).unmixed;
        }
        return render(render, audio, schedule);
    }

    /** A schedule with the same parameters on every segment. */
    public float[][][] constant(RenderSettings render, float[][] perStem) {
        int segments = segments(render);
        float[][][] out = new float[segments][][];
        Arrays.fill(out, perStem);
        return out;
    }

    public int segments(RenderSettings render) {
        return (frames + render.segmentFrames - 1) / render.segmentFrames;
    }

    private float[][] render(RenderSettings render, float[][] audio, float[][][] schedule) {
        if (render.sampleRate != sampleRate) {
            throw new IllegalArgumentException(
                    "render settings at " + render.sampleRate + " Hz, song at " + sampleRate);
        }
        int[] channels = new int[audio.length];
        Arrays.fill(channels, 2);
        return OfflineRenderer.renderPlanar(render, audio, channels, frames, schedule);
    }
}
