package ai.aimix.operators.align;

import java.io.IOException;
import java.io.Serializable;

/** What the aligner asks of the model store when a request arrives: which version is champion, which exist. */
public interface ModelCatalog extends Serializable {
    String champion() throws IOException;

    boolean exists(String version) throws IOException;
}
