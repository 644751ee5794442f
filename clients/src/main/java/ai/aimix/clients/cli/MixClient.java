package ai.aimix.clients.cli;

import ai.aimix.clients.kafka.CollectedMix;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.MixCollector;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.SampleEncoding;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Pushes one mix through Kafka and waits for its result, drawing a progress bar: what `mix` and `demo` do. */
public final class MixClient {
    private final KafkaConnection kafka;
    private final Topics topics;

    public MixClient(String bootstrap, Topics topics) {
        this(KafkaConnection.plain(bootstrap), topics);
    }

    public MixClient(KafkaConnection kafka, Topics topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    /** What happened, as the client saw it. */
    public static final class Outcome {
        public CollectedMix mix;
        public long bytesSent;
        public double pushSeconds;
        public double firstOutputSeconds;
        public double lastOutputSeconds;
        public double resultSeconds;
    }

    /** Receives output chunks as they arrive (in order per variant), e.g. to write them to a file. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(MixOutputChunk chunk) throws IOException;
    }

    public Outcome run(
            MixRequest request,
            List<StemInput> stems,
            int chunkFrames,
            SampleEncoding encoding,
            Duration timeout,
            ProgressBar bar)
            throws Exception {
        return run(request, stems, chunkFrames, encoding, timeout, bar, null);
    }

    /**
     * Pushes the mix and waits for its result. With an {@code output} sink the mixed audio is handed to it as it
     * arrives and not kept (a mix of any length costs no memory), else it is kept in the outcome.
     */
    public Outcome run(
            MixRequest request,
            List<StemInput> stems,
            int chunkFrames,
            SampleEncoding encoding,
            Duration timeout,
            ProgressBar bar,
            ChunkSink output)
            throws Exception {
        Outcome o = new Outcome();
        AtomicReference<IOException> sinkFailure = new AtomicReference<>();
        long totalFrames = request.getExpectedFrames() == null ? 0 : request.getExpectedFrames();
        AtomicLong sentFrames = new AtomicLong();
        try (MixCollector collector = new MixCollector(kafka, topics, false).keepAudio(output == null);
                StemProducer producer = new StemProducer(kafka, topics)) {
            long t0 = System.nanoTime();
            CompletableFuture<Long> push = CompletableFuture.supplyAsync(() -> {
                try {
                    long bytes = producer.push(request, stems, chunkFrames, encoding, sentFrames::set);
                    o.pushSeconds = (System.nanoTime() - t0) / 1e9;
                    return bytes;
                } catch (IOException e) {
                    throw new IllegalStateException(e.getMessage(), e); // a stem could not be read
                } catch (Exception e) {
                    throw new IllegalStateException(
                            "sending to Kafka at " + kafka.bootstrap() + " failed: " + e.getMessage(), e);
                }
            });
            Map<String, CollectedMix> got;
            try {
                got = collector.await(List.of(request.getMixId()), timeout, new MixCollector.Listener() {
                    @Override
                    public void onProgress(MixProgress p) {
                        if (bar == null) {
                            return;
                        }
                        double f = p.getFramesTotal() == null ? -1 : (double) p.getFramesDone() / p.getFramesTotal();
                        String eta =
                                p.getEtaMillis() == null ? "" : String.format(" ETA %.1fs", p.getEtaMillis() / 1000.0);
                        bar.update(
                                f,
                                "segment " + p.getSegmentsDone()
                                        + (p.getSegmentsTotal() == null ? "" : "/" + p.getSegmentsTotal()) + eta);
                    }

                    @Override
                    public void onError(MixError e) {
                        // reported with the result
                    }

                    @Override
                    public Throwable failure() {
                        if (!push.isCompletedExceptionally()) {
                            return null;
                        }
                        try {
                            push.join();
                            return null;
                        } catch (CompletionException e) {
                            Throwable t = e.getCause() != null ? e.getCause() : e;
                            return t.getCause() instanceof IOException ? t.getCause() : t;
                        }
                    }

                    @Override
                    public void onChunk(MixOutputChunk c) {
                        if (output != null && sinkFailure.get() == null) {
                            try {
                                output.accept(c);
                            } catch (IOException e) {
                                sinkFailure.set(e);
                            }
                        }
                    }
                });
            } catch (TimeoutException e) {
                if (push.isCompletedExceptionally()) {
                    push.join();
                }
                throw e;
            }
            if (sinkFailure.get() != null) {
                throw sinkFailure.get();
            }
            o.resultSeconds = (System.nanoTime() - t0) / 1e9;
            o.bytesSent = push.get();
            o.mix = got.get(request.getMixId());
            if (o.mix.firstOutputAtMillis > 0) {
                long startMillis = System.currentTimeMillis() - (long) (o.resultSeconds * 1000);
                o.firstOutputSeconds = (o.mix.firstOutputAtMillis - startMillis) / 1000.0;
                o.lastOutputSeconds = (o.mix.lastOutputAtMillis - startMillis) / 1000.0;
            }
            if (bar != null) {
                bar.done(String.format("done in %.1f s", o.resultSeconds));
            }
            return o;
        }
    }
}
