package ai.aimix.gateway.wav;

import static ai.aimix.clients.audio.WavFile.DATA;
import static ai.aimix.clients.audio.WavFile.FMT;
import static ai.aimix.clients.audio.WavFile.FORMAT_EXTENSIBLE;
import static ai.aimix.clients.audio.WavFile.FORMAT_FLOAT;
import static ai.aimix.clients.audio.WavFile.FORMAT_PCM;
import static ai.aimix.clients.audio.WavFile.RF64;
import static ai.aimix.clients.audio.WavFile.RIFF;
import static ai.aimix.clients.audio.WavFile.WAVE;

import ai.aimix.clients.audio.WavFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A WAV body parsed as its bytes arrive, in buffers split anywhere: the header is read and judged before any audio (so
 * a caller can refuse a stem by its declared format before the audio costs anything), then the audio is handed on a
 * run of whole frames at a time. PCM 8/16/24/32-bit and IEEE float 32/64-bit, plain or WAVE_FORMAT_EXTENSIBLE; a data
 * chunk of unknown length (0xFFFFFFFF, as streaming writers write) runs to the end of the body.
 *
 * <p>Refused with a one-line {@link WavFormatException}: a body that is not RIFF/WAVE, RF64, a header longer than
 * {@link #MAX_HEADER_BYTES}, an unsupported format, channel count or rate, samples that are NaN or infinite, and at
 * {@link #end()} a body that ended inside the header or before the data its header declared, or inside a frame.
 */
public final class WavStream {
    /** Bytes of chunks before the audio (fmt, LIST, bext, ...) read at most. */
    public static final int MAX_HEADER_BYTES = 1 << 20;
    /** A data length meaning "until the end of the body". */
    static final long UNKNOWN_LENGTH = 0xFFFFFFFFL;

    /** Receives the header once, then the audio. */
    public interface Sink {
        /** The header has been read; throwing refuses the body before any audio is handed on. */
        void header(WavHeader header) throws IOException;

        /** {@code frames} frames of interleaved samples in [-1, 1] (float formats as they are). */
        void frames(float[] interleaved, int frames) throws IOException;

        /**
         * Whether this sink takes 16-bit PCM as the WAV holds it ({@link #pcm16}) instead of as floats: a sink that
         * forwards 16-bit audio saves converting every sample to a float and back.
         */
        default boolean takesPcm16() {
            return false;
        }

        /**
         * {@code frames} frames of interleaved 16-bit little-endian PCM starting at {@code b[off]}, as the body holds
         * them; called instead of {@link #frames} for a 16-bit PCM WAV when {@link #takesPcm16()}. The bytes are the
         * caller's: copy what is kept.
         */
        default void pcm16(byte[] b, int off, int frames) throws IOException {
            throw new UnsupportedOperationException("this sink takes floats");
        }
    }

    private final Sink sink;
    private final int maxFramesPerCall;
    /** Header bytes gathered until the data chunk starts. */
    private ByteBuffer head = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    private WavHeader header;
    /** The audio goes to the sink as 16-bit PCM bytes (a 16-bit PCM body, and a sink that takes them). */
    private boolean pcm16;
    /** Bytes of a frame split across buffers. */
    private byte[] partial;

    private int partialLength;
    private long dataRead;
    private float[] out;

    /**
     * @param maxFramesPerCall most frames handed to {@link Sink#frames} at a time
     */
    public WavStream(Sink sink, int maxFramesPerCall) {
        if (maxFramesPerCall < 1) {
            throw new IllegalArgumentException("maxFramesPerCall " + maxFramesPerCall);
        }
        this.sink = sink;
        this.maxFramesPerCall = maxFramesPerCall;
    }

    /** The header, once read; null before. */
    public WavHeader header() {
        return header;
    }

    /** The next bytes of the body. */
    public void feed(byte[] b, int off, int len) throws IOException {
        int pos = off;
        int end = off + len;
        if (header == null) {
            int used = feedHeader(b, pos, len);
            if (header == null) {
                return;
            }
            pos += used;
            // bytes after the header already gathered belong to the data
            ByteBuffer rest = head;
            head = null;
            if (rest.hasRemaining()) {
                byte[] more = new byte[rest.remaining()];
                rest.get(more);
                audio(more, 0, more.length);
            }
        }
        if (pos < end) {
            audio(b, pos, end - pos);
        }
    }

    /** The body has ended: checks that it held everything its header declared. */
    public void end() throws IOException {
        if (header == null) {
            throw new WavFormatException(
                    "the body ended inside the WAV header (" + (head == null ? 0 : head.position()) + " bytes)");
        }
        if (header.dataLength() != UNKNOWN_LENGTH && dataRead < header.dataLength()) {
            throw new WavFormatException("the body ended after " + dataRead + " of the " + header.dataLength()
                    + " audio bytes its header declares");
        }
        if (partialLength != 0) {
            throw new WavFormatException(
                    "the body ended inside a frame (" + partialLength + " of " + header.blockAlign() + " bytes)");
        }
    }

    // ------------------------------------------------------------------------------------------------ header

    /** Gathers header bytes; returns how many of these were consumed (all of them until the header is complete). */
    private int feedHeader(byte[] b, int off, int len) throws IOException {
        if (head.position() + len > MAX_HEADER_BYTES + 8) {
            int room = Math.max(0, MAX_HEADER_BYTES + 8 - head.position());
            append(b, off, room);
            parseHeader();
            if (header == null) {
                throw new WavFormatException("no audio in the first " + MAX_HEADER_BYTES + " bytes of the WAV");
            }
            return room;
        }
        append(b, off, len);
        parseHeader();
        return len;
    }

    private void append(byte[] b, int off, int len) {
        if (head.remaining() < len) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(head.capacity() * 2, head.position() + len))
                    .order(ByteOrder.LITTLE_ENDIAN);
            head.flip();
            bigger.put(head);
            head = bigger;
        }
        head.put(b, off, len);
    }

    /** Tries to read the header from what was gathered; sets {@link #header} and leaves the audio after it. */
    private void parseHeader() throws IOException {
        ByteBuffer h = head.duplicate().flip().order(ByteOrder.LITTLE_ENDIAN);
        if (h.remaining() >= 4) {
            int magic = h.getInt(0);
            if (magic == RF64) {
                throw new WavFormatException("an RF64 (64-bit WAV) body; send RIFF WAV");
            }
            if (magic != RIFF) {
                throw new WavFormatException("not a WAV body (it does not start with RIFF)");
            }
        }
        if (h.remaining() >= 12 && h.getInt(8) != WAVE) {
            throw new WavFormatException("a RIFF body that is not WAVE");
        }
        if (h.remaining() < 12) {
            return;
        }
        int pos = 12;
        int[] fmt = null;
        while (h.limit() - pos >= 8) {
            int id = h.getInt(pos);
            long size = Integer.toUnsignedLong(h.getInt(pos + 4));
            int body = pos + 8;
            if (id == DATA) {
                if (fmt == null) {
                    throw new WavFormatException("the WAV's data comes before its fmt chunk");
                }
                header = toHeader(fmt, size);
                sink.header(header);
                pcm16 = !header.floatingPoint() && header.bits() == 16 && sink.takesPcm16();
                head = h.position(body);
                return;
            }
            if (body + size + (size & 1) > h.limit()) {
                if (size > MAX_HEADER_BYTES) {
                    throw new WavFormatException("a " + size + "-byte chunk before the audio");
                }
                return; // wait for the rest of this chunk
            }
            if (id == FMT) {
                fmt = readFmt(h, body, (int) size);
            }
            pos = (int) (body + size + (size & 1));
        }
    }

    private static int[] readFmt(ByteBuffer h, int at, int size) throws WavFormatException {
        if (size < 16) {
            throw new WavFormatException("a fmt chunk of " + size + " bytes");
        }
        int format = Short.toUnsignedInt(h.getShort(at));
        int channels = Short.toUnsignedInt(h.getShort(at + 2));
        int rate = h.getInt(at + 4);
        int blockAlign = Short.toUnsignedInt(h.getShort(at + 12));
        int bits = Short.toUnsignedInt(h.getShort(at + 14));
        if (format == FORMAT_EXTENSIBLE) {
            if (size < 40) {
                throw new WavFormatException("a WAVE_FORMAT_EXTENSIBLE fmt chunk of " + size + " bytes");
            }
            format = Short.toUnsignedInt(h.getShort(at + 24)); // the sub-format GUID's first two bytes
        }
        return new int[] {format, channels, rate, blockAlign, bits};
    }

    private static WavHeader toHeader(int[] fmt, long dataLength) throws WavFormatException {
        int format = fmt[0];
        int channels = fmt[1];
        int rate = fmt[2];
        int blockAlign = fmt[3];
        int bits = fmt[4];
        boolean pcm = format == FORMAT_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean fp = format == FORMAT_FLOAT && (bits == 32 || bits == 64);
        if (!pcm && !fp) {
            throw new WavFormatException("a WAV of format " + format + " with " + bits
                    + "-bit samples; send PCM 8/16/24/32-bit or float 32/64-bit");
        }
        if (channels < 1 || channels > 8) {
            throw new WavFormatException("a WAV with " + channels + " channels");
        }
        if (rate <= 0) {
            throw new WavFormatException("a WAV at " + Integer.toUnsignedLong(rate) + " Hz");
        }
        if (blockAlign != channels * bits / 8) {
            throw new WavFormatException(
                    "a WAV whose block size " + blockAlign + " is not " + channels + " x " + bits + " bits");
        }
        return new WavHeader(fp, bits, channels, rate, blockAlign, dataLength);
    }

    // ------------------------------------------------------------------------------------------------ audio

    private void audio(byte[] b, int off, int len) throws IOException {
        int n = len;
        if (header.dataLength() != UNKNOWN_LENGTH) {
            // bytes after the data chunk (a trailing LIST chunk, ...) are not audio
            n = (int) Math.min(n, header.dataLength() - dataRead);
        }
        if (n <= 0) {
            return;
        }
        dataRead += n;
        int block = header.blockAlign();
        int pos = off;
        int end = off + n;
        if (partialLength > 0) {
            int take = Math.min(block - partialLength, end - pos);
            System.arraycopy(b, pos, partial, partialLength, take);
            partialLength += take;
            pos += take;
            if (partialLength < block) {
                return;
            }
            convert(partial, 0, 1);
            partialLength = 0;
        }
        while (end - pos >= block) {
            int frames = Math.min(maxFramesPerCall, (end - pos) / block);
            convert(b, pos, frames);
            pos += frames * block;
        }
        if (pos < end) {
            if (partial == null) {
                partial = new byte[block];
            }
            System.arraycopy(b, pos, partial, 0, end - pos);
            partialLength = end - pos;
        }
    }

    private void convert(byte[] b, int off, int frames) throws IOException {
        if (pcm16) {
            sink.pcm16(b, off, frames);
            return;
        }
        int samples = frames * header.channels();
        if (out == null || out.length < samples) {
            out = new float[Math.max(samples, maxFramesPerCall * header.channels())];
        }
        ByteBuffer in = ByteBuffer.wrap(b, off, frames * header.blockAlign()).order(ByteOrder.LITTLE_ENDIAN);
        int bits = header.bits();
        for (int i = 0; i < samples; i++) {
            float v;
            if (header.floatingPoint()) {
                double d = bits == 32 ? in.getFloat() : in.getDouble();
                if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
                    throw new WavFormatException("a sample that is not a finite number, at frame "
                            + (dataRead / header.blockAlign()) + " or so");
                }
                v = (float) d;
            } else if (bits == 16) {
                v = in.getShort() / 32768f;
            } else if (bits == 24) {
                int x = (in.get() & 0xFF) | ((in.get() & 0xFF) << 8) | (in.get() << 16);
                v = x / 8388608f;
            } else if (bits == 32) {
                v = (float) (in.getInt() / 2147483648.0);
            } else {
                v = ((in.get() & 0xFF) - 128) / 128f;
            }
            out[i] = v;
        }
        sink.frames(out, frames);
    }
}
