package ai.aimix.clients.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * A WAV file known by its header: format, rate, channels and length are read (a few hundred bytes at most) before any
 * audio, so a file is judged by what it declares before it costs memory, and its audio is then read a run of frames at
 * a time ({@link #open()}). PCM 8/16/24/32-bit and IEEE float 32/64-bit, plain or WAVE_FORMAT_EXTENSIBLE. Refused with
 * a one-line {@link WavFormatException}: anything but a regular file (devices, FIFOs, directories: never opened, so
 * never blocked on), RF64, a truncated header or data chunk, an unsupported format; while reading, samples that are
 * NaN, infinite or (64-bit float) outside the range of a float.
 */
public final class WavFile implements FrameSource {
    /** WAVE format tags. */
    public static final int FORMAT_PCM = 1;

    public static final int FORMAT_FLOAT = 3;
    public static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** Chunk ids, as little-endian ints: "RIFF", "RF64", "WAVE", "fmt ", "data". */
    public static final int RIFF = 0x46464952;

    public static final int RF64 = 0x34364652;
    public static final int WAVE = 0x45564157;
    public static final int FMT = 0x20746d66;
    public static final int DATA = 0x61746164;
    /** Chunks looked at before fmt and data have both been found. */
    private static final int MAX_CHUNKS = 4096;
    /** Frames converted per read of the file. */
    private static final int BLOCK_FRAMES = 8192;

    private final Path path;
    private final int format;
    private final int bits;
    private final int channels;
    private final int sampleRate;
    private final int blockAlign;
    private final int channelMask;
    private final long dataOffset;
    private final long dataLength;

    private WavFile(
            Path path,
            int format,
            int bits,
            int channels,
            int sampleRate,
            int blockAlign,
            int channelMask,
            long dataOffset,
            long dataLength) {
        this.path = path;
        this.format = format;
        this.bits = bits;
        this.channels = channels;
        this.sampleRate = sampleRate;
        this.blockAlign = blockAlign;
        this.channelMask = channelMask;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
    }

    /** Reads and checks a WAV file's header. */
    public static WavFile open(Path path) throws IOException {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new NoSuchFileException(name);
        }
        if (!Files.isRegularFile(path)) {
            throw new WavFormatException(name + ": not a regular file (a directory, device or pipe)");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = read(ch, 0, 12);
            int magic = head.remaining() >= 4 ? head.getInt(0) : 0;
            if (magic == RF64) {
                throw new WavFormatException(name + ": an RF64 (64-bit WAV) file; this tool reads RIFF WAV of up to "
                        + "4 GiB: convert or split it (e.g. ffmpeg -i in.wav -rf64 never out.wav)");
            }
            if (head.remaining() < 12 || magic != RIFF || head.getInt(8) != WAVE) {
                throw new WavFormatException(name + ": not a RIFF/WAVE file");
            }
            long pos = 12;
            int format = -1;
            int channels = 0;
            int rate = 0;
            int bits = 0;
            int blockAlign = 0;
            int mask = 0;
            long dataOffset = -1;
            long dataLength = 0;
            for (int chunks = 0; pos + 8 <= size && (format < 0 || dataOffset < 0); chunks++) {
                if (chunks >= MAX_CHUNKS) {
                    throw new WavFormatException(name + ": more than " + MAX_CHUNKS + " chunks before the audio");
                }
                ByteBuffer h = read(ch, pos, 8);
                int id = h.getInt(0);
                long len = h.getInt(4) & 0xFFFFFFFFL;
                long body = pos + 8;
                if (id == FMT) {
                    if (len < 16 || body + 16 > size) {
                        throw new WavFormatException(name + ": truncated fmt chunk");
                    }
                    ByteBuffer f = read(ch, body, (int) Math.min(len, 40));
                    format = f.getShort(0) & 0xFFFF;
                    channels = f.getShort(2) & 0xFFFF;
                    rate = f.getInt(4);
                    blockAlign = f.getShort(12) & 0xFFFF;
                    bits = f.getShort(14) & 0xFFFF;
                    if (format == FORMAT_EXTENSIBLE) {
                        if (len < 40 || f.remaining() < 40) {
                            throw new WavFormatException(name + ": truncated WAVE_FORMAT_EXTENSIBLE header");
                        }
                        mask = f.getInt(20);
                        format = f.getShort(24) & 0xFFFF; // first two bytes of the sub-format GUID
                    }
                } else if (id == DATA) {
                    if (len > size - body) {
                        throw new WavFormatException(name + ": truncated: the data chunk declares " + len
                                + " bytes but the file holds " + (size - body));
                    }
                    dataOffset = body;
                    dataLength = len;
                }
                pos = body + len + (len & 1);
            }
            if (format < 0) {
                throw new WavFormatException(name + ": no fmt chunk");
            }
            if (dataOffset < 0) {
                throw new WavFormatException(name + ": no data chunk");
            }
            if (channels < 1 || rate < 1 || blockAlign < 1) {
                throw new WavFormatException(name + ": invalid header (" + channels + " channels, "
                        + Integer.toUnsignedString(rate) + " Hz)");
            }
            boolean pcm = format == FORMAT_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
            boolean flt = format == FORMAT_FLOAT && (bits == 32 || bits == 64);
            if (!pcm && !flt) {
                throw new WavFormatException(name + ": unsupported sample format (format tag " + format + ", " + bits
                        + " bits); use PCM 8/16/24/32-bit or float 32/64-bit");
            }
            if (blockAlign != channels * (bits / 8)) {
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
            return new WavFile(path, format, bits, channels, rate, blockAlign, mask, dataOffset, dataLength);
        }
    }

    /** Up to {@code n} bytes at {@code pos} (fewer at the end of the file), little-endian. */
    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        b.flip();
        return b;
    }

    public Path path() {
        return path;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public long frames() {
        return dataLength / blockAlign;
    }

    /** Bits per sample (8, 16, 24, 32 or 64). */
    public int bits() {
        return bits;
    }

    /** Whether the samples are IEEE floats (which can be NaN or infinite), not integers. */
    public boolean isFloat() {
        return format == FORMAT_FLOAT;
    }

    /** The WAVE_FORMAT_EXTENSIBLE speaker mask, or 0. */
    public int channelMask() {
        return channelMask;
    }

    /** A one-line description, e.g. "48000 Hz, 2 channels, 24-bit PCM, 180.0 s". */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%d Hz, %d channel%s, %d-bit %s, %.1f s",
                sampleRate,
                channels,
                channels == 1 ? "" : "s",
                bits,
                isFloat() ? "float" : "PCM",
                seconds());
    }

    @Override
    public Reader open() throws IOException {
        return new FileReader();
    }

    /**
     * Reads the whole file into memory, refusing (before allocating) more than {@code maxFrames} frames.
     *
     * @throws WavFormatException when the file is longer, or holds samples that are not audio
     */
    public Audio readAll(long maxFrames) throws IOException {
        long frames = frames();
        if (frames > maxFrames || frames * channels > Integer.MAX_VALUE - 8) {
            throw new WavFormatException(
                    path + ": " + describe() + ", longer than the " + maxFrames + " frames this command takes");
        }
        float[] out = new float[(int) (frames * channels)];
        if (frames == 0) {
            return new Audio(sampleRate, channels, out, channelMask);
        }
        try (Reader r = open()) {
            int done = 0;
            int block = blockFrames();
            float[] buf = new float[block * channels];
            int n;
            while ((n = r.read(buf, block)) > 0) {
                System.arraycopy(buf, 0, out, done * channels, n * channels);
                done += n;
            }
        }
        return new Audio(sampleRate, channels, out, channelMask);
    }

    /** Reads every sample once, so that a file with samples that are not audio is refused before it is sent. */
    public void verifySamples() throws IOException {
        if (frames() == 0) {
            return;
        }
        try (Reader r = open()) {
            int block = blockFrames();
            float[] buf = new float[block * channels];
            while (r.read(buf, block) > 0) {
                // the reader checks each sample
            }
        }
    }

    /**
     * Frames converted at a time: {@value #BLOCK_FRAMES}, or fewer when the file is shorter (a header may declare up
     * to 65,535 channels: a buffer sized by the block alone would cost gigabytes for a file of a few bytes; found by
     * WavFuzzTest).
     */
    private int blockFrames() {
        return (int) Math.max(1, Math.min(BLOCK_FRAMES, frames()));
    }

    /** Sequential reading of the data chunk. */
    private final class FileReader implements Reader {
        private final FileChannel ch;
        private long frame;
        private ByteBuffer bytes = ByteBuffer.allocate(0);

        FileReader() throws IOException {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        }

        @Override
        public int read(float[] dst, int frames) throws IOException {
            int n = (int) Math.min(frames, frames() - frame);
            if (n <= 0) {
                return 0;
            }
            int need = n * blockAlign;
            if (bytes.capacity() < need) {
                bytes = ByteBuffer.allocate(need).order(ByteOrder.LITTLE_ENDIAN);
            }
            bytes.clear().limit(need);
            long at = dataOffset + frame * blockAlign;
            while (bytes.hasRemaining()) {
                if (ch.read(bytes, at + bytes.position()) < 0) {
                    throw new WavFormatException(path + ": truncated while reading (the file shrank)");
                }
            }
            bytes.flip();
            int samples = n * channels;
            int bytesPer = bits / 8;
            for (int i = 0, p = 0; i < samples; i++, p += bytesPer) {
                float v;
                if (format == FORMAT_FLOAT) {
                    double d = bits == 32 ? bytes.getFloat(p) : bytes.getDouble(p);
                    if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
                        long sample = frame * channels + i;
                        throw new WavFormatException(String.format(
                                Locale.ROOT,
                                "%s: sample %d of channel %d is %s%s; the file holds invalid float data",
                                path,
                                sample / channels,
                                sample % channels,
                                d,
                                Double.isFinite(d) ? ", outside the range of a 32-bit float" : ""));
                    }
                    v = (float) d;
                } else {
                    switch (bits) {
                        case 8:
                            v = ((bytes.get(p) & 0xFF) - 128) / 128f;
                            break;
                        case 16:
                            v = bytes.getShort(p) / 32768f;
                            break;
                        case 24:
                            int x = (bytes.get(p) & 0xFF) | ((bytes.get(p + 1) & 0xFF) << 8) | (bytes.get(p + 2) << 16);
                            v = x / 8388608f;
                            break;
                        default:
                            v = (float) (bytes.getInt(p) / 2147483648.0);
                    }
                }
                dst[i] = v;
            }
            frame += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
