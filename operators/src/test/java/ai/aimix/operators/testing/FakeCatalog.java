package ai.aimix.operators.testing;

import ai.aimix.operators.align.ModelCatalog;

import java.util.Set;

/** A model catalog with a fixed champion and set of versions. */
public final class FakeCatalog implements ModelCatalog {
    private static final long serialVersionUID = 1L;
    private final String champion;
    private final Set<String> versions;

    public FakeCatalog(String champion, String... others) {
        this.champion = champion;
        this.versions = new java.util.HashSet<>(java.util.List.of(others));
        this.versions.add(champion);
    }

    @Override
    public String champion() {
        return champion;
    }

    @Override
    public boolean exists(String version) {
        return versions.contains(version);
    }
}
