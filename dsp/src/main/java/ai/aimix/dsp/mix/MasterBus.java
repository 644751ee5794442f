package ai.aimix.dsp.mix;

import ai.aimix.dsp.dynamics.LookaheadLimiter;
import ai.aimix.dsp.loudness.LoudnessMeter;
import ai.aimix.dsp.loudness.TruePeakMeter;
import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;

/**
 * The master bus: loudness normalisation toward a target and a look-ahead peak limiter, with meters on the output.
 *
 * <p>A stream cannot know its final integrated loudness, so at every segment the bus measures the integrated
 * (gated) loudness of everything so far, this segment included, and moves its gain toward target - measured,
 * clamped to [min, max] gain, ramped over the ramp length. On the first segment the gain is set directly. The
 * output is measured in full (integrated loudness, loudness range, momentary and short-term maxima, sample and true
 * peak) for the mix's result.
 */
final class MasterBus {
    private final RenderSettings s;
    private final LoudnessMeter input;
    private final LookaheadLimiter limiter;
    private final LoudnessMeter output;
    private final TruePeakMeter peaks;
    private double gainDb;
    private boolean started;
    /** Limiter outputs still to drop (the delay line's initial silence). */
    private int discard;

    private long framesOut;
    /** The output meters are fed by the caller ({@link #meter}), not by {@link #emit}. */
    private boolean deferMeters;

    MasterBus(RenderSettings settings) {
        this.s = settings;
        this.input = new LoudnessMeter(settings.sampleRate, 2);
        this.limiter = new LookaheadLimiter(
                settings.sampleRate, settings.limiterLookaheadMs, settings.limiterReleaseMs, settings.ceilingDbfs);
        this.output = new LoudnessMeter(settings.sampleRate, 2);
        this.peaks = new TruePeakMeter(2);
        this.discard = limiter.latency();
    }

    /** Current master gain in dB (the value reached at the end of the last segment). */
    double gainDb() {
        return gainDb;
    }

    /**
     * Processes one segment of the bus in place; returns the interleaved output frames that became available
     * (fewer than {@code frames} while the limiter's delay line fills).
     */
    float[] process(float[] busL, float[] busR, int frames) {
        input.push(busL, busR, 0, frames);
        double measured = input.integratedLufs();
        double target = Double.isFinite(measured)
                ? Math.max(s.minMasterGainDb, Math.min(s.maxMasterGainDb, s.targetLufs - measured))
                : gainDb;
        applyGain(busL, busR, frames, started ? gainDb : target, target, s.rampFrames);
        started = true;
        gainDb = target;
        float[] limited = new float[2 * frames];
        limiter.process(busL, busR, 0, frames, limited, 0);
        return emit(limited, frames);
    }

    /**
     * Multiplies {@code frames} frames of a stereo pair by the gain, moving linearly from {@code fromDb} to {@code toDb}
     * over the first {@code rampFrames} (none when they are equal), as the master applies its loudness gain.
     */
    static void applyGain(float[] l, float[] r, int frames, double fromDb, double toDb, int rampFrames) {
        double g0 = MixParams.dbToLinear(fromDb);
        double g1 = MixParams.dbToLinear(toDb);
        int ramp = fromDb == toDb ? 0 : Math.min(rampFrames, frames);
        for (int i = 0; i < ramp; i++) {
            float g = (float) (g0 + (g1 - g0) * (i + 1) / ramp);
            l[i] *= g;
            r[i] *= g;
        }
        float g = (float) g1;
        for (int i = ramp; i < frames; i++) {
            l[i] *= g;
            r[i] *= g;
        }
    }

    /** Drains the limiter at the end of the stream. */
    float[] finish() {
        float[] limited = new float[2 * limiter.latency()];
        limiter.flush(limited, 0);
        return emit(limited, limiter.latency());
    }

    private float[] emit(float[] limited, int frames) {
        int skip = Math.min(discard, frames);
        discard -= skip;
        int n = frames - skip;
        float[] out = skip == 0 ? limited : Arrays.copyOfRange(limited, 2 * skip, 2 * frames);
        if (!deferMeters) {
            meter(out, n);
        }
        framesOut += n;
        return out;
    }

    /** The output meters from now on are the caller's: see {@link MixRenderer#deferOutputMeters()}. */
    void deferOutputMeters() {
        deferMeters = true;
    }

    /** Measures {@code frames} frames of output (interleaved stereo) on the output meters. */
    void meter(float[] out, int frames) {
        if (frames <= 0) {
            return;
        }
        float[] l = new float[frames];
        float[] r = new float[frames];
        for (int i = 0; i < frames; i++) {
            l[i] = out[2 * i];
            r[i] = out[2 * i + 1];
        }
        output.push(l, r, 0, frames);
        peaks.push(0, l, 0, frames);
        peaks.push(1, r, 0, frames);
    }

    long framesOut() {
        return framesOut;
    }

    double outputLufs() {
        return output.integratedLufs();
    }

    /** The meter on the bus output (after the limiter). */
    LoudnessMeter output() {
        return output;
    }

    float truePeak() {
        return peaks.truePeak();
    }

    float samplePeak() {
        return peaks.samplePeak();
    }

    double limiterMaxReductionDb() {
        return limiter.maxReductionDb();
    }

    void save(StateWriter w) {
        w.writeDouble(gainDb).writeBoolean(started).writeInt(discard).writeLong(framesOut);
        input.save(w);
        limiter.save(w);
        output.save(w);
        peaks.save(w);
    }

    void load(StateReader r) {
        gainDb = r.readDouble();
        started = r.readBoolean();
        discard = r.readInt();
        framesOut = r.readLong();
        input.load(r);
        limiter.load(r);
        output.load(r);
        peaks.load(r);
    }
}
