package ai.aimix.schema.codec;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** The checksum carried by audio chunks: CRC-32C (Castagnoli) of the data bytes, unsigned. */
public final class Checksums {
    private Checksums() {}

    public static long crc32c(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return crc.getValue();
    }

    public static long crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length);
        return crc.getValue();
    }
}
