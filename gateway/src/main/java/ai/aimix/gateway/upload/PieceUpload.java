package ai.aimix.gateway.upload;

import ai.aimix.gateway.wav.WavStream;

/**
 * A stem's upload arriving in pieces (PUTs with {@code Content-Range}), each starting where the last ended: the WAV
 * parser and the chunk sender carried from one piece to the next, so the stem streams to Kafka as if it were one
 * body. A browser opens at most six connections to a host, so a page uploading more stems than that sends them
 * piece by piece, taking turns, and every stem's audio starts to arrive at once.
 */
public final class PieceUpload {
    public final StemUpload upload;
    public final WavStream wav;
    /** The whole file's bytes. */
    public final long total;

    private long received;
    private long touchedMillis;

    public PieceUpload(StemUpload upload, WavStream wav, long total, long nowMillis) {
        this.upload = upload;
        this.wav = wav;
        this.total = total;
        this.touchedMillis = nowMillis;
    }

    /** Bytes received so far: where the next piece starts. */
    public synchronized long received() {
        return received;
    }

    public synchronized void received(long bytes, long nowMillis) {
        received += bytes;
        touchedMillis = nowMillis;
    }

    public synchronized long touchedMillis() {
        return touchedMillis;
    }
}
