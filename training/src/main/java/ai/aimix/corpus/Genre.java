package ai.aimix.corpus;

/**
 * Styles the corpus composer writes in: a tempo range, a feel (swing), whether it prefers minor keys, the General
 * MIDI programs it picks instruments from per role, and its drum pattern.
 */
public enum Genre {
    POP(
            96,
            124,
            0.50,
            0.3,
            new int[] {0, 4, 5},
            new int[] {33, 34},
            new int[] {25, 27},
            new int[] {80, 81},
            new int[] {89, 91},
            new int[] {48, 49},
            new int[] {61, 56}),
    ROCK(
            108,
            148,
            0.50,
            0.4,
            new int[] {0, 2},
            new int[] {33, 34},
            new int[] {29, 30},
            new int[] {29, 30},
            new int[] {48, 89},
            new int[] {48, 49},
            new int[] {61, 57}),
    ELECTRONIC(
            118,
            132,
            0.50,
            0.7,
            new int[] {4, 5},
            new int[] {38, 39},
            new int[] {27, 28},
            new int[] {80, 81, 87},
            new int[] {89, 90, 94},
            new int[] {50, 51},
            new int[] {62, 63}),
    FUNK(
            92,
            112,
            0.56,
            0.5,
            new int[] {7, 4},
            new int[] {36, 37},
            new int[] {27, 28},
            new int[] {81, 84},
            new int[] {89},
            new int[] {48, 49},
            new int[] {61, 56, 65}),
    BALLAD(
            62,
            80,
            0.50,
            0.4,
            new int[] {0, 1},
            new int[] {32, 33},
            new int[] {24, 25},
            new int[] {73, 71},
            new int[] {88, 89},
            new int[] {48, 49},
            new int[] {60, 61}),
    HIPHOP(
            80,
            96,
            0.60,
            0.6,
            new int[] {4, 0},
            new int[] {38, 33},
            new int[] {26, 27},
            new int[] {80, 82},
            new int[] {89, 95},
            new int[] {48, 50},
            new int[] {61, 62});

    final int minBpm;
    final int maxBpm;
    /** Where the off-beat eighth falls, as a fraction of the beat: 0.5 straight, more for swing. */
    final double swing;
    /** Probability of a minor key. */
    final double minor;

    final int[] keys;
    final int[] bass;
    final int[] guitar;
    final int[] lead;
    final int[] pad;
    final int[] strings;
    final int[] brass;

    Genre(
            int minBpm,
            int maxBpm,
            double swing,
            double minor,
            int[] keys,
            int[] bass,
            int[] guitar,
            int[] lead,
            int[] pad,
            int[] strings,
            int[] brass) {
        this.minBpm = minBpm;
        this.maxBpm = maxBpm;
        this.swing = swing;
        this.minor = minor;
        this.keys = keys;
        this.bass = bass;
        this.guitar = guitar;
        this.lead = lead;
        this.pad = pad;
        this.strings = strings;
        this.brass = brass;
    }
}
