package ai.aimix.cache;

import java.util.Arrays;

/**
 * A cache key: a kind ({@code mel}, {@code params}) and a digest. The digest already covers everything the value
 * depends on (the audio's fingerprints, the settings, the model version); the kind keeps the two apart.
 */
public final class CacheKey {
    private final String kind;
    private final byte[] digest;
    private final int hash;

    public CacheKey(String kind, byte[] digest) {
        this.kind = kind;
        this.digest = digest.clone();
        this.hash = 31 * kind.hashCode() + Arrays.hashCode(digest);
    }

    public String kind() {
        return kind;
    }

    /** The key's name in a shared store: prefix, kind, hex digest. */
    public String name(String prefix) {
        return prefix + kind + ":" + Fingerprints.hex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && k.kind.equals(kind) && Arrays.equals(k.digest, digest);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return name("");
    }
}
