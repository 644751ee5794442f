package ai.aimix.gateway.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the gateway keeps the mixed audio of its mixes: a directory per mix under a root (the stem store's volume on
 * a cluster; a private temporary directory by default, removed on close).
 */
public final class AudioStore implements AutoCloseable {
    private final Path root;
    private final boolean owned;
    /** What the replicas share on a cluster: the stems as uploaded (a directory per mix), saved presets. */
    private final Path shared;

    /** @param root the directory, or null for a private temporary one removed on close */
    public AudioStore(Path root) {
        this(root, null);
    }

    /**
     * @param root   this process's directory (mixed audio, renders, processed stems), or null for a private temporary
     *               one removed on close
     * @param shared the directory the replicas share (the stem store and saved presets: a shared volume on a
     *               cluster), or null for {@code root} itself
     */
    public AudioStore(Path root, Path shared) {
        try {
            this.owned = root == null;
            this.root = owned ? Files.createTempDirectory("aimix-gateway-") : Files.createDirectories(root);
            this.shared = shared == null ? this.root : Files.createDirectories(shared);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audio store", e);
        }
    }

    /** A directory of the shared store for something other than stems (no mix id starts like it): saved presets. */
    public Path directory(String name) {
        return shared.resolve(name);
    }

    /** A new, empty audio holder for a mix: its own files here, its stems in the shared stem store. */
    public MixAudio create(String mixId) {
        return new MixAudio(root.resolve(mixId), shared.resolve(STEMS).resolve(mixId));
    }

    /** The shared store's directory of stems as uploaded, a directory per mix. */
    static final String STEMS = "stems";

    @Override
    public void close() {
        if (!owned) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + root, e);
        }
    }
}
