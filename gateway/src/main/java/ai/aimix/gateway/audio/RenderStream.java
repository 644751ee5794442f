package ai.aimix.gateway.audio;

import ai.aimix.clients.audio.Wav;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.Pcm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A render's audio sent while it is made: a stereo 32-bit float WAV whose length is known before the first sample
 * (the render's frames), its header written with the first block, then each block as the master bus hands it over,
 * flushed at once. The last block is held
 * back until {@link #finish}, so a client that has every sample can rely on the render being kept (its figures
 * readable) by then.
 */
public final class RenderStream implements MixRender.Listener {
    private final OutputStream out;
    private final long frames;
    /** The WAV header, until it is written (then null). */
    private ByteBuffer header;

    private long sent;
    private float[] held;

    /**
     * A stream of {@code frames} stereo frames at {@code sampleRate}; nothing is written before the first block, so
     * a render that fails before it can still be answered otherwise.
     */
    public RenderStream(OutputStream out, int sampleRate, long frames) {
        this.out = out;
        this.frames = frames;
        this.header = Wav.header(sampleRate, VariantAudio.CHANNELS, 0, Wav.Encoding.FLOAT_32, dataBytes(frames));
    }

    /** The whole response's length: header and samples. */
    public static long length(long frames) {
        return Wav.header(1, VariantAudio.CHANNELS, 0, Wav.Encoding.FLOAT_32, 0).remaining() + dataBytes(frames);
    }

    private static long dataBytes(long frames) {
        return frames * VariantAudio.CHANNELS * 4;
    }

    @Override
    public void audio(float[] interleaved) throws IOException {
        if (held != null) {
            send(held);
        }
        held = interleaved;
    }

    /**
     * Sends the block held back: the stream is complete. {@link IllegalStateException} when the render made other
     * than the frames announced (a bug: the answer is then cut short).
     */
    public void finish() throws IOException {
        if (held != null) {
            send(held);
            held = null;
        }
        if (sent != frames) {
            throw new IllegalStateException("the render made " + sent + " frames, its stream announced " + frames);
        }
        writeHeader();
        out.flush();
    }

    private void writeHeader() throws IOException {
        if (header != null) {
            out.write(header.array(), header.arrayOffset() + header.position(), header.remaining());
            header = null;
        }
    }

    private void send(float[] block) throws IOException {
        writeHeader();
        ByteBuffer b = Pcm.encode(block, 0, block.length, SampleEncoding.PCM_F32LE);
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        out.flush();
        sent += block.length / VariantAudio.CHANNELS;
    }
}
