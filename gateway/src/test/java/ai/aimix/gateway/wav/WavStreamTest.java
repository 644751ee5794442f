package ai.aimix.gateway.wav;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.audio.WavFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The streamed parser against the file reader: the same samples, exactly, whatever the buffers' split. */
class WavStreamTest {

    static Audio audio(int channels, int frames, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[channels * frames];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 1.8 - 0.9);
        }
        return new Audio(44100, channels, x);
    }

    static byte[] wav(Audio a, Wav.Encoding enc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wav.write(out, a, enc);
        return out.toByteArray();
    }

    /** Collects what the parser hands on. */
    static final class Collect implements WavStream.Sink {
        WavHeader header;
        float[] samples = new float[0];
        int calls;
        int maxFrames;

        @Override
        public void header(WavHeader h) {
            header = h;
        }

        @Override
        public void frames(float[] interleaved, int frames) {
            int n = frames * header.channels();
            float[] more = Arrays.copyOf(samples, samples.length + n);
            System.arraycopy(interleaved, 0, more, samples.length, n);
            samples = more;
            calls++;
            maxFrames = Math.max(maxFrames, frames);
        }
    }

    /** Feeds {@code body} in pieces of random sizes from 1 to {@code maxPiece} bytes. */
    static Collect parse(byte[] body, int maxPiece, long seed, int framesPerCall) throws IOException {
        Collect c = new Collect();
        WavStream s = new WavStream(c, framesPerCall);
        SplittableRandom r = new SplittableRandom(seed);
        int pos = 0;
        while (pos < body.length) {
            int n = Math.min(body.length - pos, 1 + r.nextInt(maxPiece));
            s.feed(body, pos, n);
            pos += n;
        }
        s.end();
        return c;
    }

    @ParameterizedTest(name = "{0}, {1} channel(s), pieces up to {2} bytes")
    @CsvSource({
        "PCM_16, 1, 1",
        "PCM_16, 2, 7",
        "PCM_24, 2, 3",
        "PCM_24, 1, 1000",
        "FLOAT_32, 2, 5",
        "FLOAT_32, 6, 4096",
        "PCM_16, 2, 100000"
    })
    void streamedEqualsTheFileReaderWhateverTheSplit(Wav.Encoding enc, int channels, int maxPiece, @TempDir Path tmp)
            throws IOException {
        Audio a = audio(channels, 3001, channels * 31L + maxPiece);
        byte[] body = wav(a, enc);
        Path f = tmp.resolve("x.wav");
        Files.write(f, body);
        Audio expected = Wav.read(f);
        Collect c = parse(body, maxPiece, maxPiece, 512);
        assertEquals(channels, c.header.channels());
        assertEquals(44100, c.header.sampleRate());
        assertEquals(3001, c.header.frames());
        assertArrayEquals(expected.samples(), c.samples, 0f);
        assertTrue(c.maxFrames <= 512, "frames per call " + c.maxFrames);
    }

    /** Takes a 16-bit body's PCM as its bytes. */
    static final class CollectPcm16 implements WavStream.Sink {
        WavHeader header;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int floatCalls;

        @Override
        public void header(WavHeader h) {
            header = h;
        }

        @Override
        public void frames(float[] interleaved, int frames) {
            floatCalls++;
        }

        @Override
        public boolean takesPcm16() {
            return true;
        }

        @Override
        public void pcm16(byte[] b, int off, int frames) {
            bytes.write(b, off, frames * header.blockAlign());
        }
    }

    @ParameterizedTest(name = "{0} channel(s), pieces up to {1} bytes")
    @CsvSource({"1, 1", "2, 3", "2, 5", "6, 4096", "2, 100000"})
    void aSixteenBitBodyIsHandedOnAsTheBytesOfItsDataChunkWhateverTheSplit(int channels, int maxPiece)
            throws IOException {
        byte[] body = wav(audio(channels, 3001, channels * 17L + maxPiece), Wav.Encoding.PCM_16);
        int data = indexOf(body, "data") + 8;
        CollectPcm16 c = new CollectPcm16();
        WavStream s = new WavStream(c, 512);
        SplittableRandom r = new SplittableRandom(maxPiece);
        for (int pos = 0; pos < body.length; ) {
            int n = Math.min(body.length - pos, 1 + r.nextInt(maxPiece));
            s.feed(body, pos, n);
            pos += n;
        }
        s.end();
        assertArrayEquals(Arrays.copyOfRange(body, data, data + 3001 * channels * 2), c.bytes.toByteArray());
        assertEquals(0, c.floatCalls);
        // the same body to a sink of floats: each sample is the 16-bit value over 32768, so nothing is lost either way
        ByteBuffer pcm = ByteBuffer.wrap(body, data, 3001 * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
        float[] samples = parse(body, maxPiece, maxPiece, 512).samples;
        for (float x : samples) {
            assertEquals(pcm.getShort() / 32768f, x, 0f);
        }
    }

    @Test
    void aDataChunkOfUnknownLengthRunsToTheEnd() throws IOException {
        Audio a = audio(2, 1000, 3);
        byte[] body = wav(a, Wav.Encoding.PCM_16);
        int data = indexOf(body, "data");
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).putInt(data + 4, -1);
        Collect c = parse(body, 333, 1, 4096);
        assertEquals(-1, c.header.frames());
        assertEquals(2000, c.samples.length);
    }

    @Test
    void badBodiesAreRefusedInOneLine() throws IOException {
        byte[] good = wav(audio(2, 1000, 4), Wav.Encoding.PCM_16);
        assertRefused("not a WAV body", "hello, this is text and not audio at all".getBytes());
        assertRefused("ended inside the WAV header", Arrays.copyOf(good, 30));
        assertRefused("ended after 3000 of the 4000 audio bytes", Arrays.copyOf(good, good.length - 1000));
        assertRefused("inside a frame", oddTail(good));
        byte[] rf64 = good.clone();
        rf64[0] = 'R';
        rf64[1] = 'F';
        rf64[2] = '6';
        rf64[3] = '4';
        assertRefused("RF64", rf64);
        byte[] alaw = good.clone();
        ByteBuffer.wrap(alaw).order(ByteOrder.LITTLE_ENDIAN).putShort(indexOf(alaw, "fmt ") + 8, (short) 6);
        assertRefused("format 6", alaw);
        // a float WAV with a NaN sample
        byte[] nan = wav(audio(1, 100, 5), Wav.Encoding.FLOAT_32);
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(indexOf(nan, "data") + 8 + 40, Float.NaN);
        assertRefused("not a finite number", nan);
    }

    /** The body a header that declares 4000 bytes, with 3999 sent: the last frame is cut. */
    private static byte[] oddTail(byte[] good) {
        byte[] b = Arrays.copyOf(good, good.length - 1);
        int data = indexOf(b, "data");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(data + 4, -1);
        return b;
    }

    @Test
    void theSinkCanRefuseByTheHeaderBeforeAnyAudio() {
        byte[] body;
        try {
            body = wav(audio(2, 1000, 6), Wav.Encoding.PCM_16);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int[] frames = {0};
        WavStream s = new WavStream(
                new WavStream.Sink() {
                    @Override
                    public void header(WavHeader h) throws IOException {
                        throw new IOException("2 channels, the request said 1");
                    }

                    @Override
                    public void frames(float[] interleaved, int n) {
                        frames[0] += n;
                    }
                },
                256);
        IOException e = assertThrows(IOException.class, () -> s.feed(body, 0, body.length));
        assertEquals("2 channels, the request said 1", e.getMessage());
        assertEquals(0, frames[0]);
    }

    private static void assertRefused(String expected, byte[] body) {
        WavFormatException e = assertThrows(WavFormatException.class, () -> parse(body, 97, 2, 256));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    static int indexOf(byte[] b, String tag) {
        byte[] t = tag.getBytes();
        outer:
        for (int i = 12; i + t.length <= b.length; i++) {
            for (int j = 0; j < t.length; j++) {
                if (b[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no " + tag);
    }
}
