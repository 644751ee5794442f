package ai.aimix.gateway.audio;

import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.Pcm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A stem's audio as it was uploaded and sent to the job: the chunks' PCM bytes one after another, in the upload's
 * encoding (16-bit or float) and channels, in the store (the stem store: the processed stems are rendered from it).
 */
public final class StemAudio implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final int channels;
    private final SampleEncoding encoding;
    private long frames;

    StemAudio(Path file, int channels, SampleEncoding encoding) throws IOException {
        this.file = file;
        this.channels = channels;
        this.encoding = encoding;
        this.channel = FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** Appends a chunk's PCM bytes (in this stem's encoding). */
    public synchronized void append(ByteBuffer pcm) {
        ByteBuffer b = pcm.duplicate();
        int samples = b.remaining() / Pcm.bytesPerSample(encoding);
        long at = frames * channels * Pcm.bytesPerSample(encoding);
        try {
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        frames += samples / channels;
    }

    public synchronized long frames() {
        return frames;
    }

    public int channels() {
        return channels;
    }

    /**
     * Reads {@code n} frames from frame {@code from} into {@code out} (interleaved floats), silence past the end.
     */
    public void read(long from, float[] out, int n) throws IOException {
        read(from, out, n, null);
    }

    /**
     * As {@link #read(long, float[], int)}, reading through {@code scratch} when it is large enough (a render reads
     * a stem a segment at a time: one buffer for all of them); returns the buffer used, for the next call.
     */
    public ByteBuffer read(long from, float[] out, int n, ByteBuffer scratch) throws IOException {
        int bytesPerSample = Pcm.bytesPerSample(encoding);
        long have = Math.max(0, Math.min(n, frames() - from));
        int bytes = (int) (have * channels * bytesPerSample);
        ByteBuffer b = scratch != null && scratch.capacity() >= bytes
                ? scratch.clear().limit(bytes)
                : ByteBuffer.allocate(bytes);
        long at = from * channels * bytesPerSample;
        while (b.hasRemaining()) {
            int r = channel.read(b, at + b.position());
            if (r <= 0) {
                throw new IOException(file + " ended at byte " + (at + b.position()));
            }
        }
        b.flip();
        int samples = (int) (have * channels);
        Pcm.decode(b, encoding, 0, out, 0, samples);
        Arrays.fill(out, samples, n * channels, 0f);
        return b;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + file, e);
        }
    }
}
