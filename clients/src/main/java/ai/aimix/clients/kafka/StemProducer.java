package ai.aimix.clients.kafka;

import ai.aimix.clients.audio.FrameSource;
import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ContractLimits;
import ai.aimix.schema.codec.Pcm;
import ai.aimix.schema.codec.UploadTokens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Pushes a mix the way the contract asks: the request on mix.requests, then every stem's audio as chunks on
 * audio.chunks, interleaved across stems in time order, all keyed by the mix id (idempotent producer, acks=all).
 */
public final class StemProducer implements AutoCloseable {
    /** Most record bytes waiting for the broker before sends block. */
    static final long BUFFER_BYTES = 16L << 20;
    /** 16384 frames: 64 KiB of stereo 16-bit audio per chunk. */
    public static final int DEFAULT_CHUNK_FRAMES = 16384;

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    /** The first error a send was answered with. */
    private volatile Exception failure;

    public StemProducer(String bootstrapServers, Topics topics) {
        this(KafkaConnection.plain(bootstrapServers), topics);
    }

    public StemProducer(KafkaConnection kafka, Topics topics) {
        this.producer = new KafkaProducer<>(
                audioProducer(kafka, "aimix-stem-producer", BUFFER_BYTES),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        this.topics = topics;
    }

    /**
     * The settings of a producer of the contract's audio: idempotent, acks=all, large batches, requests up to 2 MiB,
     * and sends that block once {@code bufferBytes} wait for the broker (a long stem is pushed in bounded memory).
     */
    public static Properties audioProducer(KafkaConnection kafka, String clientId, long bufferBytes) {
        Properties p = kafka.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1 << 20));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(bufferBytes));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 << 20));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /**
     * A request for these stems (index = position in the list), with a new random upload token.
     *
     * @throws IllegalArgumentException (one line) when the mix id or a stem's name is one the service refuses: it
     *                                  would refuse the request without being able to say whose mix it was
     */
    public static MixRequest request(String mixId, List<StemInput> stems, ModelSelection model) {
        if (stems.isEmpty()) {
            throw new IllegalArgumentException("no stems");
        }
        requireId("the mix id", mixId);
        int rate = stems.get(0).sampleRate();
        long frames = 0;
        List<StemSpec> specs = new ArrayList<>();
        for (int i = 0; i < stems.size(); i++) {
            StemInput s = stems.get(i);
            requireId("the stem name '" + ContractLimits.preview(s.name) + "'", s.name);
            specs.add(new StemSpec(i, s.name, s.role, s.channels()));
            frames = Math.max(frames, s.frames());
        }
        return MixRequest.newBuilder()
                .setMixId(mixId)
                .setRequestedAtMillis(System.currentTimeMillis())
                .setSampleRate(rate)
                .setStems(specs)
                .setModel(model)
                .setExpectedFrames(frames)
                .setClient("aimix-cli")
                .setUploadToken(UploadTokens.random())
                .build();
    }

    private static void requireId(String what, String id) {
        String problem = ContractLimits.checkId(what, id);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public void send(MixRequest request) {
        send(new ProducerRecord<>(topics.requests, key(request.getMixId()), Contract.REQUEST.encode(request)));
    }

    public void send(AudioChunk chunk) {
        send(new ProducerRecord<>(topics.chunks, key(chunk.getMixId()), Contract.CHUNK.encode(chunk)));
    }

    /** Sends raw bytes as a value on a topic (tests of the job's handling of garbage use this). */
    public void sendRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key == null ? null : key(key), value));
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        failIfRefused();
        producer.send(record, (metadata, e) -> {
            if (e != null && failure == null) {
                failure = e;
            }
        });
    }

    /** Throws the first error Kafka answered a send with (not authorized, record too large, ...). */
    private void failIfRefused() {
        Exception e = failure;
        if (e != null) {
            throw new IllegalStateException("Kafka refused a record: " + e.getMessage(), e);
        }
    }

    /**
     * Sends the request and all chunks; returns the bytes of audio sent. Each stem is read from its source as it is
     * sent (one chunk of each stem in memory at a time). {@code progress} receives the frames sent so far (of the
     * longest stem) after every round of chunks.
     *
     * @throws IOException when a stem cannot be read (its audio turned out not to be audio)
     */
    public long push(
            MixRequest request, List<StemInput> stems, int chunkFrames, SampleEncoding encoding, LongConsumer progress)
            throws IOException, InterruptedException, ExecutionException {
        send(request);
        long bytes = 0;
        long[] sequences = new long[stems.size()];
        long longest = 0;
        List<FrameSource.Reader> readers = new ArrayList<>();
        try {
            for (StemInput s : stems) {
                longest = Math.max(longest, s.frames());
                readers.add(s.open());
            }
            float[][] buffers = new float[stems.size()][];
            for (long start = 0; start < longest || start == 0; start += chunkFrames) {
                for (int i = 0; i < stems.size(); i++) {
                    StemInput s = stems.get(i);
                    long frames = s.frames();
                    if (start >= frames && !(start == 0 && frames == 0)) {
                        continue;
                    }
                    int ch = s.channels();
                    int n = (int) Math.min(chunkFrames, frames - start);
                    if (buffers[i] == null) {
                        buffers[i] = new float[chunkFrames * ch];
                    }
                    int got = 0;
                    while (got < n) {
                        float[] part = got == 0 ? buffers[i] : new float[(n - got) * ch];
                        int r = readers.get(i).read(part, n - got);
                        if (r <= 0) {
                            throw new IOException(
                                    s.name + ": ended after " + (start + got) + " of " + frames + " frames");
                        }
                        if (got > 0) {
                            System.arraycopy(part, 0, buffers[i], got * ch, r * ch);
                        }
                        got += r;
                    }
                    ByteBuffer data = Pcm.encode(buffers[i], 0, n * ch, encoding);
                    bytes += data.remaining();
                    send(new AudioChunk(
                            request.getMixId(),
                            i,
                            sequences[i]++,
                            s.sampleRate(),
                            ch,
                            encoding,
                            data,
                            start + n >= frames,
                            Checksums.crc32c(data),
                            request.getUploadToken()));
                }
                if (progress != null) {
                    progress.accept(Math.min(longest, start + chunkFrames));
                }
            }
        } finally {
            for (FrameSource.Reader r : readers) {
                r.close();
            }
        }
        flush();
        return bytes;
    }

    /** Waits until every record sent so far is acknowledged; throws when Kafka refused one. */
    public void flush() {
        producer.flush();
        failIfRefused();
    }

    private static byte[] key(String mixId) {
        return mixId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
