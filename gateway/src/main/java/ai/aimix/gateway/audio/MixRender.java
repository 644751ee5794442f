package ai.aimix.gateway.audio;

import ai.aimix.dsp.mix.MixRenderer;
import ai.aimix.dsp.mix.ParallelRunner;
import ai.aimix.dsp.mix.RenderSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /** The figures of a render: where it starts in the song, how long it is, how loud it came out. */
    public record Figures(long startFrame, long frames, double integratedLufs, double truePeakDbtp, double millis) {}

    /**
     * Renders segments {@code firstSegment ..} of the stems into {@code target} (interleaved stereo float32).
     *
     * @param stems        the stems as uploaded, in index order
     * @param startFrame   where the mix began in the stems (its excerpt's start; 0 for the whole song)
     * @param songFrames   the mix's length (frames from {@code startFrame})
     * @param firstSegment the first segment to render
     * @param schedule     [segment - firstSegment][stem] parameter vectors
     * @param muted        stems rendered as silence
     */
    public static Figures render(
            List<StemAudio> stems,
            long startFrame,
            long songFrames,
            int firstSegment,
            float[][][] schedule,
            boolean[] muted,
            RenderSettings settings,
            Path target)
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
        long from = (long) firstSegment * segment;
        long[] frames = {0};
        ByteBuffer[] scratch = new ByteBuffer[stems.size()];
        StoreFile.write(target, out -> {
            for (float[][] params : schedule) {
                long at = from + frames[0];
                int n = (int) Math.min(segment, songFrames - at);
                if (n <= 0) {
                    break;
                }
                // the stems' blocks read (and decoded) in parallel too, each through a buffer of its own
                List<Runnable> reads = new ArrayList<>();
                for (int i = 0; i < channels.length; i++) {
                    int stem = i;
                    reads.add(() -> {
                        if (muted[stem]) {
                            Arrays.fill(audio[stem], 0f);
                            return;
                        }
                        try {
                            scratch[stem] = stems.get(stem).read(startFrame + at, audio[stem], n, scratch[stem]);
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
                StoreFile.floats(out, renderer.renderSegment(audio, 0, n, params, STEMS_IN_PARALLEL));
                frames[0] += n;
            }
            StoreFile.floats(out, renderer.finish());
        });
        return new Figures(
                from, frames[0], renderer.outputLufs(), renderer.truePeakDbtp(), (System.nanoTime() - t0) / 1e6);
    }
}
