package ai.aimix.cache;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A value as stored: magic, length and CRC-32C of the payload, then the payload. {@link #open} returns null for
 * anything that is not a whole, intact entry (truncated, overwritten, of another program): a corrupt entry is a
 * miss, never an error.
 */
public final class SealedEntry {
    private static final int MAGIC = 0x414d4331; // "AMC1"
    static final int HEADER = 12;

    private SealedEntry() {}

    public static byte[] seal(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return ByteBuffer.allocate(HEADER + payload.length)
                .putInt(MAGIC)
                .putInt(payload.length)
                .putInt((int) crc.getValue())
                .put(payload)
                .array();
    }

    /** The payload, or null when the bytes are not an intact sealed entry. */
    public static byte[] open(byte[] sealed) {
        if (sealed == null || sealed.length < HEADER) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(sealed);
        if (b.getInt() != MAGIC || b.getInt() != sealed.length - HEADER) {
            return null;
        }
        int expected = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(sealed, HEADER, sealed.length - HEADER);
        if ((int) crc.getValue() != expected) {
            return null;
        }
        byte[] payload = new byte[sealed.length - HEADER];
        System.arraycopy(sealed, HEADER, payload, 0, payload.length);
        return payload;
    }
}
