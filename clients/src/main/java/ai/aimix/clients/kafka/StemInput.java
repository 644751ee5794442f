package ai.aimix.clients.kafka;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.FrameSource;
import ai.aimix.schema.StemRole;
import java.io.IOException;

/**
 * One stem to push: its display name, role and audio, either held in memory ({@link #audio}, for songs made in code)
 * or read from a source as it is sent (a file of any length, never held whole).
 */
public final class StemInput {
    public final String name;
    public final StemRole role;
    /** The audio when it is held in memory; null for a stem read from a source as it is sent. */
    public final Audio audio;

    private final FrameSource source;

    public StemInput(String name, StemRole role, Audio audio) {
        this.name = name;
        this.role = role;
        this.audio = audio;
        this.source = new InMemory(audio);
    }

    public StemInput(String name, StemRole role, FrameSource source) {
        this.name = name;
        this.role = role;
        this.audio = null;
        this.source = source;
    }

    public FrameSource source() {
        return source;
    }

    public int sampleRate() {
        return source.sampleRate();
    }

    public int channels() {
        return source.channels();
    }

    public long frames() {
        return source.frames();
    }

    public double seconds() {
        return source.seconds();
    }

    /** Audio in memory as a source. */
    private static final class InMemory implements FrameSource {
        private final Audio audio;

        InMemory(Audio audio) {
            this.audio = audio;
        }

        @Override
        public int sampleRate() {
            return audio.sampleRate();
        }

        @Override
        public int channels() {
            return audio.channels();
        }

        @Override
        public long frames() {
            return audio.frames();
        }

        @Override
        public Reader open() {
            return new Reader() {
                private int frame;

                @Override
                public int read(float[] dst, int frames) {
                    int n = Math.min(frames, audio.frames() - frame);
                    System.arraycopy(audio.samples(), frame * audio.channels(), dst, 0, n * audio.channels());
                    frame += n;
                    return n;
                }

                @Override
                public void close() {}
            };
        }
    }

    /** Opens this stem's audio for reading from its start. */
    public FrameSource.Reader open() throws IOException {
        return source.open();
    }
}
