package ai.aimix.gateway.audio;

import ai.aimix.clients.audio.Wav;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A variant's mixed audio as a stereo WAV file (24-bit, or 32-bit float: the stored samples exactly), produced on the fly from the stored float samples, whole or
 * as any byte range of it (so a browser can seek): {@link #length()} bytes, of which {@link #write} writes
 * [{@code from}, {@code to}].
 */
public final class WavDownload implements Download {
    /** Samples converted at a time. */
    static final int BLOCK_SAMPLES = 32 * 1024;

    private final VariantAudio audio;
    private final byte[] header;
    private final long frames;
    private final Wav.Encoding encoding;
    private final int sampleBytes;

    public WavDownload(VariantAudio audio, Wav.Encoding encoding) {
        this.audio = audio;
        this.encoding = encoding;
        this.sampleBytes = Wav.bytesPerSample(encoding);
        this.frames = audio.frames();
        ByteBuffer h = Wav.header(audio.sampleRate(), VariantAudio.CHANNELS, 0, encoding, dataLength());
        this.header = new byte[h.remaining()];
        h.get(header);
    }

    private long dataLength() {
        return frames * VariantAudio.CHANNELS * sampleBytes;
    }

    @Override
    public long length() {
        return header.length + dataLength();
    }

    @Override
    public void write(OutputStream out, long from, long to) throws IOException {
        long pos = from;
        if (pos < header.length) {
            int end = (int) Math.min(header.length - 1, to);
            out.write(header, (int) pos, end - (int) pos + 1);
            pos = end + 1;
        }
        float[] block = new float[BLOCK_SAMPLES];
        ByteArrayOutputStream encoded = new ByteArrayOutputStream(BLOCK_SAMPLES * sampleBytes);
        while (pos <= to) {
            long dataPos = pos - header.length;
            long sample = dataPos / sampleBytes;
            long lastSample = (to - header.length) / sampleBytes;
            int n = (int) Math.min(BLOCK_SAMPLES, lastSample - sample + 1);
            int got = audio.read(sample, block, n);
            if (got < n) {
                throw new IOException("the stored audio ended at sample " + (sample + got));
            }
            encoded.reset();
            Wav.encode(block, 0, n, encoding, encoded);
            byte[] bytes = encoded.toByteArray();
            int skip = (int) (dataPos - sample * sampleBytes);
            int len = (int) Math.min(bytes.length - skip, to - pos + 1);
            out.write(bytes, skip, len);
            pos += len;
        }
    }

    @Override
    public String contentType() {
        return "audio/wav";
    }

    @Override
    public String extension() {
        return "wav";
    }
}
