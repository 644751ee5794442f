package ai.aimix.dsp.metrics;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.util.SplittableRandom;
import org.jtransforms.fft.DoubleFFT_1D;

/** Known degradations of a signal, for checking that quality metrics order them correctly. */
public final class Degradations {
    private Degradations() {}

    /**
     * Real perceptual coding: an Opus encode and decode (concentus, a pure-Java port of libopus) at
     * {@code bitsPerSecond}, 48 kHz, 20 ms frames, music mode, complexity 10, VBR. The codec's look-ahead is removed
     * so the output is time-aligned with the input (PEAQ compares sample by sample).
     */
    public static float[][] opus(float[][] x, int bitsPerSecond) {
        try {
            int channels = x.length;
            int rate = 48000;
            int frame = rate / 50;
            OpusEncoder enc = new OpusEncoder(rate, channels, OpusApplication.OPUS_APPLICATION_AUDIO);
            enc.setBitrate(bitsPerSecond);
            enc.setComplexity(10);
            enc.setUseVBR(true);
            enc.setSignalType(OpusSignal.OPUS_SIGNAL_MUSIC);
            OpusDecoder dec = new OpusDecoder(rate, channels);
            int lookahead = enc.getLookahead();
            int n = x[0].length;
            int total = n + lookahead;
            int frames = (total + frame - 1) / frame;
            short[] in = new short[frame * channels];
            short[] out = new short[frame * channels];
            byte[] packet = new byte[4000];
            float[][] y = new float[channels][n];
            int written = -lookahead;
            for (int f = 0; f < frames; f++) {
                for (int i = 0; i < frame; i++) {
                    int j = f * frame + i;
                    for (int c = 0; c < channels; c++) {
                        float v = j < n ? x[c][j] : 0f;
                        in[i * channels + c] = (short) Math.max(-32768, Math.min(32767, Math.round(v * 32768f)));
                    }
                }
                int len = enc.encode(in, 0, frame, packet, 0, packet.length);
                int got = dec.decode(packet, 0, len, out, 0, frame, false);
                for (int i = 0; i < got; i++, written++) {
                    if (written >= 0 && written < n) {
                        for (int c = 0; c < channels; c++) {
                            y[c][written] = out[i * channels + c] / 32768f;
                        }
                    }
                }
            }
            return y;
        } catch (OpusException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rounded to 16-bit PCM, as a 16-bit WAV file stores it. */
    public static float[][] pcm16(float[][] x) {
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            out[c] = new float[x[c].length];
            for (int i = 0; i < x[c].length; i++) {
                out[c][i] = Math.max(-32768, Math.min(32767, Math.round(x[c][i] * 32768f))) / 32768f;
            }
        }
        return out;
    }

    /** White noise at {@code snrDb} below the signal's mean power (per channel). */
    public static float[][] whiteNoise(float[][] x, double snrDb, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            double p = 0;
            for (float v : x[c]) {
                p += v * v;
            }
            p /= x[c].length;
            double sigma = Math.sqrt(p * Math.pow(10, -snrDb / 10));
            out[c] = new float[x[c].length];
            for (int i = 0; i < x[c].length; i++) {
                out[c][i] = (float) (x[c][i] + sigma * gaussian(rnd));
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** An ideal low-pass (zero-phase, whole-signal FFT) at {@code cutoffHz}. */
    public static float[][] lowPass(float[][] x, int sampleRate, double cutoffHz) {
        float[][] out = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            int n = x[c].length;
            double[] a = new double[2 * n];
            for (int i = 0; i < n; i++) {
                a[i] = x[c][i];
            }
            DoubleFFT_1D fft = new DoubleFFT_1D(2 * n);
            fft.realForward(a);
            int cut = (int) Math.round(cutoffHz / sampleRate * 2 * n);
            for (int k = Math.max(1, cut); k < n; k++) {
                a[2 * k] = 0;
                a[2 * k + 1] = 0;
            }
            a[1] = 0;
            fft.realInverse(a, true);
            out[c] = new float[n];
            for (int i = 0; i < n; i++) {
                out[c][i] = (float) a[i];
            }
        }
        return out;
    }

    /**
     * A stand-in for perceptual transform coding at a good bit rate (such as 128 kbit/s stereo): an MDCT with 2048-
     * sample sine windows (hop 1024), each coefficient quantised with a step set per band of 32 coefficients so the
     * quantisation noise sits {@code smrDb} below the band's energy, nothing kept above {@code bandwidthHz}.
     */
    public static float[][] transformCoded(float[][] x, int sampleRate, double smrDb, double bandwidthHz) {
        return transformCoded(x, sampleRate, smrDb, bandwidthHz, 1024, 32);
    }

    public static float[][] transformCoded(
            float[][] x, int sampleRate, double smrDb, double bandwidthHz, int n, int bandWidth) {
        float[][] out = new float[x.length][];
        double[] window = new double[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            window[i] = Math.sin(Math.PI * (i + 0.5) / (2 * n));
        }
        double[][] cos = new double[n][2 * n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < 2 * n; i++) {
                cos[k][i] = Math.cos(Math.PI / n * (i + 0.5 + n / 2.0) * (k + 0.5));
            }
        }
        int maxBin = (int) Math.min(n, Math.round(bandwidthHz / (sampleRate / 2.0) * n));
        for (int c = 0; c < x.length; c++) {
            int len = x[c].length;
            int blocks = (len + n - 1) / n + 1;
            double[] padded = new double[(blocks + 1) * n];
            for (int i = 0; i < len; i++) {
                padded[n + i] = x[c][i];
            }
            double[] y = new double[padded.length];
            double[] coef = new double[n];
            double[] frame = new double[2 * n];
            for (int b = 0; b < blocks; b++) {
                for (int i = 0; i < 2 * n; i++) {
                    frame[i] = padded[b * n + i] * window[i];
                }
                for (int k = 0; k < n; k++) {
                    double s = 0;
                    for (int i = 0; i < 2 * n; i++) {
                        s += frame[i] * cos[k][i];
                    }
                    coef[k] = k < maxBin ? s : 0;
                }
                for (int band = 0; band < n; band += bandWidth) {
                    double e = 0;
                    for (int k = band; k < band + bandWidth; k++) {
                        e += coef[k] * coef[k];
                    }
                    e /= bandWidth;
                    if (e == 0) {
                        continue;
                    }
                    double step = Math.sqrt(12 * e * Math.pow(10, -smrDb / 10));
                    for (int k = band; k < band + bandWidth; k++) {
                        coef[k] = step * Math.rint(coef[k] / step);
                    }
                }
                for (int i = 0; i < 2 * n; i++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += coef[k] * cos[k][i];
                    }
                    y[b * n + i] += s * window[i] * 2.0 / n;
                }
            }
            out[c] = new float[len];
            for (int i = 0; i < len; i++) {
                out[c][i] = (float) y[n + i];
            }
        }
        return out;
    }
}
