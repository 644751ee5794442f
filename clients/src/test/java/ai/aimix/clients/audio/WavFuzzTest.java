package ai.aimix.clients.audio;

import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.Fuzz;
import ai.aimix.schema.testing.Mutation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing of the WAV reader (issue 14): WAV files of every format the reader takes, with other chunks around the
 * audio, mutated (size fields replaced, bytes flipped, inserted, removed, the file cut). Invariant: the header and the
 * audio read, or a {@link WavFormatException}; never another exception, and never more memory than a small multiple
 * of the file's size, whatever its header declares.
 */
@Tag("fuzz")
class WavFuzzTest {
    static final long BYTES_PER_INPUT_BYTE = 16;
    static final long FIXED_BYTES = 1 << 20;

    @TempDir
    static Path dir;

    @BeforeAll
    static void warmUp() throws IOException {
        Path warm = dir.resolve("warm.wav");
        Files.write(warm, wav(1, 2, 16, 44100, 100, false, 0));
        WavFile.open(warm).readAll(Long.MAX_VALUE);
    }

    /** A WAV: format tag (1 PCM, 3 float), extensible or not, with a LIST chunk before or after the audio. */
    static byte[] wav(int format, int channels, int bits, int rate, int frames, boolean extensible, int extra) {
        int blockAlign = channels * bits / 8;
        int data = frames * blockAlign;
        int fmtLength = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtLength + 8 + data + 8 + extra + 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(b.capacity() - 8).putInt(0x45564157);
        b.putInt(0x20746d66)
                .putInt(fmtLength)
                .putShort((short) (extensible ? 0xFFFE : format))
                .putShort((short) channels)
                .putInt(rate)
                .putInt(rate * blockAlign)
                .putShort((short) blockAlign)
                .putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22)
                    .putShort((short) bits)
                    .putInt(channels == 2 ? 3 : 4)
                    .putShort((short) format)
                    .put(new byte[14]);
        }
        b.putInt(0x5453494c).putInt(extra);
        for (int i = 0; i < extra; i++) {
            b.put((byte) i);
        }
        b.putInt(0x61746164).putInt(data);
        for (int i = 0; i < frames * channels; i++) {
            double v = 0.5 * Math.sin(i * 0.1);
            switch (bits) {
                case 8:
                    b.put((byte) (128 + v * 127));
                    break;
                case 16:
                    b.putShort((short) (v * 32767));
                    break;
                case 24:
                    int x = (int) (v * 8388607);
                    b.put((byte) x).put((byte) (x >> 8)).put((byte) (x >> 16));
                    break;
                case 32:
                    if (format == 3) {
                        b.putFloat((float) v);
                    } else {
                        b.putInt((int) (v * Integer.MAX_VALUE));
                    }
                    break;
                default:
                    b.putDouble(v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b.array(), 0, b.position());
        return out.toByteArray();
    }

    /** A file's bytes, for the report. */
    record Input(byte[] bytes) {
        @Override
        public String toString() {
            return Mutation.hex(bytes);
        }
    }

    /** A WAV of any format the reader takes, with a LIST chunk, mutated. */
    static Input mutatedWav(SplittableRandom r) {
        int[][] formats = {{1, 8}, {1, 16}, {1, 24}, {1, 32}, {3, 32}, {3, 64}};
        int[] f = formats[r.nextInt(formats.length)];
        byte[] wav = wav(f[0], 1 + r.nextInt(6), f[1], 44100, r.nextInt(301), r.nextBoolean(), r.nextInt(10));
        return new Input(Mutation.apply(wav, Mutation.randomList(r, 4)));
    }

    static int u16(SplittableRandom r) {
        return r.nextBoolean() ? r.nextInt(65536) : Fuzz.oneOf(r, 0, 1, 2, 3, 6, 255, 256, 32767, 32768, 65534, 65535);
    }

    static long u32(SplittableRandom r) {
        return r.nextBoolean()
                ? r.nextLong(0x100000000L)
                : Fuzz.oneOf(r, 0L, 1L, 44L, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL);
    }

    static Input anyHeader(SplittableRandom r) {
        int f = Fuzz.oneOf(r, 1, 3, 0xFFFE, 2, 0, 65535);
        int channels = u16(r);
        long rate = u32(r);
        int b = Fuzz.oneOf(r, 0, 1, 8, 16, 24, 32, 64, 65535);
        boolean ok = r.nextInt(4) != 0;
        int blockAlign = ok ? (channels * b / 8) & 0xFFFF : u16(r);
        int data = r.nextInt(2049);
        long declared = u32(r);
        int fmtLength = f == 0xFFFE ? 40 : 16;
        ByteBuffer h = ByteBuffer.allocate(12 + 8 + fmtLength + 8 + data).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt(h.capacity() - 8).putInt(0x45564157);
        h.putInt(0x20746d66)
                .putInt(fmtLength)
                .putShort((short) f)
                .putShort((short) channels)
                .putInt((int) rate)
                .putInt(0)
                .putShort((short) blockAlign)
                .putShort((short) b);
        if (f == 0xFFFE) {
            h.putShort((short) 22)
                    .putShort((short) b)
                    .putInt(0)
                    .putShort((short) (ok ? 1 : 3))
                    .put(new byte[14]);
        }
        int size = ok && blockAlign > 0 ? data / blockAlign * blockAlign : (int) declared;
        h.putInt(0x61746164).putInt(size);
        return new Input(h.array());
    }

    /**
     * Headers written field by field with any values (the extremes favoured), mostly consistent with each other, so
     * that what a reader computes from several fields together is reached: channel counts, block alignments, sizes.
     */
    @Test
    void anyHeaderReadsOrIsRefusedInOneLineWithinItsMemoryBound() {
        Fuzz.check("WAV headers", WavFuzzTest::anyHeader, WavFuzzTest::readsOrIsRefusedWithinBound);
    }

    @Test
    void anyFileReadsOrIsRefusedInOneLineWithinItsMemoryBound() {
        Fuzz.check("WAV files, mutated", WavFuzzTest::mutatedWav, WavFuzzTest::readsOrIsRefusedWithinBound);
    }

    static void readsOrIsRefusedWithinBound(Input input) throws IOException {
        Path file = dir.resolve("f.wav");
        Files.write(file, input.bytes());
        long before = Allocation.ofThisThread();
        try {
            WavFile w = WavFile.open(file);
            w.readAll(Long.MAX_VALUE);
            int block = (int) Math.max(1, Math.min(64, w.frames()));
            float[] buf = new float[block * w.channels()];
            try (FrameSource.Reader r = w.open()) {
                while (r.read(buf, block) > 0) {
                    // streamed too
                }
            }
        } catch (WavFormatException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new AssertionError("not one line: " + e.getMessage());
            }
        } catch (NoSuchFileException e) {
            throw new AssertionError(e);
        }
        long allocated = Allocation.ofThisThread() - before;
        long bound = BYTES_PER_INPUT_BYTE * input.bytes().length + FIXED_BYTES;
        if (allocated > bound) {
            throw new AssertionError(
                    "reading " + input.bytes().length + " bytes allocated " + allocated + " bytes, above " + bound);
        }
    }
}
