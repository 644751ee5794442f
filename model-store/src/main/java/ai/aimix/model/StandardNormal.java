package ai.aimix.model;

import java.util.SplittableRandom;

/**
 * One standard normal draw per call (Box-Muller, cosine branch) from a seeded {@link SplittableRandom}: the same
 * sequence on every JVM. The trainer's initialisation and the breeder's mutations draw from it.
 */
public final class StandardNormal {
    private StandardNormal() {}

    public static double draw(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
