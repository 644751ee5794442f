package ai.aimix.clients.audio;

import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.Mutation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

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
    static Path dir;

    @BeforeContainer
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("aimix-wav-fuzz-");
        Path warm = dir.resolve("warm.wav");
        Files.write(warm, wav(1, 2, 16, 44100, 100, false, 0));
        WavFile.open(warm).readAll(Long.MAX_VALUE);
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** A WAV: format tag (1 PCM, 3 float), extensible or not, with a LIST chunk before or after the audio. */
    static byte[] wav(int format, int channels, int bits, int rate, int frames, boolean extensible, int extra) {
        int blockAlign = channels * bits / 8;
        int data = frames * blockAlign;
        int fmtLength = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtLength + 8 + data + 8 + extra + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(b.capacity() - 8).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(fmtLength).putShort((short) (extensible ? 0xFFFE : format))
                .putShort((short) channels).putInt(rate).putInt(rate * blockAlign).putShort((short) blockAlign)
                .putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(channels == 2 ? 3 : 4).putShort((short) format)
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

    @Provide
    Arbitrary<Input> mutatedWavs() {
        Arbitrary<int[]> format = Arbitraries.of(new int[] {1, 8}, new int[] {1, 16}, new int[] {1, 24},
                new int[] {1, 32}, new int[] {3, 32}, new int[] {3, 64});
        Arbitrary<Integer> channels = Arbitraries.integers().between(1, 6);
        Arbitrary<Integer> frames = Arbitraries.integers().between(0, 300);
        Arbitrary<Boolean> extensible = Arbitraries.of(true, false);
        Arbitrary<Integer> extra = Arbitraries.integers().between(0, 9);
        Arbitrary<List<Mutation>> mutations = Mutation.arbitrary().list().ofMaxSize(4);
        return Combinators.combine(format, channels, frames, extensible, extra, mutations).as((f, c, n, x, e, m) ->
                new Input(Mutation.apply(wav(f[0], c, f[1], 44100, n, x, e), m)));
    }

    /**
     * Headers written field by field with any values (the extremes favoured), mostly consistent with each other, so
     * that what a reader computes from several fields together is reached: channel counts, block alignments, sizes.
     */
    @Provide
    Arbitrary<Input> anyHeaders() {
        Arbitrary<Integer> u16 = Arbitraries.oneOf(Arbitraries.integers().between(0, 65535),
                Arbitraries.of(0, 1, 2, 3, 6, 255, 256, 32767, 32768, 65534, 65535));
        Arbitrary<Integer> bits = Arbitraries.of(0, 1, 8, 16, 24, 32, 64, 65535);
        Arbitrary<Long> u32 = Arbitraries.oneOf(Arbitraries.longs().between(0, 0xFFFFFFFFL),
                Arbitraries.of(0L, 1L, 44L, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL));
        Arbitrary<Integer> format = Arbitraries.of(1, 3, 0xFFFE, 2, 0, 65535);
        Arbitrary<Boolean> consistent = Arbitraries.of(true, true, true, false);
        Arbitrary<Integer> dataBytes = Arbitraries.integers().between(0, 2048);
        return Combinators.combine(format, u16, u32, bits, consistent, u16, dataBytes, u32).as(
                (f, channels, rate, b, ok, align, data, declared) -> {
                    int blockAlign = ok ? (channels * b / 8) & 0xFFFF : align;
                    int fmtLength = f == 0xFFFE ? 40 : 16;
                    ByteBuffer h = ByteBuffer.allocate(12 + 8 + fmtLength + 8 + data).order(ByteOrder.LITTLE_ENDIAN);
                    h.putInt(0x46464952).putInt(h.capacity() - 8).putInt(0x45564157);
                    h.putInt(0x20746d66).putInt(fmtLength).putShort(f.shortValue()).putShort(channels.shortValue())
                            .putInt(rate.intValue()).putInt(0).putShort((short) blockAlign).putShort(b.shortValue());
                    if (f == 0xFFFE) {
                        h.putShort((short) 22).putShort(b.shortValue()).putInt(0).putShort((short) (ok ? 1 : 3))
                                .put(new byte[14]);
                    }
                    int size = ok && blockAlign > 0 ? data / blockAlign * blockAlign : declared.intValue();
                    h.putInt(0x61746164).putInt(size);
                    return new Input(h.array());
                });
    }

    @Property
    void anyHeaderReadsOrIsRefusedInOneLineWithinItsMemoryBound(@ForAll("anyHeaders") Input input)
            throws IOException {
        anyFileReadsOrIsRefusedInOneLineWithinItsMemoryBound(input);
    }

    @Property
    void anyFileReadsOrIsRefusedInOneLineWithinItsMemoryBound(@ForAll("mutatedWavs") Input input) throws IOException {
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
            throw new AssertionError("reading " + input.bytes().length + " bytes allocated " + allocated
                    + " bytes, above " + bound);
        }
    }
}
