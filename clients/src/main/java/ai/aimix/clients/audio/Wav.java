package ai.aimix.clients.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE reading and writing of whole files: reading is {@link WavFile}'s (PCM 8/16/24/32-bit integer and 32/64-bit
 * IEEE float, plain or WAVE_FORMAT_EXTENSIBLE, whose speaker mask is kept). Writes 16-bit, 24-bit PCM or 32-bit
 * float; WAVE_FORMAT_EXTENSIBLE with a speaker mask for more than two channels or when the audio carries one.
 * {@link WavWriter} writes a file a run of frames at a time.
 */
public final class Wav {
    private static final int FORMAT_PCM = WavFile.FORMAT_PCM;
    private static final int FORMAT_FLOAT = WavFile.FORMAT_FLOAT;
    private static final int FORMAT_EXTENSIBLE = WavFile.FORMAT_EXTENSIBLE;

    /** Sample formats this class writes. */
    public enum Encoding {
        PCM_16,
        PCM_24,
        FLOAT_32
    }

    private Wav() {}

    /**
     * Reads a whole WAV file into memory (header first: see {@link WavFile}, which also streams files too long to
     * hold).
     */
    public static Audio read(Path file) throws IOException {
        return WavFile.open(file).readAll(Long.MAX_VALUE);
    }

    /** The usual speaker positions for a channel count (mono C; stereo L R; 3.0; quad; 5.0; 5.1), 0 beyond. */
    static int defaultMask(int channels) {
        switch (channels) {
            case 1:
                return 0x4;
            case 2:
                return 0x3;
            case 3:
                return 0x7;
            case 4:
                return 0x33;
            case 5:
                return 0x37;
            case 6:
                return 0x3F;
            default:
                return 0;
        }
    }

    public static void write(Path file, Audio audio, Encoding encoding) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, audio, encoding);
        }
    }

    public static void write(OutputStream out, Audio audio, Encoding encoding) throws IOException {
        float[] s = audio.samples();
        long dataLength = (long) s.length * bytesPerSample(encoding);
        if (dataLength + 60 > 0xFFFFFFFFL) {
            throw new IOException("audio too long for a WAV file");
        }
        out.write(header(audio.sampleRate(), audio.channels(), audio.channelMask(), encoding, dataLength)
                .array());
        encode(s, 0, s.length, encoding, out);
    }

    /** Bytes of one sample in {@code encoding}. */
    public static int bytesPerSample(Encoding encoding) {
        return encoding == Encoding.PCM_16 ? 2 : encoding == Encoding.PCM_24 ? 3 : 4;
    }

    /**
     * The header of a file of {@code dataLength} bytes of samples (the RIFF and data sizes sit at {@link #RIFF_SIZE_AT}
     * and {@link #dataSizeAt}).
     */
    public static ByteBuffer header(int rate, int channels, int channelMask, Encoding encoding, long dataLength) {
        int bytes = bytesPerSample(encoding);
        int mask = channelMask != 0 ? channelMask : defaultMask(channels);
        boolean extensible = extensible(channels, channelMask);
        int fmtLength = extensible ? 40 : 16;
        int formatTag = encoding == Encoding.FLOAT_32 ? FORMAT_FLOAT : FORMAT_PCM;
        ByteBuffer h = ByteBuffer.allocate(28 + fmtLength).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt((int) (20 + fmtLength + dataLength)).putInt(0x45564157);
        h.putInt(0x20746d66)
                .putInt(fmtLength)
                .putShort((short) (extensible ? FORMAT_EXTENSIBLE : formatTag))
                .putShort((short) channels)
                .putInt(rate)
                .putInt(rate * channels * bytes)
                .putShort((short) (channels * bytes))
                .putShort((short) (bytes * 8));
        if (extensible) {
            // cbSize, valid bits, channel mask, sub-format GUID xxxxxxxx-0000-0010-8000-00aa00389b71
            h.putShort((short) 22)
                    .putShort((short) (bytes * 8))
                    .putInt(mask)
                    .putInt(formatTag)
                    .putShort((short) 0x0000)
                    .putShort((short) 0x0010)
                    .put(new byte[] {(byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        }
        h.putInt(0x61746164).putInt((int) dataLength);
        h.flip();
        return h;
    }

    private static boolean extensible(int channels, int channelMask) {
        return channels > 2 || channelMask != 0;
    }

    /** Where the RIFF chunk's size sits in a header this class writes. */
    static final int RIFF_SIZE_AT = 4;

    /** Where the data chunk's size sits in a header this class writes. */
    static int dataSizeAt(int channels, int channelMask) {
        return extensible(channels, channelMask) ? 64 : 40;
    }

    /** Encodes {@code n} samples from {@code s[off..]} and writes them (clipped to the encoding's range). */
    public static void encode(float[] s, int off, int n, Encoding encoding, OutputStream out) throws IOException {
        int bytes = bytesPerSample(encoding);
        ByteBuffer d = ByteBuffer.allocate(Math.min(n, 64 * 1024) * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = off; i < off + n; i++) {
            float v = s[i];
            if (d.remaining() < bytes) {
                out.write(d.array(), 0, d.position());
                d.clear();
            }
            switch (encoding) {
                case PCM_16:
                    d.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768f))));
                    break;
                case PCM_24:
                    int x = (int) Math.max(-8388608, Math.min(8388607, Math.round(v * 8388608.0)));
                    d.put((byte) x).put((byte) (x >> 8)).put((byte) (x >> 16));
                    break;
                default:
                    d.putFloat(v);
            }
        }
        out.write(d.array(), 0, d.position());
    }
}
