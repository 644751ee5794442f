package ai.aimix.gateway.audio;

import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.Variant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** The mixed audio of one mix, per variant (MAIN, or A and B of a battle), in its own directory of the store. */
public final class MixAudio implements AutoCloseable {
    private final Path dir;
    private final Map<Variant, VariantAudio> variants = new EnumMap<>(Variant.class);

    MixAudio(Path dir) {
        this.dir = dir;
    }

    public void append(MixOutputChunk c) {
        variant(c.getVariant(), true).append(c);
    }

    /** The variant's audio, or null before its first chunk. */
    public VariantAudio variant(Variant v) {
        return variant(v, false);
    }

    private synchronized VariantAudio variant(Variant v, boolean create) {
        VariantAudio a = variants.get(v);
        if (a == null && create) {
            try {
                Files.createDirectories(dir);
                a = new VariantAudio(dir.resolve(v.name() + ".f32"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store the audio of " + dir, e);
            }
            variants.put(v, a);
        }
        return a;
    }

    @Override
    public synchronized void close() {
        variants.values().forEach(VariantAudio::close);
        variants.clear();
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }
}
