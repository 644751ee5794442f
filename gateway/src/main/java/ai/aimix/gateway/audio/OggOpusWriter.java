package ai.aimix.gateway.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Opus packets in an Ogg container (RFC 3533 pages, RFC 7845 Opus mapping): the identification header ({@code
 * OpusHead}) and the comment header ({@code OpusTags}) each on a page of their own, then audio pages of about a
 * second each (so a player seeking by bisection finds its place in few reads), the last one flagged end-of-stream
 * with the granule position that trims the final frame's padding.
 */
final class OggOpusWriter {
    /** Granule positions are in 48 kHz samples whatever the input rate (RFC 7845 section 4). */
    static final int GRANULE_RATE = 48_000;
    /** Audio on one page, in granule samples. */
    static final long PAGE_GRANULES = GRANULE_RATE;

    private static final int MAX_SEGMENTS = 255;
    private static final int FLAG_BOS = 0x02;
    private static final int FLAG_EOS = 0x04;
    private static final int[] CRC_TABLE = crcTable();

    private final OutputStream out;
    private final int serial;
    private int sequence;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final ByteArrayOutputStream lacing = new ByteArrayOutputStream();
    private long pageStart = -1;
    private long granule;

    /**
     * Writes both headers.
     *
     * @param preSkip    samples (at 48 kHz) the decoder drops at the start: the encoder's look-ahead
     * @param inputRate  the original sample rate, for players that want to restore it
     * @param serial     the logical stream's serial number
     */
    OggOpusWriter(OutputStream out, int channels, int preSkip, int inputRate, int serial, String vendor)
            throws IOException {
        this.out = out;
        this.serial = serial;
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII));
        head.put((byte) 1); // version
        head.put((byte) channels);
        head.putShort((short) preSkip);
        head.putInt(inputRate);
        head.putShort((short) 0); // output gain
        head.put((byte) 0); // channel mapping family 0: mono or stereo
        page(new byte[][] {head.array()}, 0, FLAG_BOS);
        byte[] v = vendor.getBytes(StandardCharsets.UTF_8);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + v.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII));
        tags.putInt(v.length);
        tags.put(v);
        tags.putInt(0); // no user comments
        page(new byte[][] {tags.array()}, 0, 0);
    }

    /** Adds a packet whose decoded audio ends at {@code endGranule}; a page is written when one is full. */
    void packet(byte[] data, int length, long endGranule) throws IOException {
        int segments = length / 255 + 1;
        if (lacing.size() + segments > MAX_SEGMENTS || (pageStart >= 0 && endGranule - pageStart > PAGE_GRANULES)) {
            flush(0);
        }
        if (pageStart < 0) {
            pageStart = granule;
        }
        for (int i = 0; i < segments - 1; i++) {
            lacing.write(255);
        }
        lacing.write(length % 255);
        body.write(data, 0, length);
        granule = endGranule;
    }

    /**
     * Writes the last page, flagged end-of-stream, with {@code finalGranule} (pre-skip plus the audio's length at 48
     * kHz: less than the last packet's end, so the decoder drops the padding).
     */
    void finish(long finalGranule) throws IOException {
        granule = finalGranule;
        flush(FLAG_EOS);
        out.flush();
    }

    private void flush(int flags) throws IOException {
        byte[] segs = lacing.toByteArray();
        byte[] data = body.toByteArray();
        writePage(segs, data, granule, flags);
        lacing.reset();
        body.reset();
        pageStart = -1;
    }

    /** A page holding whole packets. */
    private void page(byte[][] packets, long pageGranule, int flags) throws IOException {
        ByteArrayOutputStream segs = new ByteArrayOutputStream();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] p : packets) {
            for (int i = 0; i < p.length / 255; i++) {
                segs.write(255);
            }
            segs.write(p.length % 255);
            data.write(p);
        }
        writePage(segs.toByteArray(), data.toByteArray(), pageGranule, flags);
    }

    private void writePage(byte[] segs, byte[] data, long pageGranule, int flags) throws IOException {
        ByteBuffer p = ByteBuffer.allocate(27 + segs.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        p.put("OggS".getBytes(StandardCharsets.US_ASCII));
        p.put((byte) 0); // version
        p.put((byte) flags);
        p.putLong(pageGranule);
        p.putInt(serial);
        p.putInt(sequence++);
        p.putInt(0); // CRC, filled in below
        p.put((byte) segs.length);
        p.put(segs);
        p.put(data);
        byte[] page = p.array();
        int crc = crc(page);
        ByteBuffer.wrap(page, 22, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc);
        out.write(page);
    }

    /** Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final XOR. */
    static int crc(byte[] page) {
        int crc = 0;
        for (byte b : page) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int j = 0; j < 8; j++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            t[i] = r;
        }
        return t;
    }
}
