package ai.aimix.clients.audio;

import java.io.Closeable;
import java.io.IOException;

/** Interleaved float audio that can be read from the start, a run of frames at a time, without holding all of it. */
public interface FrameSource {
    int sampleRate();

    int channels();

    long frames();

    default double seconds() {
        return (double) frames() / sampleRate();
    }

    /** A reader from the first frame. */
    Reader open() throws IOException;

    /** Reads the source in order. */
    interface Reader extends Closeable {
        /**
         * Reads up to {@code frames} frames into {@code dst} (interleaved, from index 0); returns how many were read,
         * 0 at the end.
         *
         * @throws WavFormatException when the frames read are not audio (NaN, infinite, out of range)
         */
        int read(float[] dst, int frames) throws IOException;
    }
}
