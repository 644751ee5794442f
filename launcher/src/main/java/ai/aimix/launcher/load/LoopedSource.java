package ai.aimix.launcher.load;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.FrameSource;

/**
 * A stem of any length made from a short loop of generated audio, read as it is sent (only the loop is in memory):
 * from an offset into the loop, at a gain. Two stems of different gain or offset are different audio (every sample
 * differs), so a load test's new songs miss the feature cache as new songs do; the same gain and offset are the same
 * audio, as a re-mix of a song seen before is.
 */
final class LoopedSource implements FrameSource {
    private final Audio loop;
    private final long frames;
    private final long offset;
    private final float gain;

    LoopedSource(Audio loop, long frames, long offset, float gain) {
        this.loop = loop;
        this.frames = frames;
        this.offset = offset;
        this.gain = gain;
    }

    @Override
    public int sampleRate() {
        return loop.sampleRate();
    }

    @Override
    public int channels() {
        return loop.channels();
    }

    @Override
    public long frames() {
        return frames;
    }

    @Override
    public Reader open() {
        return new Reader() {
            private long frame;

            @Override
            public int read(float[] dst, int n) {
                int ch = loop.channels();
                float[] src = loop.samples();
                int loopFrames = loop.frames();
                int count = (int) Math.min(n, frames - frame);
                for (int i = 0; i < count; i++) {
                    int at = (int) ((offset + frame + i) % loopFrames);
                    for (int c = 0; c < ch; c++) {
                        dst[i * ch + c] = src[at * ch + c] * gain;
                    }
                }
                frame += count;
                return count;
            }

            @Override
            public void close() {}
        };
    }
}
