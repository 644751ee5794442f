package ai.aimix.clients.song;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.schema.StemRole;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Writes a small pop song as separate stereo stems, entirely in code and deterministic for a seed: drums, bass,
 * keys, vocals (formant-synthesised "ah"/"oh" vowels), lead, and for longer line-ups pad, guitar (plucked strings)
 * and percussion. A-minor progression i-VI-III-VII at 112 BPM, arranged in sections (intro, verse, chorus) so the
 * stems come and go. Stem levels differ on purpose: a raw multitrack, not a mix.
 */
public final class SongGenerator {
    // not thread-safe: one song at a time per instance

    public static final int MIN_STEMS = 5;
    public static final int MAX_STEMS = 8;

    private static final double BPM = 112;
    /** A minor, F major, C major, G major: roots as MIDI notes in octave 3, and triads. */
    private static final int[] ROOTS = {57, 53, 48, 55};

    private static final int[][] TRIADS = {{57, 60, 64}, {53, 57, 60}, {48, 52, 55}, {55, 59, 62}};
    /** A minor pentatonic for the melodies. */
    private static final int[] SCALE = {69, 72, 74, 76, 79, 81, 84};

    private static final int TABLE = 4096;
    private static final float[] SINE = new float[TABLE + 1];

    static {
        for (int i = 0; i <= TABLE; i++) {
            SINE[i] = (float) Math.sin(2 * Math.PI * i / TABLE);
        }
    }

    private final long seed;
    private final int sampleRate;
    private final double beat;
    private double songSeconds;

    public SongGenerator(long seed, int sampleRate) {
        this.seed = seed;
        this.sampleRate = sampleRate;
        this.beat = 60.0 / BPM;
    }

    /** The stems of a song {@code seconds} long; {@code stems} between 5 and 8. */
    public List<StemInput> generate(double seconds, int stems) {
        if (stems < MIN_STEMS || stems > MAX_STEMS) {
            throw new IllegalArgumentException("the generator writes " + MIN_STEMS + " to " + MAX_STEMS + " stems");
        }
        int frames = (int) Math.round(seconds * sampleRate);
        songSeconds = seconds;
        List<Supplier<StemInput>> parts = new ArrayList<>();
        parts.add(() -> stem("drums", StemRole.DRUMS, drums(frames), 0.9));
        parts.add(() -> stem("bass", StemRole.BASS, bass(frames), 0.55));
        parts.add(() -> stem("keys", StemRole.KEYS, keys(frames), 0.35));
        parts.add(() -> stem("vocals", StemRole.VOCALS, vocals(frames), 0.5));
        parts.add(() -> stem("lead", StemRole.LEAD, lead(frames), 0.25));
        parts.add(() -> stem("pad", StemRole.PAD, pad(frames), 0.3));
        parts.add(() -> stem("guitar", StemRole.GUITAR, guitar(frames), 0.4));
        parts.add(() -> stem("percussion", StemRole.PERCUSSION, percussion(frames), 0.3));
        // the instruments are independent: render them on all cores, keep their order
        List<StemInput> out =
                parts.subList(0, stems).parallelStream().map(Supplier::get).collect(Collectors.toList());
        return out;
    }

    private StemInput stem(String name, StemRole role, float[][] lr, double peakTarget) {
        // normalise each stem to its own peak level: different, realistic recording levels
        float peak = 1e-9f;
        for (float[] ch : lr) {
            for (float v : ch) {
                peak = Math.max(peak, Math.abs(v));
            }
        }
        float g = (float) (peakTarget / peak);
        int n = lr[0].length;
        float[] inter = new float[2 * n];
        for (int i = 0; i < n; i++) {
            inter[2 * i] = lr[0][i] * g;
            inter[2 * i + 1] = lr[1][i] * g;
        }
        return new StemInput(name, role, new Audio(sampleRate, 2, inter));
    }

    // ------------------------------------------------------------------ arrangement

    private enum Section {
        INTRO,
        VERSE,
        CHORUS
    }

    /**
     * Intro (at most 4 bars, at most a fifth of the song), then verse and chorus: halves of the rest for songs up
     * to 24 bars, alternating every 4 bars for longer ones. Every stem plays in every song.
     */
    private Section section(double t) {
        double barSeconds = 4 * beat;
        double intro = Math.min(4 * barSeconds, 0.2 * songSeconds);
        if (t < intro) {
            return Section.INTRO;
        }
        if (songSeconds <= 24 * barSeconds) {
            return t < intro + (songSeconds - intro) / 2 ? Section.VERSE : Section.CHORUS;
        }
        int phrase = (int) ((t - intro) / (4 * barSeconds));
        return phrase % 2 == 0 ? Section.VERSE : Section.CHORUS;
    }

    private int chordAt(double t) {
        return (int) (t / (4 * beat)) % 4;
    }

    private static double midiHz(double note) {
        return 440.0 * Math.pow(2, (note - 69) / 12.0);
    }

    private static float sine(double phase) {
        double p = phase - Math.floor(phase);
        double x = p * TABLE;
        int i = (int) x;
        float f = (float) (x - i);
        return SINE[i] + f * (SINE[i + 1] - SINE[i]);
    }

    private static float[][] buffers(int frames) {
        return new float[2][frames];
    }

    // ------------------------------------------------------------------ instruments

    private float[][] drums(int frames) {
        float[][] out = buffers(frames);
        SplittableRandom r = new SplittableRandom(seed * 31 + 1);
        double eighth = beat / 2;
        int steps = (int) (frames / (eighth * sampleRate)) + 1;
        for (int s = 0; s < steps; s++) {
            double t = s * eighth;
            int start = (int) (t * sampleRate);
            if (start >= frames) {
                break;
            }
            int pos = s % 8;
            Section sec = section(t);
            boolean kick =
                    pos == 0 || pos == 4 || (sec == Section.CHORUS && pos == 5) || (pos == 7 && r.nextInt(4) == 0);
            if (kick) {
                addKick(out, start, frames, 0.9);
            }
            if (pos == 2 || pos == 6) {
                addSnare(out, start, frames, 0.6, r);
            }
            if (sec != Section.INTRO || pos % 2 == 0) {
                addHat(out, start, frames, pos % 2 == 0 ? 0.25 : 0.15, r, pos % 2 == 0 ? -0.3 : 0.3);
            }
        }
        return out;
    }

    private void addKick(float[][] out, int start, int frames, double level) {
        int n = Math.min(frames - start, (int) (0.35 * sampleRate));
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / sampleRate;
            double f = 45 + 80 * Math.exp(-t * 30);
            phase += f / sampleRate;
            float v = (float) (level * Math.exp(-t * 9) * sine(phase));
            out[0][start + i] += v;
            out[1][start + i] += v;
        }
    }

    private void addSnare(float[][] out, int start, int frames, double level, SplittableRandom r) {
        int n = Math.min(frames - start, (int) (0.2 * sampleRate));
        double phase = 0;
        double lp = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / sampleRate;
            phase += 190.0 / sampleRate;
            double noise = 2 * r.nextDouble() - 1;
            lp += 0.5 * (noise - lp);
            double v = level * (0.5 * Math.exp(-t * 30) * sine(phase) + 0.7 * Math.exp(-t * 18) * (noise - lp));
            out[0][start + i] += (float) (v * 0.95);
            out[1][start + i] += (float) (v * 1.05);
        }
    }

    private void addHat(float[][] out, int start, int frames, double level, SplittableRandom r, double pan) {
        int n = Math.min(frames - start, (int) (0.05 * sampleRate));
        double prev = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / sampleRate;
            double noise = 2 * r.nextDouble() - 1;
            double hp = noise - prev; // first difference: bright
            prev = noise;
            double v = level * Math.exp(-t * 70) * hp;
            out[0][start + i] += (float) (v * (1 - pan));
            out[1][start + i] += (float) (v * (1 + pan));
        }
    }

    private float[][] bass(int frames) {
        float[][] out = buffers(frames);
        double eighth = beat / 2;
        double phase = 0;
        double lp = 0;
        for (int i = 0; i < frames; i++) {
            double t = (double) i / sampleRate;
            int step = (int) (t / eighth);
            double inStep = t - step * eighth;
            int pos = step % 8;
            int root = ROOTS[chordAt(t)] - 24;
            double note = pos == 7 ? root + 7 : (pos == 3 ? root + 12 : root);
            double f = midiHz(note);
            phase += f / sampleRate;
            double saw = 2 * (phase - Math.floor(phase)) - 1;
            lp += 0.08 * (saw - lp);
            double env = Math.exp(-inStep * 6) * Math.min(1, inStep * 400);
            float v = (float) (lp * env);
            out[0][i] = v;
            out[1][i] = v;
        }
        return out;
    }

    private float[][] keys(int frames) {
        float[][] out = buffers(frames);
        double[] phases = new double[6];
        for (int i = 0; i < frames; i++) {
            double t = (double) i / sampleRate;
            int[] triad = TRIADS[chordAt(t)];
            double inBeat = t % beat;
            double env = Math.exp(-inBeat * 3.5) * Math.min(1, inBeat * 200);
            double l = 0;
            double r = 0;
            for (int k = 0; k < 3; k++) {
                double f = midiHz(triad[k]);
                phases[k] += f / sampleRate;
                phases[k + 3] += 2.003 * f / sampleRate;
                double v = sine(phases[k]) + 0.3 * sine(phases[k + 3]);
                l += v * (1.2 - 0.3 * k);
                r += v * (0.6 + 0.3 * k);
            }
            out[0][i] = (float) (l * env);
            out[1][i] = (float) (r * env);
        }
        return out;
    }

    /** The melody note of the vocal or lead line at time t (or NaN for a rest). */
    private double melody(double t, long salt, double noteBeats) {
        int step = (int) (t / (noteBeats * beat));
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + salt * 7919L + step % 16);
        if (r.nextInt(6) == 0) {
            return Double.NaN;
        }
        int chord = chordAt(t);
        int idx = (chord * 2 + r.nextInt(3)) % SCALE.length;
        return SCALE[idx];
    }

    private float[][] vocals(int frames) {
        float[][] out = buffers(frames);
        double phase = 0;
        double[] y1 = new double[3];
        double[] y2 = new double[3];
        SplittableRandom noise = new SplittableRandom(seed + 99);
        double noteBeats = 1.0;
        double[][] vowels = {{800, 1150, 2900}, {450, 800, 2830}};
        double[] gains = {1.0, 0.5, 0.25};
        double rad = Math.exp(-Math.PI * 90 / sampleRate);
        double[][] coef = new double[2][3];
        for (int v = 0; v < 2; v++) {
            for (int k = 0; k < 3; k++) {
                coef[v][k] = 2 * rad * Math.cos(2 * Math.PI * vowels[v][k] / sampleRate);
            }
        }
        for (int i = 0; i < frames; i++) {
            double t = (double) i / sampleRate;
            Section sec = section(t);
            double note = sec == Section.INTRO ? Double.NaN : melody(t, 1, noteBeats) - 12;
            double inNote = t % (noteBeats * beat);
            double env =
                    Double.isNaN(note) ? 0 : Math.min(1, inNote * 20) * Math.min(1, (noteBeats * beat - inNote) * 25);
            double f = Double.isNaN(note) ? 220 : midiHz(note) * (1 + 0.006 * Math.sin(2 * Math.PI * 5.5 * t));
            phase += f / sampleRate;
            // glottal source: a softened sawtooth with a little breath
            double src = (2 * (phase - Math.floor(phase)) - 1) + 0.05 * (2 * noise.nextDouble() - 1);
            int vowel = ((int) (t / (2 * beat)) % 2) == 0 ? 0 : 1; // "ah", then "oh"
            double v = 0;
            for (int k = 0; k < 3; k++) {
                double y = (1 - rad) * src + coef[vowel][k] * y1[k] - rad * rad * y2[k];
                y2[k] = y1[k];
                y1[k] = y;
                v += gains[k] * y;
            }
            float s = (float) (v * env);
            out[0][i] = s * 0.97f;
            out[1][i] = s;
        }
        return out;
    }

    private float[][] lead(int frames) {
        float[][] out = buffers(frames);
        double phase = 0;
        double lp = 0;
        double noteBeats = 0.5;
        for (int i = 0; i < frames; i++) {
            double t = (double) i / sampleRate;
            double note = section(t) == Section.CHORUS ? melody(t, 2, noteBeats) : Double.NaN;
            double inNote = t % (noteBeats * beat);
            double env = Double.isNaN(note) ? 0 : Math.exp(-inNote * 4) * Math.min(1, inNote * 300);
            double f = Double.isNaN(note) ? 440 : midiHz(note) * (1 + 0.004 * Math.sin(2 * Math.PI * 6 * t));
            phase += f / sampleRate;
            double sq = (phase - Math.floor(phase)) < 0.5 ? 1 : -1;
            lp += 0.25 * (sq - lp);
            float v = (float) (lp * env);
            out[0][i] = v * 0.8f;
            out[1][i] = v * 1.1f;
        }
        return out;
    }

    private float[][] pad(int frames) {
        float[][] out = buffers(frames);
        double[] phases = new double[6];
        double lpL = 0;
        double lpR = 0;
        for (int i = 0; i < frames; i++) {
            double t = (double) i / sampleRate;
            int[] triad = TRIADS[chordAt(t)];
            double l = 0;
            double r = 0;
            for (int k = 0; k < 3; k++) {
                double f = midiHz(triad[k] + 12);
                phases[k] += f * 0.997 / sampleRate;
                phases[k + 3] += f * 1.003 / sampleRate;
                l += 2 * (phases[k] - Math.floor(phases[k])) - 1;
                r += 2 * (phases[k + 3] - Math.floor(phases[k + 3])) - 1;
            }
            lpL += 0.03 * (l - lpL);
            lpR += 0.03 * (r - lpR);
            double swell = section(t) == Section.VERSE ? 0.5 : 1.0;
            out[0][i] = (float) (lpL * swell);
            out[1][i] = (float) (lpR * swell);
        }
        return out;
    }

    private float[][] guitar(int frames) {
        float[][] out = buffers(frames);
        SplittableRandom r = new SplittableRandom(seed * 17 + 5);
        double strum = beat;
        for (int s = 0; ; s++) {
            double t = s * strum;
            int start = (int) (t * sampleRate);
            if (start >= frames) {
                break;
            }
            if (section(t) == Section.INTRO) {
                continue;
            }
            int[] triad = TRIADS[chordAt(t)];
            for (int k = 0; k < 3; k++) {
                pluck(out, start + k * (int) (0.012 * sampleRate), frames, midiHz(triad[k] - 12), r, k - 1);
            }
        }
        return out;
    }

    /** Karplus-Strong plucked string. */
    private void pluck(float[][] out, int start, int frames, double freq, SplittableRandom r, int pan) {
        int period = Math.max(2, (int) Math.round(sampleRate / freq));
        float[] line = new float[period];
        for (int i = 0; i < period; i++) {
            line[i] = (float) (2 * r.nextDouble() - 1);
        }
        int n = Math.min(frames - start, (int) (1.2 * sampleRate));
        int idx = 0;
        for (int i = 0; i < n; i++) {
            float v = line[idx];
            int next = idx + 1 == period ? 0 : idx + 1;
            line[idx] = 0.497f * (v + line[next]);
            idx = next;
            out[0][start + i] += v * (1 - 0.4f * pan);
            out[1][start + i] += v * (1 + 0.4f * pan);
        }
    }

    private float[][] percussion(int frames) {
        float[][] out = buffers(frames);
        SplittableRandom r = new SplittableRandom(seed * 13 + 3);
        double sixteenth = beat / 4;
        for (int s = 0; ; s++) {
            double t = s * sixteenth;
            int start = (int) (t * sampleRate);
            if (start >= frames) {
                break;
            }
            if (section(t) != Section.CHORUS) {
                continue;
            }
            double level = s % 4 == 2 ? 0.4 : 0.2;
            addHat(out, start, frames, level, r, (s % 2 == 0) ? 0.6 : -0.6);
        }
        return out;
    }
}
