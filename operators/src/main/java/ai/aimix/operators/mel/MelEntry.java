package ai.aimix.operators.mel;

import ai.aimix.cache.CacheKey;
import ai.aimix.cache.Fingerprints;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.operators.records.FloatBytes;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * A stem segment's log-mel as cached: the spectrogram and descriptors the stage emitted, and the stream's state
 * after the segment (STFT carry and loudness meter), so a later segment that misses continues exactly where a
 * computed one would. {@code descriptors} and {@code descriptorState} are empty for a stream without descriptors.
 * Encoded in one pass from the stage's buffers and decoded as views of the payload: the ~64 KB spectrogram is not
 * copied on the way in or out.
 */
public record MelEntry(
        int bands,
        int melFrames,
        ByteBuffer mel,
        ByteBuffer descriptors,
        ByteBuffer stftState,
        ByteBuffer descriptorState) {
    /** Layout version of the payload; a different one is a miss. */
    static final int VERSION = 2;
    /** Kind of the cache keys. */
    public static final String KIND = "mel";
    /** Bump when the log-mel or descriptors computed from the same audio change: old entries are then never read. */
    private static final String KEY_DOMAIN = "aimix/mel/v2";

    /** The job's feature settings as a cache context ({@code CacheSettings.withContext}). */
    public static String context(MelSettings s) {
        return "mel/" + s.nFft + "/" + s.hop + "/" + s.bands + "/" + StemDescriptors.COUNT;
    }

    /** The key of a stem segment: its stem's fingerprint (the audio so far) and the spectrogram's settings. */
    public static CacheKey key(MelSettings s, ByteBuffer fingerprint) {
        return new CacheKey(
                KIND, Fingerprints.derive(KEY_DOMAIN, Fingerprints.bytes(context(s)), FloatBytes.bytes(fingerprint)));
    }

    /** Version, bands, frames, then each buffer's length and bytes (big-endian ints). */
    public byte[] encode() {
        ByteBuffer[] parts = {mel, descriptors, stftState, descriptorState};
        int size = 12;
        for (ByteBuffer b : parts) {
            size += 4 + b.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(VERSION).putInt(bands).putInt(melFrames);
        for (ByteBuffer b : parts) {
            out.putInt(b.remaining()).put(b.duplicate());
        }
        return out.array();
    }

    /** The entry, viewing {@code payload}; null when it is not one (of another layout, truncated, mis-sized). */
    public static MelEntry decode(ByteBuffer payload) {
        if (payload == null || payload.remaining() < 12) {
            return null;
        }
        try {
            ByteBuffer in = payload.duplicate();
            if (in.getInt() != VERSION) {
                return null;
            }
            int bands = in.getInt();
            int frames = in.getInt();
            MelEntry e = new MelEntry(bands, frames, part(in), part(in), part(in), part(in));
            return !in.hasRemaining() && e.mel.remaining() == 4 * bands * frames ? e : null;
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** The next length-prefixed part of {@code in}, as a view; the position moves past it. */
    private static ByteBuffer part(ByteBuffer in) {
        int n = in.getInt();
        ByteBuffer p = in.slice();
        p.limit(n); // throws IllegalArgumentException when n < 0 or past the end
        in.position(in.position() + n);
        return p;
    }
}
