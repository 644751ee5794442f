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

    /** @param root the directory, or null for a private temporary one removed on close */
    public AudioStore(Path root) {
        try {
            this.owned = root == null;
            this.root = owned ? Files.createTempDirectory("aimix-gateway-") : Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audio store", e);
        }
    }

    /** A directory of the store for something other than a mix's audio (no mix id starts like it). */
    public Path directory(String name) {
        return root.resolve(name);
    }

    /** A new, empty audio holder for a mix. */
    public MixAudio create(String mixId) {
        return new MixAudio(root.resolve(mixId));
    }

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
