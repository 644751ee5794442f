package ai.aimix.gateway.upload;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.audio.StemAudio;
import ai.aimix.gateway.kafka.ContractProducer;
import ai.aimix.gateway.mix.MixState;
import ai.aimix.gateway.wav.WavHeader;
import ai.aimix.gateway.wav.WavStream;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.Excerpt;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One stem's upload: checks the WAV's header against the stem the mix declared, then turns the audio into the
 * contract's chunks of {@code chunkFrames} frames as it arrives (16-bit and 8-bit PCM travel as 16-bit, anything
 * finer as float; a 16-bit body's bytes are sent as they are, not converted) and sends them; {@link #finish()} sends the last one and waits until Kafka has every record.
 */
public final class StemUpload implements WavStream.Sink {
    /** Most unacknowledged sends an upload keeps track of before it waits for the oldest. */
    static final int MAX_IN_FLIGHT = 64;
    /** How long finishing waits for Kafka's acknowledgements. */
    static final long ACK_TIMEOUT_SECONDS = 60;

    private final MixState mix;
    private final int stem;
    private final StemSpec spec;
    private final ContractProducer producer;
    private final int chunkFrames;
    private final long maxFrames;
    private final Clock clock;
    /** Told the bytes of each chunk sent (the gateway's forwarded-bytes metric). */
    private final LongConsumer forwarded;

    private final Deque<Future<RecordMetadata>> inFlight = new ArrayDeque<>();

    private SampleEncoding encoding;
    /** The chunk being gathered as floats: float, 8, 24 and 32-bit bodies (null for a 16-bit one). */
    private float[] buffer;
    /** The chunk being gathered as a 16-bit PCM body's own bytes, sent as they are (null for other bodies). */
    private byte[] pcm16;

    private int buffered;
    private long sequence;
    private long frames;
    /** Frames worth sending: up to the end of the mix's excerpt (the job needs no more), else all. */
    private final long sendFrames;
    /** The last chunk has been sent (at the excerpt's end); the rest of the body is read but not sent. */
    private boolean sentLast;

    /**
     * @param maxFrames the longest stem accepted, in frames
     */
    public StemUpload(
            MixState mix,
            int stem,
            ContractProducer producer,
            int chunkFrames,
            long maxFrames,
            Clock clock,
            LongConsumer forwarded) {
        this.mix = mix;
        this.stem = stem;
        this.spec = mix.spec.stems.get(stem);
        this.producer = producer;
        this.chunkFrames = chunkFrames;
        this.maxFrames = maxFrames;
        this.clock = clock;
        this.forwarded = forwarded;
        Excerpt x = mix.spec.excerpt;
        this.sendFrames = x == null ? Long.MAX_VALUE : x.getStartFrame() + x.getFrames();
    }

    @Override
    public void header(WavHeader h) {
        if (h.sampleRate() != mix.spec.sampleRate) {
            throw new ApiException(
                    ApiError.STEM_FORMAT_MISMATCH,
                    "the WAV is at " + h.sampleRate() + " Hz; the mix is at " + mix.spec.sampleRate + " Hz");
        }
        if (h.channels() != spec.getChannels()) {
            throw new ApiException(
                    ApiError.STEM_FORMAT_MISMATCH,
                    "the WAV has " + h.channels() + " channel(s); stem " + stem + " (" + spec.getName()
                            + ") was declared with " + spec.getChannels());
        }
        if (h.frames() > maxFrames) {
            throw new ApiException(
                    ApiError.UPLOAD_TOO_LARGE,
                    "the WAV declares " + h.frames() + " frames; at most " + maxFrames + " ("
                            + maxFrames / mix.spec.sampleRate + " s) are accepted");
        }
        encoding = h.floatingPoint() || h.bits() > 16 ? SampleEncoding.PCM_F32LE : SampleEncoding.PCM_S16LE;
        if (!h.floatingPoint() && h.bits() == 16) {
            pcm16 = new byte[chunkFrames * h.channels() * 2];
        } else {
            buffer = new float[chunkFrames * h.channels()];
        }
        MixRequest request = mix.requestToSend(h.frames(), clock.millis());
        if (request != null) {
            track(producer.send(request));
        }
    }

    @Override
    public void frames(float[] interleaved, int n) {
        take(interleaved, null, 0, n);
    }

    @Override
    public boolean takesPcm16() {
        return true;
    }

    @Override
    public void pcm16(byte[] b, int off, int n) {
        take(null, b, off, n);
    }

    /** {@code n} frames, as floats or (null floats) as 16-bit PCM bytes from {@code bytes[off]}. */
    private void take(float[] interleaved, byte[] bytes, int off, int n) {
        frames += n;
        if (frames > maxFrames) {
            throw new ApiException(
                    ApiError.UPLOAD_TOO_LARGE,
                    "more than " + maxFrames + " frames (" + maxFrames / mix.spec.sampleRate + " s) of audio");
        }
        if (sentLast) {
            return;
        }
        int ch = spec.getChannels();
        int pos = 0;
        int keep = (int) Math.min(n, sendFrames - (frames - n)); // nothing past the excerpt's end
        while (pos < keep) {
            int take = Math.min(keep - pos, chunkFrames - buffered);
            if (interleaved != null) {
                System.arraycopy(interleaved, pos * ch, buffer, buffered * ch, take * ch);
            } else {
                System.arraycopy(bytes, off + pos * ch * 2, pcm16, buffered * ch * 2, take * ch * 2);
            }
            buffered += take;
            pos += take;
            if (buffered == chunkFrames) {
                send(false);
            }
        }
        if (frames >= sendFrames) {
            send(true);
            sentLast = true;
        }
    }

    /** The body has ended and parsed: sends the last chunk and waits for Kafka to have every record of the stem. */
    public void finish() {
        if (!sentLast) {
            send(true);
        }
        while (!inFlight.isEmpty()) {
            await(inFlight.removeFirst());
        }
        mix.uploaded(stem);
    }

    /** Chunks sent so far. */
    public long chunks() {
        return sequence;
    }

    public long frames() {
        return frames;
    }

    private void send(boolean last) {
        int ch = spec.getChannels();
        SampleEncoding enc = encoding == null ? SampleEncoding.PCM_S16LE : encoding;
        ByteBuffer data = pcm16 != null
                ? ByteBuffer.wrap(Arrays.copyOf(pcm16, buffered * ch * 2))
                : Pcm.encode(buffer == null ? new float[0] : buffer, 0, buffered * ch, enc);
        int size = data.remaining();
        AudioChunk chunk = new AudioChunk(
                mix.id,
                stem,
                sequence++,
                mix.spec.sampleRate,
                ch,
                enc,
                data,
                last,
                Checksums.crc32c(data),
                mix.uploadToken);
        track(producer.send(chunk));
        StemAudio stored = mix.audio.stem(stem, ch, enc);
        stored.append(data);
        if (last) {
            stored.uploaded();
        }
        mix.received(stem, buffered, size);
        forwarded.accept(size);
        buffered = 0;
    }

    private void track(Future<RecordMetadata> f) {
        inFlight.addLast(f);
        while (!inFlight.isEmpty()
                && (inFlight.size() > MAX_IN_FLIGHT || inFlight.peekFirst().isDone())) {
            await(inFlight.removeFirst());
        }
    }

    /**
     * Waits for a chunk's acknowledgement. A refusal here comes after chunks were sent, which fails the mix: the answer
     * says no {@code Retry-After} (the same upload cannot succeed later; a new mix can).
     */
    private static void await(Future<RecordMetadata> f) {
        try {
            f.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ApiException(ApiError.KAFKA_UNAVAILABLE, "Kafka refused the stem's audio: " + cause, cause)
                    .noRetry();
        } catch (TimeoutException e) {
            throw new ApiException(
                            ApiError.KAFKA_UNAVAILABLE,
                            "Kafka did not acknowledge within " + ACK_TIMEOUT_SECONDS + " s",
                            e)
                    .noRetry();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.KAFKA_UNAVAILABLE, "interrupted while waiting for Kafka", e).noRetry();
        }
    }
}
