package ai.aimix.operators.align;

import ai.aimix.operators.records.Rejection;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;

/** Checks of a chunk's payload against the request it belongs to. Plain Java. */
public final class ChunkChecks {
    private ChunkChecks() {}

    /** Null when the payload is usable, else why not. The stem index must already be in range. */
    public static Rejection check(AudioChunk c, MixRequest request, int stemChannels, int maxChunkBytes) {
        int size = c.getData().remaining();
        if (size > maxChunkBytes) {
            return new Rejection(
                    ErrorCode.OVERSIZE_CHUNK, true, "chunk of " + size + " bytes; at most " + maxChunkBytes);
        }
        if (c.getSampleRate() != request.getSampleRate()) {
            return new Rejection(
                    ErrorCode.SAMPLE_RATE_MISMATCH,
                    true,
                    "chunk at " + c.getSampleRate() + " Hz, the request says " + request.getSampleRate() + " Hz");
        }
        if (c.getChannels() != stemChannels) {
            return new Rejection(
                    ErrorCode.CHANNEL_MISMATCH,
                    true,
                    "chunk with " + c.getChannels() + " channels, the request says " + stemChannels + " for stem "
                            + c.getStemIndex());
        }
        if (Pcm.frames(size, c.getChannels(), c.getEncoding()) < 0) {
            return new Rejection(
                    ErrorCode.MALFORMED_CHUNK,
                    false,
                    size + " bytes is not a whole number of " + c.getChannels() + "-channel " + c.getEncoding()
                            + " frames");
        }
        long crc = Checksums.crc32c(c.getData());
        if (crc != c.getChecksum()) {
            return new Rejection(
                    ErrorCode.CHECKSUM_MISMATCH,
                    false,
                    String.format("CRC-32C of data is %08x, the chunk says %08x", crc, c.getChecksum()));
        }
        int bad = Pcm.firstNonFinite(c.getData(), c.getEncoding());
        if (bad >= 0) {
            return new Rejection(ErrorCode.NON_FINITE_SAMPLES, true, "sample " + bad + " is NaN or infinite");
        }
        return null;
    }

    public static long frames(AudioChunk c) {
        return Pcm.frames(c.getData().remaining(), c.getChannels(), c.getEncoding());
    }
}
