package ai.aimix.gateway.upload;

import ai.aimix.clients.audio.WavFormatException;
import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.api.ContentRange;
import ai.aimix.gateway.api.GatewayMetrics;
import ai.aimix.gateway.kafka.ContractProducer;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.mix.MixState;
import ai.aimix.gateway.wav.WavStream;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The stems' uploads ({@code PUT /mixes/{id}/stems/{index}}): a whole WAV body, or one piece of it ({@code
 * Content-Range}), parsed as it arrives and sent on as the contract's chunks. A failure after audio was sent fails the
 * mix (its song can no longer be right); one before gives the stem back for a corrected upload.
 */
public final class Uploads {
    /** How long a stem uploaded in pieces may wait for its next piece before its upload fails. */
    public static final Duration PIECE_IDLE = Duration.ofMinutes(10);
    /** Bytes read from a body at a time. */
    public static final int READ_BYTES = 64 * 1024;

    private final ContractProducer producer;
    private final int chunkFrames;
    private final Clock clock;
    private final GatewayMetrics metrics;
    /** Stems being uploaded in pieces, by mix id and stem index. */
    private final Map<String, PieceUpload> pieces = new ConcurrentHashMap<>();

    public Uploads(ContractProducer producer, int chunkFrames, Clock clock, GatewayMetrics metrics) {
        this.producer = producer;
        this.chunkFrames = chunkFrames;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** An upload's answer: its status, its body, and where the upload stands when it goes on in pieces. */
    public record Answer(int status, ObjectNode body, Long uploadOffset) {}

    /**
     * Receives a stem's body (or a piece of it when {@code contentRange} is not null); refusals are {@link
     * ApiException}s, those about a piece saying where the upload stands.
     */
    public Answer receive(
            MixState m, int stem, KeyLimits limits, String contentRange, long declaredLength, InputStream body)
            throws IOException {
        if (contentRange != null) {
            return piece(m, stem, ContentRange.parse(contentRange), limits, body);
        }
        checkSize(declaredLength, limits);
        StemUpload up = start(m, stem, limits);
        WavStream wav = new WavStream(up, chunkFrames);
        long total;
        metrics.uploadsInFlight.inc();
        try (InputStream in = body) {
            total = feed(in, wav, 0, limits, n -> {});
            wav.end();
            up.finish();
        } catch (ApiException | IOException e) {
            throw failed(m, stem, up, wav, e);
        } finally {
            metrics.uploadsInFlight.dec();
        }
        return new Answer(200, uploaded(m, stem, up, total), null);
    }

    /**
     * One piece of a stem's WAV ({@code Content-Range: bytes first-last/total}): the first (from byte 0) claims the
     * stem, each next one must start where the upload stands ({@code 409 UPLOAD_OFFSET_MISMATCH} with the offset
     * otherwise, the upload unharmed); {@code 202} with the offset until the last piece, which answers as a whole
     * upload does. A piece that breaks off keeps what came ({@code 400 UPLOAD_INCOMPLETE} with the offset).
     */
    private Answer piece(MixState m, int stem, ContentRange range, KeyLimits limits, InputStream body)
            throws IOException {
        checkSize(range.total(), limits);
        String k = m.id + "/" + stem;
        PieceUpload p;
        if (range.first() == 0) {
            StemUpload up = start(m, stem, limits);
            p = new PieceUpload(up, new WavStream(up, chunkFrames), range.total(), clock.millis());
            pieces.put(k, p);
        } else {
            p = pieces.get(k);
            MixState.Status status = m.status();
            if (p != null && (status == MixState.Status.FAILED || status == MixState.Status.COMPLETED)) {
                pieces.remove(k, p); // the mix failed meanwhile (another stem's upload): nothing more to send
                throw new ApiException(
                        ApiError.MIX_ENDED,
                        "mix " + m.id + " has " + status.name().toLowerCase(Locale.ROOT));
            }
            if (p == null) {
                throw new ApiException(
                        ApiError.UPLOAD_OFFSET_MISMATCH,
                        "stem " + stem + " of mix " + m.id + " has no upload in pieces under way (" + m.upload(stem)
                                + "): its first piece starts at byte 0",
                        0L);
            }
        }
        synchronized (p) {
            if (range.first() != p.received() || range.total() != p.total) {
                throw new ApiException(
                        ApiError.UPLOAD_OFFSET_MISMATCH,
                        "the piece is bytes " + range.first() + "-" + range.last() + "/" + range.total()
                                + "; the upload stands at byte " + p.received() + " of " + p.total,
                        p.received());
            }
            metrics.uploadsInFlight.inc();
            long from = p.received();
            String broke = null;
            try {
                try (InputStream in = body) {
                    feed(in, p.wav, from, limits, n -> p.received(n, clock.millis()));
                } catch (WavFormatException | ApiException e) {
                    throw e;
                } catch (IOException e) {
                    broke = e.getMessage(); // the connection broke off: what came is kept, the upload goes on
                }
                if (p.received() - from == range.length() && range.ends()) {
                    p.wav.end();
                    p.upload.finish();
                    pieces.remove(k);
                    return new Answer(200, uploaded(m, stem, p.upload, p.received()), null);
                }
            } catch (ApiException | IOException e) {
                pieces.remove(k);
                throw failed(m, stem, p.upload, p.wav, e);
            } finally {
                metrics.uploadsInFlight.dec();
            }
            long got = p.received() - from;
            if (got != range.length()) {
                throw new ApiException(
                        ApiError.UPLOAD_INCOMPLETE,
                        "the piece ended after " + got + " of its " + range.length() + " bytes"
                                + (broke == null ? "" : " (" + broke + ")") + "; go on from byte " + p.received(),
                        p.received());
            }
            ObjectNode answer = JsonNodeFactory.instance
                    .objectNode()
                    .put("mix", m.id)
                    .put("stem", stem)
                    .put("bytesReceived", p.received())
                    .put("bytesTotal", p.total);
            return new Answer(202, answer, p.received());
        }
    }

    /** Uploads in pieces whose next piece has not come for {@link #PIECE_IDLE}: failed, and their mix with them. */
    public void expire(Function<String, MixState> mixes) {
        long before = clock.millis() - PIECE_IDLE.toMillis();
        for (Map.Entry<String, PieceUpload> e : pieces.entrySet()) {
            if (e.getValue().touchedMillis() < before && pieces.remove(e.getKey(), e.getValue())) {
                String[] at = e.getKey().split("/");
                MixState m = mixes.apply(at[0]);
                if (m != null) {
                    m.uploadFailed(
                            Integer.parseInt(at[1]),
                            ApiError.UPLOAD_INCOMPLETE.name(),
                            "no piece came for " + PIECE_IDLE.toMinutes() + " minutes after byte "
                                    + e.getValue().received() + " of " + e.getValue().total,
                            clock.millis());
                }
            }
        }
    }

    private static void checkSize(long bytes, KeyLimits limits) {
        if (bytes > limits.maxUploadBytes()) {
            throw new ApiException(
                    ApiError.UPLOAD_TOO_LARGE,
                    bytes + " bytes; at most " + limits.maxUploadBytes() + " bytes per stem");
        }
    }

    /** The stem claimed for an upload and its sender made; refused when the mix has ended or the stem is taken. */
    private StemUpload start(MixState m, int stem, KeyLimits limits) {
        MixState.Status status = m.status();
        if (status == MixState.Status.FAILED || status == MixState.Status.COMPLETED) {
            throw new ApiException(
                    ApiError.MIX_ENDED, "mix " + m.id + " has " + status.name().toLowerCase(Locale.ROOT));
        }
        if (!m.claim(stem)) {
            throw new ApiException(
                    ApiError.STEM_ALREADY_UPLOADED, "stem " + stem + " of mix " + m.id + " is " + m.upload(stem));
        }
        long maxFrames = (long) limits.maxSeconds() * m.spec.sampleRate;
        return new StemUpload(m, stem, producer, chunkFrames, maxFrames, clock, metrics.bytesForwarded::inc);
    }

    /**
     * Reads {@code in} into the parser, telling {@code fed} the bytes of each read once parsed; returns the stem's
     * bytes so far ({@code before} and what was read).
     */
    private long feed(InputStream in, WavStream wav, long before, KeyLimits limits, LongConsumer fed)
            throws IOException {
        long total = before;
        byte[] buf = new byte[READ_BYTES];
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            metrics.bytesReceived.inc(n);
            if (total > limits.maxUploadBytes()) {
                throw new ApiException(ApiError.UPLOAD_TOO_LARGE, "more than " + limits.maxUploadBytes() + " bytes");
            }
            wav.feed(buf, 0, n);
            fed.accept(n);
        }
        return total;
    }

    private static ObjectNode uploaded(MixState m, int stem, StemUpload up, long total) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("mix", m.id);
        body.put("stem", stem);
        body.put("frames", up.frames());
        body.put("seconds", up.frames() / (double) m.spec.sampleRate);
        body.put("chunks", up.chunks());
        body.put("bytesReceived", total);
        body.put("status", m.status().name());
        return body;
    }

    /** The upload failed: the API's error for why (the stem given back when nothing of it was sent). */
    private ApiException failed(MixState m, int stem, StemUpload up, WavStream wav, Exception e) {
        ApiError error;
        String detail;
        if (e instanceof WavFormatException) {
            error = wav.header() == null ? ApiError.NOT_WAV : ApiError.UPLOAD_INCOMPLETE;
            detail = e.getMessage();
        } else if (e instanceof ApiException a) {
            error = a.error;
            detail = a.getMessage();
        } else {
            error = ApiError.UPLOAD_INCOMPLETE;
            detail = "the body could not be read: " + e.getMessage();
        }
        if (up.chunks() == 0) {
            m.release(stem);
        } else {
            m.uploadFailed(stem, error.name(), detail, clock.millis());
        }
        return new ApiException(error, detail);
    }
}
