package ai.aimix.gateway.audio;

import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.Pcm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
    private final StoreChannel channel;
    private final int channels;
    private final SampleEncoding encoding;
    private long frames;

    /** Whether this process writes the file (and removes it when closed), or only reads one another replica wrote. */
    private final boolean writer;

    StemAudio(Path file, int channels, SampleEncoding encoding) throws IOException {
        this.file = file;
        this.channels = channels;
        this.encoding = encoding;
        this.writer = true;
        this.channel = new StoreChannel(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        channel.open();
    }

    private StemAudio(Path file, int channels, SampleEncoding encoding, long frames) throws IOException {
        this.file = file;
        this.channels = channels;
        this.encoding = encoding;
        this.writer = false;
        this.frames = frames;
        this.channel = StoreChannel.readOnly(file, StandardOpenOption.READ);
    }

    /**
     * A stem another replica took and wrote to the shared stem store: read here, never written or removed; null while
     * the file does not hold its {@code frames} yet (not there, or not all of it visible yet).
     */
    static StemAudio written(Path file, int channels, SampleEncoding encoding, long frames) throws IOException {
        long bytes = frames * channels * Pcm.bytesPerSample(encoding);
        if (!Files.isRegularFile(file) || Files.size(file) < bytes) {
            return null;
        }
        return new StemAudio(file, channels, encoding, frames);
    }

    /** Appends a chunk's PCM bytes (in this stem's encoding). */
    public synchronized void append(ByteBuffer pcm) {
        if (!writer) {
            throw new IllegalStateException(file + " is another replica's stem: read only");
        }
        ByteBuffer b = pcm.duplicate();
        int samples = b.remaining() / Pcm.bytesPerSample(encoding);
        long at = frames * channels * Pcm.bytesPerSample(encoding);
        try {
            channel.writeFully(b, at);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        frames += samples / channels;
    }

    /** The upload has ended: nothing more is appended, and the file is open only while it is read. */
    public void uploaded() {
        channel.settle();
    }

    /** Whether the file is open now. */
    boolean isOpen() {
        return channel.isOpen();
    }

    public synchronized long frames() {
        return frames;
    }

    /** Whether this process wrote the stem (took its upload). */
    boolean writtenHere() {
        return writer;
    }

    public SampleEncoding encoding() {
        return encoding;
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
        if (channel.read(b, at) < bytes) {
            throw new IOException(file + " ended at byte " + (at + b.position()));
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
            if (writer) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + file, e);
        }
    }
}
