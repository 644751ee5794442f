package ai.aimix.gateway.audio;

import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The audio of one mix in its own directory of the store: the mixed audio per variant (MAIN, or A and B of a battle),
 * the stems as uploaded, and the processed stems rendered from them.
 */
public final class MixAudio implements AutoCloseable {
    private final Path dir;
    private final Map<Variant, VariantAudio> variants = new EnumMap<>(Variant.class);
    /** The stems as uploaded (the stem store), by index. */
    private final Map<Integer, StemAudio> stems = new HashMap<>();
    /** Processed stems rendered so far, by variant and index ("A/3"). */
    private final Map<String, VariantAudio> processed = new HashMap<>();

    /** Renders kept per mix; the oldest is forgotten (its file removed) when another comes. */
    public static final int MAX_RENDERS = 8;

    /** Re-renders of the mix ({@code POST /mixes/{id}/renders}), by id, oldest first. */
    private final Map<String, VariantAudio> renders = new LinkedHashMap<>();

    private final Map<String, JsonNode> descriptions = new HashMap<>();

    /** Where the stems as uploaded are kept: the stem store, shared by the replicas on a cluster. */
    private final Path stemDir;

    /** Stems other replicas took, by index: read from the shared stem store once their files are complete there. */
    private final Map<Integer, Elsewhere> elsewhere = new HashMap<>();

    /** A stem another replica took: how it is stored in the shared stem store, and how many frames it has. */
    private record Elsewhere(int channels, SampleEncoding encoding, long frames) {}

    MixAudio(Path dir, Path stemDir) {
        this.dir = dir;
        this.stemDir = stemDir;
    }

    /**
     * Stem {@code index} was taken by another replica, which wrote {@code frames} frames of it to the shared stem store
     * (in this encoding and channels): read from there when a render needs it.
     */
    public synchronized void storedElsewhere(int index, int channels, SampleEncoding encoding, long frames) {
        if (!stems.containsKey(index)) {
            elsewhere.put(index, new Elsewhere(channels, encoding, frames));
        }
    }

    /**
     * Stem {@code index} as uploaded: taken here, or by another replica into the shared stem store (opened there once
     * its file holds all of it); null when neither.
     */
    private synchronized StemAudio stored(int index) {
        StemAudio s = stems.get(index);
        Elsewhere e = s == null ? elsewhere.get(index) : null;
        if (e != null) {
            try {
                s = StemAudio.written(stemFile(index, e.encoding()), e.channels(), e.encoding(), e.frames());
            } catch (IOException x) {
                throw new UncheckedIOException("cannot read stem " + index + " from " + stemDir, x);
            }
            if (s != null) {
                stems.put(index, s);
                elsewhere.remove(index);
            }
        }
        return s;
    }

    /** How stem {@code index} is stored here (taken by this replica), or null. */
    public synchronized SampleEncoding encoding(int index) {
        StemAudio s = stems.get(index);
        return s == null || !s.writtenHere() ? null : s.encoding();
    }

    private Path stemFile(int index, SampleEncoding encoding) {
        return stemDir.resolve("stem-" + index + "." + encoding.name().toLowerCase(Locale.ROOT));
    }

    public void append(MixOutputChunk c) {
        variant(c.getVariant(), true).append(c);
    }

    /** The variant's audio, or null before its first chunk. */
    public VariantAudio variant(Variant v) {
        return variant(v, false);
    }

    /** The store of stem {@code index}'s audio as uploaded, made on its first chunk. */
    public synchronized StemAudio stem(int index, int channels, SampleEncoding encoding) {
        StemAudio s = stems.get(index);
        if (s == null) {
            try {
                Files.createDirectories(stemDir);
                s = new StemAudio(stemFile(index, encoding), channels, encoding);
                if (settled) {
                    s.uploaded();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store stem " + index + " of " + dir, e);
            }
            stems.put(index, s);
        }
        return s;
    }

    /**
     * Stem {@code index} as {@code variant} of the completed mix processed it ({@link StemRender}), rendered on the
     * first request and kept while the mix is; null when the stem store does not have the stem.
     *
     * @param startFrame where the mix began in the stem (its excerpt's start; 0 for the whole song)
     */
    public VariantAudio processedStem(MixResult result, Variant variant, int index, long startFrame)
            throws IOException {
        String key = variant.name() + "/" + index;
        StemAudio stem;
        synchronized (this) {
            VariantAudio done = processed.get(key);
            if (done != null) {
                return done;
            }
            stem = stored(index);
        }
        if (stem == null) {
            return null;
        }
        VariantResult vr = result.getVariants().stream()
                .filter(x -> x.getVariant() == variant)
                .findFirst()
                .orElse(null);
        if (vr == null) {
            return null;
        }
        synchronized (renderLock) {
            synchronized (this) {
                if (processed.containsKey(key)) {
                    return processed.get(key);
                }
            }
            Path file = dir.resolve(variant.name() + "-stem-" + index + ".f32");
            Files.deleteIfExists(file);
            GainReduction reduction = StemRender.render(stem, startFrame, result, vr, index, file);
            VariantAudio a = VariantAudio.rendered(file, result.getSampleRate());
            a.gainReduction = reduction;
            synchronized (this) {
                processed.put(key, a);
            }
            return a;
        }
    }

    /** The stems as uploaded, in index order; null while one of the first {@code n} is not in the store. */
    public synchronized List<StemAudio> storedStems(int n) {
        List<StemAudio> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StemAudio s = stored(i);
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    /** Where render {@code id}'s audio is written (then {@link #addRender}). */
    public Path renderFile(String id) throws IOException {
        Files.createDirectories(dir);
        return dir.resolve("render-" + id + ".f32");
    }

    /**
     * Keeps a finished render with its description (what {@code POST /renders} answered); forgets the oldest past
     * {@link #MAX_RENDERS}.
     */
    public synchronized VariantAudio addRender(String id, int sampleRate, JsonNode description) throws IOException {
        VariantAudio a = VariantAudio.rendered(renderFile(id), sampleRate);
        renders.put(id, a);
        descriptions.put(id, description);
        while (renders.size() > MAX_RENDERS) {
            String oldest = renders.keySet().iterator().next();
            renders.remove(oldest).close();
            descriptions.remove(oldest);
        }
        return a;
    }

    /** A kept render's description, or null. */
    public synchronized JsonNode renderDescription(String id) {
        return descriptions.get(id);
    }

    /** A kept render, or null. */
    public synchronized VariantAudio render(String id) {
        return renders.get(id);
    }

    /** One processed stem rendered at a time per mix (each takes a second or two of CPU for a long song). */
    private final Object renderLock = new Object();

    private synchronized VariantAudio variant(Variant v, boolean create) {
        VariantAudio a = variants.get(v);
        if (a == null && create) {
            try {
                Files.createDirectories(dir);
                a = new VariantAudio(dir.resolve(v.name() + ".f32"));
                if (settled) {
                    a.settle();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store the audio of " + dir, e);
            }
            variants.put(v, a);
        }
        return a;
    }

    /**
     * The mix has ended: its files stay for downloads, but open only while one reads them (an upload or output still
     * arriving for a failed mix reopens its file for each write).
     */
    public synchronized void settle() {
        settled = true;
        variants.values().forEach(VariantAudio::settle);
        stems.values().forEach(StemAudio::uploaded);
    }

    /** The mix has ended: files made from now on (output read after a failed result, a late stem) are settled too. */
    private boolean settled;

    /** How many of the mix's files are open now. */
    public synchronized int openFiles() {
        int n = 0;
        for (VariantAudio a : variants.values()) {
            n += a.isOpen() ? 1 : 0;
        }
        for (StemAudio s : stems.values()) {
            n += s.isOpen() ? 1 : 0;
        }
        for (VariantAudio a : processed.values()) {
            n += a.isOpen() ? 1 : 0;
        }
        for (VariantAudio a : renders.values()) {
            n += a.isOpen() ? 1 : 0;
        }
        return n;
    }

    @Override
    public synchronized void close() {
        variants.values().forEach(VariantAudio::close);
        variants.clear();
        processed.values().forEach(VariantAudio::close);
        processed.clear();
        renders.values().forEach(VariantAudio::close);
        renders.clear();
        stems.values().forEach(StemAudio::close);
        stems.clear();
        try {
            // the mix's stem directory goes once it is empty (another replica may still hold its stems there)
            if (Files.isDirectory(stemDir)) {
                try (Stream<Path> left = Files.list(stemDir)) {
                    if (left.findAny().isEmpty()) {
                        Files.deleteIfExists(stemDir);
                    }
                }
            }
            if (Files.isDirectory(dir)) {
                // what a render that failed half-way left behind (its ".part" file), then the directory
                try (Stream<Path> left = Files.list(dir)) {
                    for (Path p : left.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }
}
