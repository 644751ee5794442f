package ai.aimix.corpus;

/** How many parts a composed song has and how they enter and leave; every kind is a function of the seed. */
public enum Arrangement {
    /**
     * 4 to 8 parts of distinct roles, each playing through the song except where its role rests (intros, quiet
     * sections): the corpus as it always was (and as mixnet-v2 and mixnet-v3 were trained on).
     */
    STANDARD(4, 8),
    /**
     * 4 to 12 parts: the standard ones, plus fx (risers before and hits on section changes, on a GM effects program),
     * doubled parts (a second guitar or keys, a double-tracked lead line: the same notes on another program, a few
     * milliseconds late, velocities varied) and a second percussion; the optional parts drop out of a verse or a
     * chorus at random, so the line-up changes between sections.
     */
    WIDE(4, 12);

    public final int minStems;
    public final int maxStems;

    Arrangement(int minStems, int maxStems) {
        this.minStems = minStems;
        this.maxStems = maxStems;
    }

    /** The corpus's arrangement as its index names it (absent: {@link #STANDARD}, as corpora before it). */
    public static Arrangement of(String name) {
        return name == null ? STANDARD : valueOf(name);
    }
}
