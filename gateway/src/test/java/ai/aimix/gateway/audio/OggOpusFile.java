package ai.aimix.gateway.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Ogg Opus file read back the way a player reads it, checking the container as it goes (capture pattern, CRC,
 * page sequence, BOS and EOS flags, headers), and decoded with concentus: pre-skip dropped, the end trimmed to the
 * last page's granule position.
 */
public final class OggOpusFile {
    public final int channels;
    public final int preSkip;
    public final int inputRate;
    public final List<Page> pages;
    /** Decoded audio at 48 kHz, planar. */
    public final float[][] audio;

    /** One page: its flags, granule position and the number of packets that end on it. */
    public record Page(int flags, long granule, int packets, int bytes) {}

    public OggOpusFile(byte[] file) throws OpusException {
        List<Page> pageList = new ArrayList<>();
        List<byte[]> packets = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        int at = 0;
        int sequence = 0;
        Integer serial = null;
        while (at < file.length) {
            ByteBuffer h = ByteBuffer.wrap(file, at, file.length - at).order(ByteOrder.LITTLE_ENDIAN);
            check(new String(file, at, 4, StandardCharsets.US_ASCII).equals("OggS"), "capture pattern at " + at);
            check(file[at + 4] == 0, "version");
            int flags = file[at + 5];
            long granule = h.getLong(at + 6);
            int s = h.getInt(at + 14);
            check(serial == null || serial == s, "one logical stream");
            serial = s;
            check(h.getInt(at + 18) == sequence++, "page sequence");
            int crc = h.getInt(at + 22);
            int segments = file[at + 26] & 0xff;
            int length = 27 + segments;
            for (int i = 0; i < segments; i++) {
                length += file[at + 27 + i] & 0xff;
            }
            byte[] page = Arrays.copyOfRange(file, at, at + length);
            Arrays.fill(page, 22, 26, (byte) 0);
            check(OggOpusWriter.crc(page) == crc, "CRC of page " + (sequence - 1));
            check(((flags & 0x02) != 0) == (sequence == 1), "BOS on the first page only");
            int ended = 0;
            int data = at + 27 + segments;
            for (int i = 0; i < segments; i++) {
                int lace = file[at + 27 + i] & 0xff;
                partial.write(file, data, lace);
                data += lace;
                if (lace < 255) {
                    packets.add(partial.toByteArray());
                    partial.reset();
                    ended++;
                }
            }
            pageList.add(new Page(flags, granule, ended, length));
            at += length;
        }
        check((pageList.get(pageList.size() - 1).flags() & 0x04) != 0, "EOS on the last page");
        for (int i = 0; i < pageList.size() - 1; i++) {
            check((pageList.get(i).flags() & 0x04) == 0, "EOS on the last page only");
        }
        check(partial.size() == 0, "no packet left unfinished");
        this.pages = List.copyOf(pageList);
        ByteBuffer head = ByteBuffer.wrap(packets.get(0)).order(ByteOrder.LITTLE_ENDIAN);
        check(new String(packets.get(0), 0, 8, StandardCharsets.US_ASCII).equals("OpusHead"), "OpusHead");
        check(head.get(8) == 1, "OpusHead version 1");
        this.channels = head.get(9);
        this.preSkip = head.getShort(10) & 0xffff;
        this.inputRate = head.getInt(12);
        check(new String(packets.get(1), 0, 8, StandardCharsets.US_ASCII).equals("OpusTags"), "OpusTags");
        check(pages.get(0).packets() == 1 && pages.get(1).packets() == 1, "each header on a page of its own");

        OpusDecoder decoder = new OpusDecoder(OggOpusWriter.GRANULE_RATE, channels);
        short[] pcm = new short[OggOpusWriter.GRANULE_RATE * channels]; // up to a second per packet
        long end = pages.get(pages.size() - 1).granule();
        int total = (int) (end - preSkip);
        float[][] out = new float[channels][total];
        long decoded = 0;
        for (byte[] p : packets.subList(2, packets.size())) {
            int n = decoder.decode(p, 0, p.length, pcm, 0, OggOpusWriter.GRANULE_RATE, false);
            for (int i = 0; i < n; i++, decoded++) {
                long t = decoded - preSkip;
                if (t >= 0 && t < total) {
                    for (int c = 0; c < channels; c++) {
                        out[c][(int) t] = pcm[i * channels + c] / 32768f;
                    }
                }
            }
        }
        check(decoded >= end, "the packets hold the audio up to the last granule: " + decoded + " < " + end);
        this.audio = out;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("not a valid Ogg Opus file: " + what);
        }
    }
}
