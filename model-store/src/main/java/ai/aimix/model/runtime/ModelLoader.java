package ai.aimix.model.runtime;

import java.io.IOException;

/** Fetches the ONNX bytes of a model version (from the model store, in production). */
@FunctionalInterface
public interface ModelLoader {
    byte[] load(String version) throws IOException;
}
