package ai.aimix.dsp.metrics;

import java.util.SplittableRandom;

/**
 * A short piece of synthetic music for metric tests: a bass line, decaying piano-like chords with harmonics up to
 * 10 kHz, kick and hi-hat (noise bursts, so content reaches 20 kHz), panned across the stereo field. Planar stereo,
 * peaking around -6 dBFS.
 */
public final class TestMusic {
    private TestMusic() {}

    public static float[][] stereo(int sampleRate, double seconds, long seed) {
        int n = (int) Math.round(seconds * sampleRate);
        double[] l = new double[n];
        double[] r = new double[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        double beat = 0.5; // 120 bpm
        int[][] chords = {{57, 60, 64}, {53, 57, 60}, {55, 59, 62}, {52, 55, 59}};
        for (int b = 0; b * beat < seconds; b++) {
            double t0 = b * beat;
            int[] chord = chords[(b / 4) % chords.length];
            if (b % 2 == 0) {
                for (int i = 0; i < chord.length; i++) {
                    double pan = 0.3 + 0.2 * i;
                    note(l, r, sampleRate, t0, 1.2, midi(chord[i]), 0.08, 12, 2.5, pan);
                }
            }
            note(l, r, sampleRate, t0, 0.45, midi(chord[0] - 24), 0.22, 4, 6, 0.5);
            if (b % 2 == 0) {
                kick(l, r, sampleRate, t0);
            }
            hat(l, r, sampleRate, t0 + beat / 2, rnd);
            hat(l, r, sampleRate, t0, rnd);
        }
        float[][] out = new float[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = (float) l[i];
            out[1][i] = (float) r[i];
        }
        return out;
    }

    private static double midi(int note) {
        return 440 * Math.pow(2, (note - 69) / 12.0);
    }

    private static void note(
            double[] l,
            double[] r,
            int sr,
            double start,
            double length,
            double f,
            double amp,
            int harmonics,
            double decay,
            double pan) {
        int from = (int) (start * sr);
        int to = Math.min(l.length, from + (int) (length * sr));
        double gl = Math.cos(pan * Math.PI / 2);
        double gr = Math.sin(pan * Math.PI / 2);
        for (int i = from; i < to; i++) {
            double t = (i - from) / (double) sr;
            double env = Math.min(1, t / 0.005) * Math.exp(-decay * t) * Math.min(1, (to - i) / (0.01 * sr));
            double v = 0;
            for (int h = 1; h <= harmonics && h * f < 10000; h++) {
                v += Math.sin(2 * Math.PI * h * f * t) / h;
            }
            l[i] += gl * amp * env * v;
            r[i] += gr * amp * env * v;
        }
    }

    private static void kick(double[] l, double[] r, int sr, double start) {
        int from = (int) (start * sr);
        int to = Math.min(l.length, from + (int) (0.25 * sr));
        double phase = 0;
        for (int i = from; i < to; i++) {
            double t = (i - from) / (double) sr;
            phase += 2 * Math.PI * (50 + 100 * Math.exp(-30 * t)) / sr;
            double v = 0.35 * Math.exp(-12 * t) * Math.sin(phase);
            l[i] += v;
            r[i] += v;
        }
    }

    private static void hat(double[] l, double[] r, int sr, double start, SplittableRandom rnd) {
        int from = (int) (start * sr);
        int to = Math.min(l.length, from + (int) (0.08 * sr));
        double prev = 0;
        for (int i = from; i < to; i++) {
            double t = (i - from) / (double) sr;
            double w = rnd.nextDouble() * 2 - 1;
            double v = 0.05 * Math.exp(-60 * t) * (w - prev); // first difference: a bright, high-passed noise
            prev = w;
            l[i] += 0.8 * v;
            r[i] += v;
        }
    }
}
