package ai.aimix.operators.align;

import ai.aimix.model.store.ModelStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ModelCatalog} over a {@link ModelStore} directory. The champion pointer is re-read at most every
 * {@code refreshMillis}; existence of a version is cached once true (versions are immutable).
 */
public final class StoreModelCatalog implements ModelCatalog {
    private static final long serialVersionUID = 1L;

    private final String root;
    private final long refreshMillis;
    private transient ModelStore store;
    private transient String champion;
    private transient long championReadAt;
    private transient ConcurrentHashMap<String, Boolean> known;

    public StoreModelCatalog(String root, long refreshMillis) {
        this.root = root;
        this.refreshMillis = refreshMillis;
    }

    private ModelStore store() {
        if (store == null) {
            store = new ModelStore(Path.of(root));
            known = new ConcurrentHashMap<>();
        }
        return store;
    }

    @Override
    public synchronized String champion() throws IOException {
        long now = System.currentTimeMillis();
        if (champion == null || now - championReadAt >= refreshMillis) {
            champion = store().champion();
            championReadAt = now;
        }
        return champion;
    }

    @Override
    public boolean exists(String version) throws IOException {
        ModelStore s = store();
        if (known.containsKey(version)) {
            return true;
        }
        boolean exists = s.exists(version);
        if (exists) {
            known.put(version, Boolean.TRUE);
        }
        return exists;
    }
}
