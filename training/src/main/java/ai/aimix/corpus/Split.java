package ai.aimix.corpus;

import java.util.SplittableRandom;

/** Which part of the corpus a song belongs to: decided by its seed alone, so splits never leak between songs. */
public enum Split {
    TRAIN,
    VALIDATION,
    TEST,
    /** Songs of a genre (and, where named, a sound bank) kept out of training and validation: see {@link Voicing}. */
    UNSEEN;

    /** 80 % train, 10 % validation, 10 % test (never {@link #UNSEEN}: that is the {@link Voicing}'s to say). */
    public static Split of(long seed) {
        int bucket = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L).nextInt(10);
        return bucket == 0 ? TEST : bucket == 1 ? VALIDATION : TRAIN;
    }
}
