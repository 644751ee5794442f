package ai.aimix.tournament.taste;

import java.util.SplittableRandom;

/**
 * A taste probe: the same mix with one role at two different levels against the model's (dB, in
 * {@link TasteProfile#ROLES} order), the model's own level ({@code 0}) among the choices. Pairs on both sides of a
 * listener's preference say where it lies, pairs on one side how much it matters.
 */
public record TasteProbe(int role, double[] offsetsA, double[] offsetsB) {
    /** The levels a probe picks two of, dB from the model's. */
    public static final double[] LEVELS_DB = {-6, -4.5, -3, -1.5, 0, 1.5, 3, 4.5, 6};

    /** A role at random, and two distinct levels of it, sides at random. */
    public static TasteProbe draw(SplittableRandom random) {
        int n = TasteProfile.ROLES.size();
        int role = random.nextInt(n);
        int i = random.nextInt(LEVELS_DB.length);
        int j = random.nextInt(LEVELS_DB.length - 1);
        j = j >= i ? j + 1 : j;
        double[] a = new double[n];
        double[] b = new double[n];
        a[role] = LEVELS_DB[i];
        b[role] = LEVELS_DB[j];
        return new TasteProbe(role, a, b);
    }
}
