package ai.aimix.clients.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavTest {

    static Audio tone(int rate, int channels, int frames) {
        float[] s = new float[frames * channels];
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                s[i * channels + c] = (float) (0.7 * Math.sin(2 * Math.PI * 440 * i / rate + c));
            }
        }
        return new Audio(rate, channels, s);
    }

    @ParameterizedTest
    @CsvSource({
        "PCM_16,1,44100,3.1e-5",
        "PCM_16,2,48000,3.1e-5",
        "PCM_24,2,96000,1.2e-7",
        "FLOAT_32,2,22050,0",
        "FLOAT_32,1,8000,0"
    })
    void roundTripsAtTheFormatsResolution(
            Wav.Encoding encoding, int channels, int rate, double tolerance, @TempDir Path dir) throws Exception {
        Audio a = tone(rate, channels, 1234);
        Path f = dir.resolve("x.wav");
        Wav.write(f, a, encoding);
        Audio b = Wav.read(f);
        assertEquals(rate, b.sampleRate());
        assertEquals(channels, b.channels());
        assertEquals(1234, b.frames());
        for (int i = 0; i < a.samples().length; i++) {
            assertEquals(a.samples()[i], b.samples()[i], tolerance);
        }
    }

    @Test
    void readsWaveFormatExtensibleAndSkipsUnknownChunks() throws Exception {
        // fmt (extensible, 24-bit stereo), a LIST chunk, then data
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt(0).putInt(0x45564157);
        h.putInt(0x20746d66)
                .putInt(40)
                .putShort((short) 0xFFFE)
                .putShort((short) 2)
                .putInt(48000)
                .putInt(48000 * 6)
                .putShort((short) 6)
                .putShort((short) 24)
                .putShort((short) 22)
                .putShort((short) 24)
                .putInt(3)
                .putShort((short) 1)
                .put(new byte[14]);
        h.putInt(0x5453494c).putInt(3).put(new byte[] {1, 2, 3, 0}); // odd-sized chunk with its pad byte
        h.putInt(0x61746164).putInt(6).put(new byte[] {0, 0, 0x40, 0, 0, (byte) 0xC0});
        out.write(h.array(), 0, h.position());
        Path f = Files.createTempFile("ext", ".wav");
        Files.write(f, out.toByteArray());
        Audio a = Wav.read(f);
        assertEquals(2, a.channels());
        assertEquals(0.5f, a.samples()[0], 1e-6);
        assertEquals(-0.5f, a.samples()[1], 1e-6);
    }

    @Test
    void badFilesGiveOneLineReasons(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "hello, not audio");
        WavFormatException e = assertThrows(WavFormatException.class, () -> Wav.read(text));
        assertTrue(e.getMessage().endsWith("not a RIFF/WAVE file"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));

        ByteBuffer adpcm = ByteBuffer.allocate(60).order(ByteOrder.LITTLE_ENDIAN);
        adpcm.putInt(0x46464952)
                .putInt(52)
                .putInt(0x45564157)
                .putInt(0x20746d66)
                .putInt(16)
                .putShort((short) 2)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(4000)
                .putShort((short) 256)
                .putShort((short) 4)
                .putInt(0x61746164)
                .putInt(8)
                .putLong(0);
        Path compressed = dir.resolve("adpcm.wav");
        Files.write(compressed, adpcm.array());
        e = assertThrows(WavFormatException.class, () -> Wav.read(compressed));
        assertTrue(e.getMessage().contains("unsupported sample format"), e.getMessage());

        Path noData = dir.resolve("nodata.wav");
        ByteBuffer nd = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        nd.putInt(0x46464952)
                .putInt(28)
                .putInt(0x45564157)
                .putInt(0x20746d66)
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        Files.write(noData, nd.array());
        e = assertThrows(WavFormatException.class, () -> Wav.read(noData));
        assertTrue(e.getMessage().endsWith("no data chunk"), e.getMessage());
    }

    @Test
    void truncatedFilesAreRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("full.wav");
        Wav.write(f, tone(44100, 2, 1000), Wav.Encoding.PCM_16);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.wav");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 1000));
        WavFormatException e = assertThrows(WavFormatException.class, () -> Wav.read(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /** More than two channels are written as WAVE_FORMAT_EXTENSIBLE with a speaker mask, which reads back. */
    @Test
    void multichannelKeepsItsSpeakerMask(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("51.wav");
        Wav.write(f, tone(48000, 6, 480), Wav.Encoding.PCM_24);
        Audio a = Wav.read(f);
        assertEquals(6, a.channels());
        assertEquals(0x3F, a.channelMask());
        Path side = dir.resolve("51side.wav");
        Wav.write(side, new Audio(48000, 6, tone(48000, 6, 480).samples(), 0x60F), Wav.Encoding.FLOAT_32);
        assertEquals(0x60F, Wav.read(side).channelMask());
        assertEquals(0, Wav.read(writeStereo(dir)).channelMask());
    }

    private static Path writeStereo(Path dir) throws Exception {
        Path f = dir.resolve("st.wav");
        Wav.write(f, tone(48000, 2, 480), Wav.Encoding.PCM_16);
        return f;
    }
}
