package ai.aimix.clients.audio;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a WAV file a run of frames at a time (for audio that arrives as a stream, such as a mix coming back from the
 * service, so a long one never has to be held in memory): the header's sizes are written when the file is closed.
 */
public final class WavWriter implements AutoCloseable {
    private final Path file;
    private final int channels;
    private final int channelMask;
    private final Wav.Encoding encoding;
    private final OutputStream out;
    private long dataLength;
    private boolean closed;

    private WavWriter(Path file, int channels, int channelMask, Wav.Encoding encoding, OutputStream out) {
        this.file = file;
        this.channels = channels;
        this.channelMask = channelMask;
        this.encoding = encoding;
        this.out = out;
    }

    public static WavWriter create(Path file, int sampleRate, int channels, Wav.Encoding encoding) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        ByteBuffer h = Wav.header(sampleRate, channels, 0, encoding, 0);
        out.write(h.array(), 0, h.limit());
        return new WavWriter(file, channels, 0, encoding, out);
    }

    /** Appends {@code n} interleaved samples from {@code samples[off..]} (whole frames). */
    public void write(float[] samples, int off, int n) throws IOException {
        if (n % channels != 0) {
            throw new IllegalArgumentException(n + " samples are not whole " + channels + "-channel frames");
        }
        long bytes = (long) n * Wav.bytesPerSample(encoding);
        if (dataLength + bytes + 80 > 0xFFFFFFFFL) {
            throw new IOException(file + ": audio too long for a WAV file (4 GiB)");
        }
        Wav.encode(samples, off, n, encoding, out);
        dataLength += bytes;
    }

    public long frames() {
        return dataLength / Wav.bytesPerSample(encoding) / channels;
    }

    public Path file() {
        return file;
    }

    /** Finishes the file: writes the sizes into its header. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.close();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            int dataAt = Wav.dataSizeAt(channels, channelMask);
            size.putInt(0, (int) (dataAt - 4 + dataLength));
            ch.write(size, Wav.RIFF_SIZE_AT);
            size.clear();
            size.putInt(0, (int) dataLength);
            ch.write(size, dataAt);
        }
    }
}
