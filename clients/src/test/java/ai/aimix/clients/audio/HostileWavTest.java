package ai.aimix.clients.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.testing.Allocation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files a careless or hostile user hands the command line (issue 14, finding 8): each is judged by its header before
 * any audio is read, and refused with one line; none hangs, none costs memory in proportion to what it declares.
 */
class HostileWavTest {

    static Path sparseWav(Path file, int format, int channels, int rate, int bits, long dataBytes) throws Exception {
        return HostileWavFiles.sparseWav(file, format, channels, rate, bits, dataBytes);
    }

    static String refused(Path file) {
        WavFormatException e =
                assertThrows(WavFormatException.class, () -> WavFile.open(file).readAll(Long.MAX_VALUE));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aTruncatedExtensibleHeaderIsAFormatErrorNotAnIndexError(@TempDir Path dir) throws Exception {
        ByteBuffer h = ByteBuffer.allocate(12 + 8 + 24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952)
                .putInt(100)
                .putInt(0x45564157)
                .putInt(0x20746d66)
                .putInt(40)
                .putShort((short) 0xFFFE)
                .putShort((short) 2)
                .putInt(48000)
                .putInt(48000 * 4)
                .putShort((short) 4)
                .putShort((short) 16)
                .putShort((short) 22)
                .putShort((short) 16)
                .putInt(3); // the file ends inside the extension
        Path f = dir.resolve("ext.wav");
        Files.write(f, h.array());
        assertTrue(refused(f).endsWith("truncated WAVE_FORMAT_EXTENSIBLE header"), refused(f));
    }

    @Test
    void rf64GetsItsOwnMessage(@TempDir Path dir) throws Exception {
        ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x34364652).putInt(-1).putInt(0x45564157).putInt(0x34367364).putInt(28);
        Path f = dir.resolve("big.wav");
        Files.write(f, h.array());
        assertTrue(refused(f).contains("RF64"), refused(f));
    }

    @Test
    void aFiniteDoubleOutsideTheFloatRangeIsNotCalledInfinity(@TempDir Path dir) throws Exception {
        Path f = sparseWav(dir.resolve("huge.wav"), 3, 1, 44100, 64, 8 * 4);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0, 1e300), 44 + 8 * 2);
        }
        String m = refused(f);
        assertTrue(m.contains("sample 2 of channel 0 is 1.0E300, outside the range of a 32-bit float"), m);
        assertTrue(!m.contains("Infinity"), m);
    }

    @Test
    void devicesAndPipesAreRefusedWithoutBeingOpened(@TempDir Path dir) throws Exception {
        assertTrue(refused(Path.of("/dev/zero")).endsWith("not a regular file (a directory, device or pipe)"));
        Path fifo = dir.resolve("pipe.wav");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        assertTrue(refused(fifo).endsWith("not a regular file (a directory, device or pipe)"), refused(fifo));
        assertTrue(refused(dir).contains("not a regular file"));
    }

    @Test
    void readingAllRefusesMoreThanAskedBeforeAllocating(@TempDir Path dir) throws Exception {
        Path f = sparseWav(dir.resolve("long.wav"), 1, 2, 48000, 16, 600L * 48000 * 4);
        assertThrows(WavFormatException.class, () -> WavFile.open(f).readAll(48000L * 60)); // classes loaded
        long before = Allocation.ofThisThread();
        WavFormatException e =
                assertThrows(WavFormatException.class, () -> WavFile.open(f).readAll(48000L * 60));
        assertTrue(e.getMessage().contains("longer than the 2880000 frames this command takes"), e.getMessage());
        assertTrue(Allocation.ofThisThread() - before < 1 << 20, "nothing allocated");
    }

    /**
     * Streaming: a long file is read a run of frames at a time, equal to reading it whole, and both equal the samples
     * written to within the encoding's quantization (half a step of 24 bits; exact for float).
     */
    @ParameterizedTest
    @EnumSource(Wav.Encoding.class)
    void theReaderStreamsWhatReadAllReads(Wav.Encoding encoding, @TempDir Path dir) throws Exception {
        float[] s = new float[2 * 100_003];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sin(i * 0.01) * 0.5f;
        }
        Path f = dir.resolve("s.wav");
        Wav.write(f, new Audio(44100, 2, s), encoding);
        WavFile w = WavFile.open(f);
        assertEquals(100_003, w.frames());
        float[] whole = w.readAll(Long.MAX_VALUE).samples();
        double step =
                encoding == Wav.Encoding.PCM_16 ? 1.0 / 32768 : encoding == Wav.Encoding.PCM_24 ? 1.0 / 8388608 : 0;
        for (int i = 0; i < s.length; i++) {
            assertEquals(s[i], whole[i], step * 0.5 + 1e-9, "sample " + i);
        }
        float[] streamed = new float[whole.length];
        float[] buf = new float[2 * 777];
        int at = 0;
        try (FrameSource.Reader r = w.open()) {
            int n;
            while ((n = r.read(buf, 777)) > 0) {
                System.arraycopy(buf, 0, streamed, at, 2 * n);
                at += 2 * n;
            }
        }
        assertEquals(whole.length, at);
        for (int i = 0; i < whole.length; i++) {
            assertEquals(whole[i], streamed[i], 0f);
        }
    }

    /** The streaming writer writes what the whole-file writer writes. */
    @Test
    void theStreamingWriterEqualsTheWholeFileWriter(@TempDir Path dir) throws Exception {
        float[] s = new float[2 * 5000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.cos(i * 0.003) * 0.7f;
        }
        for (Wav.Encoding enc : Wav.Encoding.values()) {
            Path whole = dir.resolve("whole-" + enc + ".wav");
            Wav.write(whole, new Audio(48000, 2, s), enc);
            Path streamed = dir.resolve("streamed-" + enc + ".wav");
            try (WavWriter w = WavWriter.create(streamed, 48000, 2, enc)) {
                w.write(s, 0, 2 * 1234);
                w.write(s, 2 * 1234, s.length - 2 * 1234);
            }
            Assertions.assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(streamed), enc.toString());
        }
    }
}
