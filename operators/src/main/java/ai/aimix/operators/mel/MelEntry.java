package ai.aimix.operators.mel;

import ai.aimix.cache.CacheKey;
import ai.aimix.cache.Fingerprints;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.operators.records.FloatBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A stem segment's log-mel as cached: the spectrogram and descriptors the stage emitted, and the stream's state
 * after the segment (STFT carry and loudness meter), so a later segment that misses continues exactly where a
 * computed one would. {@code descriptors} and {@code descriptorState} are empty for a stream without descriptors.
 */
public record MelEntry(
        int bands, int melFrames, byte[] mel, byte[] descriptors, byte[] stftState, byte[] descriptorState) {
    /** Layout version of the payload; a different one is a miss. */
    static final int VERSION = 1;
    /** Kind of the cache keys. */
    public static final String KIND = "mel";
    /** Bump when the log-mel or descriptors computed from the same audio change: old entries are then never read. */
    private static final String KEY_DOMAIN = "aimix/mel/v1";

    /** The job's feature settings as a cache context ({@code CacheSettings.withContext}). */
    public static String context(MelSettings s) {
        return "mel/" + s.nFft + "/" + s.hop + "/" + s.bands + "/" + StemDescriptors.COUNT;
    }

    /** The key of a stem segment: its stem's fingerprint (the audio so far) and the spectrogram's settings. */
    public static CacheKey key(MelSettings s, ByteBuffer fingerprint) {
        return new CacheKey(
                KIND,
                Fingerprints.derive(
                        KEY_DOMAIN,
                        Fingerprints.bytes(s.nFft, s.hop, s.bands, StemDescriptors.COUNT),
                        FloatBytes.bytes(fingerprint)));
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(mel.length + stftState.length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeInt(bands);
            out.writeInt(melFrames);
            write(out, mel);
            write(out, descriptors);
            write(out, stftState);
            write(out, descriptorState);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The entry, or null when the payload is not one (of another layout, truncated). */
    public static MelEntry decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readInt() != VERSION) {
                return null;
            }
            int bands = in.readInt();
            int frames = in.readInt();
            MelEntry e = new MelEntry(bands, frames, read(in), read(in), read(in), read(in));
            return in.available() == 0 && e.mel.length == 4 * bands * frames ? e : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static void write(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    public static byte[] read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
