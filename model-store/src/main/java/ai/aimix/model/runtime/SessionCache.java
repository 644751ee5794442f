package ai.aimix.model.runtime;

import ai.onnxruntime.OrtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * ONNX Runtime sessions shared by everything in one JVM (one TaskManager): at most one session per model
 * version and settings, reference-counted, closed as soon as the last lease on it is released.
 */
public final class SessionCache {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCache.class);
    private static final SessionCache SHARED = new SessionCache();

    private final Map<Key, Entry> entries = new HashMap<>();
    private long loads;

    /** The JVM-wide cache. */
    public static SessionCache shared() {
        return SHARED;
    }

    /** Leases the session of {@code version}, loading it through {@code loader} when no one holds it. */
    public Lease acquire(String version, SessionSettings settings, ModelLoader loader) throws IOException, OrtException {
        Key key = new Key(version, settings);
        synchronized (this) {
            Entry e = entries.get(key);
            if (e == null) {
                long t0 = System.nanoTime();
                byte[] onnx = loader.load(version);
                MixNetSession session = MixNetSession.open(version, onnx, settings);
                e = new Entry(session);
                entries.put(key, e);
                loads++;
                LOG.info("Loaded model {} on {} ({} bytes, {} ms)", version, session.provider(), onnx.length,
                        (System.nanoTime() - t0) / 1_000_000);
            }
            e.refs++;
            return new Lease(this, key, e.session);
        }
    }

    private synchronized void release(Key key) {
        Entry e = entries.get(key);
        if (e == null) {
            return;
        }
        if (--e.refs == 0) {
            entries.remove(key);
            closeQuietly(e.session);
        }
    }

    /** Sessions currently open. */
    public synchronized int openSessions() {
        return entries.size();
    }

    /** Sessions created since the JVM started. */
    public synchronized long loads() {
        return loads;
    }

    /** Closes everything, whoever holds it (the user-code class loader is going away). */
    public synchronized void closeAll() {
        for (Entry e : entries.values()) {
            closeQuietly(e.session);
        }
        entries.clear();
    }

    private static void closeQuietly(MixNetSession session) {
        try {
            session.close();
            LOG.info("Closed model session {}", session.version());
        } catch (OrtException ex) {
            LOG.warn("Closing model session {} failed: {}", session.version(), ex.getMessage());
        }
    }

    /** A hold on a shared session; close it exactly once. */
    public static final class Lease implements AutoCloseable {
        private final SessionCache cache;
        private final Key key;
        private final MixNetSession session;
        private boolean released;

        private Lease(SessionCache cache, Key key, MixNetSession session) {
            this.cache = cache;
            this.key = key;
            this.session = session;
        }

        public MixNetSession session() {
            return session;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                cache.release(key);
            }
        }
    }

    private static final class Entry {
        final MixNetSession session;
        int refs;

        Entry(MixNetSession session) {
            this.session = session;
        }
    }

    private static final class Key {
        final String version;
        final SessionSettings settings;

        Key(String version, SessionSettings settings) {
            this.version = version;
            this.settings = settings;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).version.equals(version) && ((Key) o).settings.equals(settings);
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, settings);
        }
    }
}
