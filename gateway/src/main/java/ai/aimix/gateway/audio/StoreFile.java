package ai.aimix.gateway.audio;

import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.Pcm;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A file of the store written whole: the Opus preview, a processed stem, a render. */
public final class StoreFile {
    private StoreFile() {}

    /** What writes a file's content. */
    @FunctionalInterface
    public interface Content {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target}: into a part file beside it, moved into place once complete, so a reader never sees half a
     * file; the part file is removed when the writing fails.
     */
    public static void write(Path target, Content content) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16)) {
                content.write(out);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
    }

    /** Appends interleaved samples as little-endian float32, the store's sample format. */
    static void floats(OutputStream out, float[] samples) throws IOException {
        ByteBuffer b = Pcm.encode(samples, 0, samples.length, SampleEncoding.PCM_F32LE);
        Channels.newChannel(out).write(b);
    }
}
