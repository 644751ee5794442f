package ai.aimix.clients.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE reading and writing: PCM 8/16/24/32-bit integer and 32/64-bit IEEE float, plain or
 * WAVE_FORMAT_EXTENSIBLE (whose speaker mask is kept), any channel count and rate. Writes 16-bit, 24-bit PCM or
 * 32-bit float; WAVE_FORMAT_EXTENSIBLE with a speaker mask for more than two channels or when the audio carries
 * one. A file whose data chunk is cut short is refused as truncated.
 */
public final class Wav {
    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    /** Sample formats this class writes. */
    public enum Encoding { PCM_16, PCM_24, FLOAT_32 }

    private Wav() {
    }

    public static Audio read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE) {
            throw new WavFormatException(file + ": larger than 2 GiB");
        }
        // mapped, not read: the file's bytes stay outside the heap, which then holds only the decoded samples
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ)) {
            ByteBuffer mapped = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, size);
            return read(mapped.order(ByteOrder.LITTLE_ENDIAN), file.toString());
        }
    }

    static Audio read(ByteBuffer b, String name) throws WavFormatException {
        if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new WavFormatException(name + ": not a RIFF/WAVE file");
        }
        int pos = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int blockAlign = 0;
        int dataOffset = -1;
        int dataLength = 0;
        int mask = 0;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            long len = b.getInt(pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                if (len < 16 || body + 16 > b.limit()) {
                    throw new WavFormatException(name + ": truncated fmt chunk");
                }
                format = b.getShort(body) & 0xFFFF;
                channels = b.getShort(body + 2) & 0xFFFF;
                rate = b.getInt(body + 4);
                blockAlign = b.getShort(body + 12) & 0xFFFF;
                bits = b.getShort(body + 14) & 0xFFFF;
                if (format == FORMAT_EXTENSIBLE) {
                    if (len < 40) {
                        throw new WavFormatException(name + ": truncated WAVE_FORMAT_EXTENSIBLE header");
                    }
                    mask = b.getInt(body + 20);
                    format = b.getShort(body + 24) & 0xFFFF; // first two bytes of the sub-format GUID
                }
            } else if (id == 0x61746164) { // "data"
                dataOffset = body;
                if (len > b.limit() - body) {
                    throw new WavFormatException(name + ": truncated: the data chunk declares " + len
                            + " bytes but the file holds " + (b.limit() - body));
                }
                dataLength = (int) len;
            }
            pos = (int) Math.min(b.limit(), body + len + (len & 1));
        }
        if (format < 0) {
            throw new WavFormatException(name + ": no fmt chunk");
        }
        if (dataOffset < 0) {
            throw new WavFormatException(name + ": no data chunk");
        }
        if (channels < 1 || rate < 1 || blockAlign < 1) {
            throw new WavFormatException(name + ": invalid header (" + channels + " channels, " + rate + " Hz)");
        }
        int bytesPerSample = bits / 8;
        boolean pcm = format == FORMAT_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = format == FORMAT_FLOAT && (bits == 32 || bits == 64);
        if (!pcm && !flt) {
            throw new WavFormatException(name + ": unsupported sample format (format tag " + format + ", " + bits
                    + " bits); use PCM 8/16/24/32-bit or float 32/64-bit");
        }
        if (blockAlign != channels * bytesPerSample) {
            throw new WavFormatException(name + ": block align " + blockAlign + " does not match " + channels
                    + " channels of " + bits + " bits");
        }
        if (dataLength % blockAlign != 0) {
            throw new WavFormatException(name + ": truncated: the data chunk ends inside a frame (" + dataLength
                    + " bytes, " + blockAlign + " per frame)");
        }
        if (mask != 0 && Integer.bitCount(mask) > channels) {
            mask = 0; // more positions than channels: the mask is not usable
        }
        int frames = dataLength / blockAlign;
        float[] out = new float[frames * channels];
        int p = dataOffset;
        for (int i = 0; i < out.length; i++, p += bytesPerSample) {
            float v;
            if (flt) {
                v = bits == 32 ? b.getFloat(p) : (float) b.getDouble(p);
            } else {
                switch (bits) {
                    case 8:
                        v = ((b.get(p) & 0xFF) - 128) / 128f;
                        break;
                    case 16:
                        v = b.getShort(p) / 32768f;
                        break;
                    case 24:
                        int x = (b.get(p) & 0xFF) | ((b.get(p + 1) & 0xFF) << 8) | (b.get(p + 2) << 16);
                        v = x / 8388608f;
                        break;
                    default:
                        v = (float) (b.getInt(p) / 2147483648.0);
                }
            }
            out[i] = v;
        }
        return new Audio(rate, channels, out, mask);
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
        int bytes = encoding == Encoding.PCM_16 ? 2 : encoding == Encoding.PCM_24 ? 3 : 4;
        float[] s = audio.samples();
        long dataLength = (long) s.length * bytes;
        if (dataLength + 60 > 0xFFFFFFFFL) {
            throw new IOException("audio too long for a WAV file");
        }
        int mask = audio.channelMask() != 0 ? audio.channelMask() : defaultMask(audio.channels());
        boolean extensible = audio.channels() > 2 || audio.channelMask() != 0;
        int fmtLength = extensible ? 40 : 16;
        int formatTag = encoding == Encoding.FLOAT_32 ? FORMAT_FLOAT : FORMAT_PCM;
        ByteBuffer h = ByteBuffer.allocate(28 + fmtLength).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt((int) (20 + fmtLength + dataLength)).putInt(0x45564157);
        h.putInt(0x20746d66).putInt(fmtLength).putShort((short) (extensible ? FORMAT_EXTENSIBLE : formatTag))
                .putShort((short) audio.channels()).putInt(audio.sampleRate())
                .putInt(audio.sampleRate() * audio.channels() * bytes).putShort((short) (audio.channels() * bytes))
                .putShort((short) (bytes * 8));
        if (extensible) {
            // cbSize, valid bits, channel mask, sub-format GUID xxxxxxxx-0000-0010-8000-00aa00389b71
            h.putShort((short) 22).putShort((short) (bytes * 8)).putInt(mask).putInt(formatTag)
                    .putShort((short) 0x0000).putShort((short) 0x0010)
                    .put(new byte[] {(byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        }
        h.putInt(0x61746164).putInt((int) dataLength);
        out.write(h.array());
        ByteBuffer d = ByteBuffer.allocate(64 * 1024 * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : s) {
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
