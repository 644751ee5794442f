package ai.aimix.dsp.spectral;

import ai.aimix.dsp.state.StateReader;
import ai.aimix.dsp.state.StateWriter;
import java.util.Arrays;

/**
 * A centred (constant-padded) log-mel spectrogram computed block by block: the frames it emits over any
 * split of a signal are exactly those of {@link Stft#melPower} over the whole signal (then in dB). It carries
 * the samples of the next, not yet complete, frame from one block to the next.
 */
public final class StreamingLogMel {
    private final MelFilterbank bank;
    private final PowerSpectrum spectrum;
    private final int nFft;
    private final int hop;
    private final float[] power;
    private final float[] column;

    /** Samples of the padded stream from the start of the next frame. */
    private float[] pending;

    private int pendingLength;
    private long framesEmitted;
    private boolean finished;
    /** Told each frame's power spectrum as it is computed; null for none. */
    private PowerTap tap;

    /** Receives each frame's power spectrum (bins 0 .. nFft / 2), to be read during the call only. */
    @FunctionalInterface
    public interface PowerTap {
        void frame(float[] power);
    }

    public StreamingLogMel(MelFilterbank bank, int nFft, int hop) {
        if (hop <= 0 || hop > nFft) {
            throw new IllegalArgumentException("hop " + hop + " must be in 1.." + nFft);
        }
        this.bank = bank;
        this.spectrum = new PowerSpectrum(nFft);
        this.nFft = nFft;
        this.hop = hop;
        this.power = new float[spectrum.bins()];
        this.column = new float[bank.bands()];
        this.pending = new float[2 * nFft];
        this.pendingLength = nFft / 2; // the leading zero padding
    }

    public int bands() {
        return bank.bands();
    }

    /**
     * Sends every frame's power spectrum, from the next one computed, to {@code tap} (null: none): what else is
     * measured on the spectrum (a stem's spectral balance) costs no second transform. Not part of the saved state.
     */
    public void tap(PowerTap tap) {
        this.tap = tap;
    }

    public long framesEmitted() {
        return framesEmitted;
    }

    /**
     * Appends samples and emits every frame now complete, band-major into {@code out}: value of band m in the
     * i-th emitted frame at {@code out[m * stride + outFrame + i]}. With {@code last}, the trailing padding is
     * appended after the samples and the stream is finished.
     *
     * @return frames emitted
     */
    public int push(float[] samples, int offset, int count, boolean last, float[] out, int stride, int outFrame) {
        if (finished) {
            throw new IllegalStateException("stream already finished");
        }
        int emitted = 0;
        int consumed = 0;
        while (consumed < count) {
            // after a drain fewer than nFft samples are pending, so there is always room
            int take = Math.min(count - consumed, pending.length - pendingLength);
            System.arraycopy(samples, offset + consumed, pending, pendingLength, take);
            pendingLength += take;
            consumed += take;
            emitted += drain(out, stride, outFrame + emitted);
        }
        if (last) {
            Arrays.fill(pending, pendingLength, pendingLength + nFft / 2, 0f);
            pendingLength += nFft / 2;
            emitted += drain(out, stride, outFrame + emitted);
            finished = true;
        }
        framesEmitted += emitted;
        return emitted;
    }

    /** Frames a push of {@code samples} samples would emit, with or without finishing the stream. */
    public int framesFor(int samples, boolean last) {
        int total = pendingLength + samples + (last ? nFft / 2 : 0);
        return total < nFft ? 0 : (total - nFft) / hop + 1;
    }

    private int drain(float[] out, int stride, int outFrame) {
        int start = 0;
        int n = 0;
        while (pendingLength - start >= nFft) {
            spectrum.compute(pending, start, power);
            if (tap != null) {
                tap.frame(power);
            }
            bank.apply(power, column, 0);
            for (int m = 0; m < column.length; m++) {
                out[m * stride + outFrame + n] = Decibels.powerToDb(column[m]);
            }
            n++;
            start += hop;
        }
        if (start > 0) {
            System.arraycopy(pending, start, pending, 0, pendingLength - start);
            pendingLength -= start;
        }
        return n;
    }

    private void ensure(int capacity) {
        if (capacity > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(capacity, pending.length * 2));
        }
    }

    public byte[] saveState() {
        return new StateWriter()
                .writeInt(nFft)
                .writeInt(hop)
                .writeLong(framesEmitted)
                .writeBoolean(finished)
                .writeFloats(pending, pendingLength)
                .toByteArray();
    }

    public void loadState(byte[] state) {
        StateReader r = new StateReader(state);
        int savedNFft = r.readInt();
        int savedHop = r.readInt();
        if (savedNFft != nFft || savedHop != hop) {
            throw new IllegalStateException("state is for n_fft " + savedNFft + " hop " + savedHop);
        }
        framesEmitted = r.readLong();
        finished = r.readBoolean();
        float[] p = r.readFloats();
        ensure(p.length);
        System.arraycopy(p, 0, pending, 0, p.length);
        pendingLength = p.length;
    }
}
