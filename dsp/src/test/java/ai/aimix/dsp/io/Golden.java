package ai.aimix.dsp.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Golden files under src/test/resources/golden, made by src/test/python/librosa_reference.py. */
public final class Golden {
    private Golden() {}

    public static Path path(String name) {
        URL url = Golden.class.getResource("/golden/" + name);
        if (url == null) {
            throw new IllegalStateException(
                    "missing golden file " + name + " (run python3 operators/src/test/python/librosa_reference.py)");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static NpyArray npy(String name) {
        try {
            return Npy.read(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
