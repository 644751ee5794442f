package ai.aimix.model.runtime;

import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime sessions shared by everything in one JVM (one TaskManager): at most one session per model version
 * and settings, loaded once, kept after use and evicted least-recently-used when there are more than
 * {@link #maxSessions()} or their model files add up to more than {@link #maxBytes()}. A session in use (leased) is
 * never evicted. A version is loaded by one caller while others asking for it wait for that load, and the cache's
 * lock is not held while a model loads. Hits, misses, loads and evictions are counted.
 */
public final class SessionCache {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCache.class);
    public static final int DEFAULT_MAX_SESSIONS = 8;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    private static final SessionCache SHARED = new SessionCache(DEFAULT_MAX_SESSIONS, DEFAULT_MAX_BYTES);

    /** Access-ordered: iteration starts at the least recently used. */
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private int maxSessions;
    private long maxBytes;
    private long hits;
    private long misses;
    private long evictions;
    private long loads;

    public SessionCache(int maxSessions, long maxBytes) {
        limit(maxSessions, maxBytes);
    }

    /** The JVM-wide cache. */
    public static SessionCache shared() {
        return SHARED;
    }

    /** Sets the bounds (the job sets the shared cache's from its configuration); evicts what no longer fits. */
    public void limit(int maxSessions, long maxBytes) {
        if (maxSessions < 1 || maxBytes < 1) {
            throw new IllegalArgumentException(
                    "session cache bounds must be positive: " + maxSessions + ", " + maxBytes);
        }
        List<Entry> evicted;
        synchronized (this) {
            this.maxSessions = maxSessions;
            this.maxBytes = maxBytes;
            evicted = evict();
        }
        closeAll(evicted);
    }

    /**
     * Leases the session of {@code version}, loading it through {@code loader} when it is not cached. Close the
     * lease when done; the session stays cached.
     */
    public Lease acquire(String version, SessionSettings settings, ModelLoader loader)
            throws IOException, OrtException, UnsupportedModelFormatException {
        Key key = new Key(version, settings);
        Entry e;
        boolean load;
        synchronized (this) {
            e = entries.get(key);
            load = e == null;
            if (load) {
                e = new Entry();
                entries.put(key, e);
                misses++;
            } else {
                hits++;
            }
            e.refs++;
        }
        if (load) {
            try {
                long t0 = System.nanoTime();
                byte[] onnx = loader.load(version);
                MixNetSession session = MixNetSession.open(version, onnx, settings);
                e.bytes = onnx.length;
                e.session.complete(session);
                LOG.info(
                        "Loaded model {} on {} ({} bytes, {} ms)",
                        version,
                        session.provider(),
                        onnx.length,
                        (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException | OrtException | UnsupportedModelFormatException | RuntimeException | Error ex) {
                synchronized (this) {
                    entries.remove(key, e);
                }
                e.session.completeExceptionally(ex);
                throw ex;
            }
            List<Entry> evicted;
            synchronized (this) {
                loads++;
                evicted = evict();
            }
            closeAll(evicted);
        }
        MixNetSession session;
        try {
            session = e.session.get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            release(key, e);
            throw new IOException("interrupted while model " + version + " was loading");
        } catch (ExecutionException ex) {
            release(key, e);
            Throwable cause = ex.getCause();
            if (cause instanceof IOException) {
                throw new IOException(cause.getMessage(), cause);
            }
            if (cause instanceof UnsupportedModelFormatException) {
                throw new UnsupportedModelFormatException(cause.getMessage());
            }
            if (cause instanceof OrtException) {
                throw new IOException("model " + version + " failed to load: " + cause.getMessage(), cause);
            }
            throw new IOException("model " + version + " failed to load: " + cause, cause);
        }
        return new Lease(this, key, e, session);
    }

    private void release(Key key, Entry e) {
        List<Entry> evicted;
        synchronized (this) {
            e.refs--;
            evicted = evict();
        }
        closeAll(evicted);
    }

    /** Removes least-recently-used unleased entries until the bounds hold; returns them for closing. */
    private List<Entry> evict() {
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (Entry e : entries.values()) {
            bytes += e.bytes;
        }
        int count = entries.size();
        for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
                it.hasNext() && (count > maxSessions || bytes > maxBytes); ) {
            Entry e = it.next().getValue();
            if (e.refs == 0 && e.session.isDone() && !e.session.isCompletedExceptionally()) {
                it.remove();
                out.add(e);
                count--;
                bytes -= e.bytes;
                evictions++;
            }
        }
        return out;
    }

    private static void closeAll(List<Entry> evicted) {
        for (Entry e : evicted) {
            closeQuietly(e.session.getNow(null));
        }
    }

    /** Sessions currently open. */
    public synchronized int openSessions() {
        return entries.size();
    }

    /** Bytes of the model files of the open sessions. */
    public synchronized long openBytes() {
        long b = 0;
        for (Entry e : entries.values()) {
            b += e.bytes;
        }
        return b;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    public synchronized long evictions() {
        return evictions;
    }

    /** Sessions created since the JVM started. */
    public synchronized long loads() {
        return loads;
    }

    public synchronized int maxSessions() {
        return maxSessions;
    }

    public synchronized long maxBytes() {
        return maxBytes;
    }

    /** Whether a version's session is open (loaded and not evicted). */
    public synchronized boolean isCached(String version, SessionSettings settings) {
        Entry e = entries.get(new Key(version, settings));
        return e != null && e.session.isDone() && !e.session.isCompletedExceptionally();
    }

    /** Closes everything, whoever holds it (the user-code class loader is going away). */
    public void closeAll() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        for (Entry e : all) {
            if (e.session.isDone() && !e.session.isCompletedExceptionally()) {
                closeQuietly(e.session.getNow(null));
            }
        }
    }

    private static void closeQuietly(MixNetSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
            LOG.info("Closed model session {}", session.version());
        } catch (OrtException ex) {
            LOG.warn("Closing model session {} failed: {}", session.version(), ex.getMessage());
        }
    }

    /** A hold on a shared session; close it exactly once. The session is not evicted while held. */
    public static final class Lease implements AutoCloseable {
        private final SessionCache cache;
        private final Key key;
        private final Entry entry;
        private final MixNetSession session;
        private boolean released;

        private Lease(SessionCache cache, Key key, Entry entry, MixNetSession session) {
            this.cache = cache;
            this.key = key;
            this.entry = entry;
            this.session = session;
        }

        public MixNetSession session() {
            return session;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                cache.release(key, entry);
            }
        }
    }

    private static final class Entry {
        final CompletableFuture<MixNetSession> session = new CompletableFuture<>();
        long bytes;
        int refs;
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
