package ai.aimix.gateway.audio;

import ai.aimix.dsp.mix.MixRenderer;
import ai.aimix.dsp.mix.ParallelRunner;
import ai.aimix.dsp.mix.RenderSettings;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A mix rendered again from the stem store with the dsp module's {@link MixRenderer} — the job's renderer, so the
 * model's own parameters give the job's output — segment by segment, a stem block read from the store at a time.
 */
public final class MixRender {
    private MixRender() {}

    /**
     * The stems' channel strips of a segment run in parallel on the common pool (and the calling thread); the bus
     * sums them in stem order afterwards, so the output does not depend on it.
     */
    static final ParallelRunner STEMS_IN_PARALLEL =
            tasks -> tasks.parallelStream().forEach(Runnable::run);

    /**
     * Where the renders' master buses run, beside their stems: threads kept for reuse (a render submits its next
     * segment's master only after the previous one's has finished, so each render's stay in order).
     */
    private static final ExecutorService MASTER_BUSES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "aimix-gateway-render-master");
        t.setDaemon(true);
        return t;
    });

    /** Takes each block of a render's audio as it is written (interleaved stereo), in order, on the render's threads. */
    @FunctionalInterface
    public interface Listener {
        void audio(float[] interleaved) throws IOException;
    }

    /** The figures of a render: where it starts in the song, how long it is, how loud it came out. */
    public record Figures(long startFrame, long frames, double integratedLufs, double truePeakDbtp, double millis) {}

    /** The stems' blocks read (and decoded) in parallel, each through a buffer of its own. */
    private static void readStems(
            List<StemAudio> stems, boolean[] muted, long at, int n, float[][] audio, ByteBuffer[] scratch)
            throws IOException {
        List<Runnable> reads = new ArrayList<>();
        for (int i = 0; i < stems.size(); i++) {
            int stem = i;
            reads.add(() -> {
                if (muted[stem]) {
                    Arrays.fill(audio[stem], 0f);
                    return;
                }
                try {
                    scratch[stem] = stems.get(stem).read(at, audio[stem], n, scratch[stem]);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        try {
            STEMS_IN_PARALLEL.run(reads);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The last stage of a block of output: its meters, the render's file, the listener. */
    private static Void deliver(MixRenderer renderer, OutputStream out, Listener listener, float[] mixed) {
        renderer.meterOutput(mixed);
        try {
            StoreFile.floats(out, mixed);
            listener.audio(mixed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    private static void quietly(Future<?> f) {
        try {
            f.get();
        } catch (ExecutionException e) {
            // the loop's own failure is the one reported
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the render was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("the render's master bus or output failed", cause);
        }
    }

    /**
     * Renders segments {@code firstSegment ..} of the stems into {@code target} (interleaved stereo float32).
     *
     * @param stems        the stems as uploaded, in index order
     * @param startFrame   where the mix began in the stems (its excerpt's start; 0 for the whole song)
     * @param songFrames   the mix's length (frames from {@code startFrame})
     * @param firstSegment the first segment to render
     * @param schedule     [segment - firstSegment][stem] parameter vectors
     * @param muted        stems rendered as silence
     * @param listener     given each block of the audio once it is in the file (a failure ends the render)
     */
    public static Figures render(
            List<StemAudio> stems,
            long startFrame,
            long songFrames,
            int firstSegment,
            float[][][] schedule,
            boolean[] muted,
            RenderSettings settings,
            Path target,
            Listener listener)
            throws IOException {
        long t0 = System.nanoTime();
        int segment = settings.segmentFrames;
        int[] channels = new int[stems.size()];
        float[][] audio = new float[stems.size()][];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = stems.get(i).channels();
            audio[i] = new float[segment * channels[i]];
        }
        MixRenderer renderer = new MixRenderer(settings, channels);
        // the output's meters, its file and its listener run as a third stage, after the master bus
        renderer.deferOutputMeters();
        long from = (long) firstSegment * segment;
        long[] frames = {0};
        ByteBuffer[] scratch = new ByteBuffer[stems.size()];
        // two buses: a segment's stems are summed into one while the master bus works on the other's
        float[][][] buses = {{new float[segment], new float[segment]}, {new float[segment], new float[segment]}};
        StoreFile.write(target, out -> {
            CompletableFuture<float[]> mastering = CompletableFuture.completedFuture(null);
            // each segment's output is metered, stored and sent as soon as its master is done and the segment
            // before it has been delivered, while the next segment's master runs; at most two wait
            CompletableFuture<Void> delivering = CompletableFuture.completedFuture(null);
            Deque<CompletableFuture<Void>> deliveries = new ArrayDeque<>();
            try {
                for (int k = 0; k < schedule.length; k++) {
                    long at = from + frames[0];
                    int n = (int) Math.min(segment, songFrames - at);
                    if (n <= 0) {
                        break;
                    }
                    readStems(stems, muted, startFrame + at, n, audio, scratch);
                    float[][] bus = buses[k % 2];
                    renderer.sumStems(audio, 0, n, schedule[k], STEMS_IN_PARALLEL, bus[0], bus[1]);
                    await(mastering); // the previous segment's master: in order, and its bus free again after
                    while (deliveries.size() >= 2) {
                        await(deliveries.removeFirst()); // a slow reader holds the render back, not its memory
                    }
                    mastering = CompletableFuture.supplyAsync(() -> renderer.master(bus[0], bus[1], n), MASTER_BUSES);
                    delivering = delivering.thenCombineAsync(
                            mastering, (before, mixed) -> deliver(renderer, out, listener, mixed), MASTER_BUSES);
                    deliveries.addLast(delivering);
                    frames[0] += n;
                }
                await(delivering);
            } finally {
                // after a failure while a stage runs: it ends before the file is closed and removed
                quietly(mastering);
                quietly(delivering);
            }
            deliver(renderer, out, listener, renderer.finish());
        });
        return new Figures(
                from, frames[0], renderer.outputLufs(), renderer.truePeakDbtp(), (System.nanoTime() - t0) / 1e6);
    }
}
