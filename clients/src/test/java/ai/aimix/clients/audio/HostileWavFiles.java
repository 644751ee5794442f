package ai.aimix.clients.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** WAV files that declare more than they hold, for tests of the readers (shared with other modules' tests). */
public final class HostileWavFiles {
    private HostileWavFiles() {}

    /**
     * A canonical 44-byte header (format tag 1 PCM or 3 float) followed by {@code dataBytes} bytes of zeros, written
     * sparse: a file declaring hours of audio takes no disk.
     */
    public static Path sparseWav(Path file, int format, int channels, int rate, int bits, long dataBytes)
            throws IOException {
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        int blockAlign = channels * bits / 8;
        h.putInt(0x46464952)
                .putInt((int) (36 + dataBytes))
                .putInt(0x45564157)
                .putInt(0x20746d66)
                .putInt(16)
                .putShort((short) format)
                .putShort((short) channels)
                .putInt(rate)
                .putInt(rate * blockAlign)
                .putShort((short) blockAlign)
                .putShort((short) bits)
                .putInt(0x61746164)
                .putInt((int) dataBytes);
        h.flip();
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(h);
            if (dataBytes > 0) {
                ch.write(ByteBuffer.wrap(new byte[1]), 44 + dataBytes - 1);
            }
        }
        return file;
    }
}
