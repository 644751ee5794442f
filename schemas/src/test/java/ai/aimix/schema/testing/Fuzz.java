package ai.aimix.schema.testing;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A small property-based fuzzing runner for JUnit tests: a property is checked on {@code tries} inputs drawn by a
 * structure-aware generator from a seeded random source, so that every run is reproducible. In {@code mvn verify} it
 * uses a fixed seed and {@value #DEFAULT_TRIES} tries; a longer run sets {@code -Daimix.fuzz.tries=N} and
 * {@code -Daimix.fuzz.seed=S} (or {@code random}: a new seed, printed) — {@code mvn -Pfuzz} does (docs/SECURITY.md).
 * A failing input is reported with its try's seed, which regenerates it exactly, and its description (hex bytes for
 * binary inputs), to be kept as a regression test.
 */
public final class Fuzz {
    /** Tries per property unless {@code aimix.fuzz.tries} says otherwise. */
    public static final int DEFAULT_TRIES = 1000;
    /** The seed of {@code mvn verify}'s runs. */
    public static final long DEFAULT_SEED = 20261206L;

    private Fuzz() {}

    /** A property of an input; any exception or error it throws is a failure. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Exception;
    }

    /** Tries to run: {@code aimix.fuzz.tries}, else {@code defaultTries}. */
    public static int tries(int defaultTries) {
        String t = System.getProperty("aimix.fuzz.tries");
        return t == null || t.isBlank() ? defaultTries : Integer.parseInt(t.strip());
    }

    /** The run's base seed: {@code aimix.fuzz.seed} (a number, or {@code random}), else {@link #DEFAULT_SEED}. */
    public static long baseSeed() {
        String s = System.getProperty("aimix.fuzz.seed");
        if (s == null || s.isBlank()) {
            return DEFAULT_SEED;
        }
        if (s.strip().equals("random")) {
            long seed = new SplittableRandom().nextLong();
            System.out.println("aimix fuzz: seed " + seed);
            return seed;
        }
        return Long.parseLong(s.strip());
    }

    /** Checks {@code property} on {@link #tries(int) tries}({@value #DEFAULT_TRIES}) generated inputs. */
    public static <T> void check(String name, Function<SplittableRandom, T> generator, Property<T> property) {
        check(name, DEFAULT_TRIES, generator, property);
    }

    /**
     * Checks {@code property} on generated inputs: {@code defaultTries}, or what {@code aimix.fuzz.tries} says.
     *
     * @throws AssertionError naming the property, the try, its seed and the input, on the first failure
     */
    public static <T> void check(
            String name, int defaultTries, Function<SplittableRandom, T> generator, Property<T> property) {
        int tries = tries(defaultTries);
        long base = baseSeed();
        SplittableRandom seeds = new SplittableRandom(base ^ name.hashCode());
        long started = System.nanoTime();
        for (int i = 0; i < tries; i++) {
            long seed = seeds.nextLong();
            T input = generator.apply(new SplittableRandom(seed));
            try {
                property.check(input);
            } catch (Exception | AssertionError | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError(
                        name + " failed at try " + (i + 1) + " of " + tries + " (regenerate it with "
                                + "the try's seed " + seed + "): " + e + "\n  input: " + input,
                        e);
            }
        }
        if (System.getProperty("aimix.fuzz.tries") != null) {
            // a long run reports what it did
            System.out.printf(
                    "aimix fuzz: %s: %d tries passed, seed %d, %.1f s%n",
                    name, tries, base, (System.nanoTime() - started) / 1e9);
        }
    }

    /** One of {@code values}, uniformly. */
    @SafeVarargs
    public static <T> T oneOf(SplittableRandom r, T... values) {
        return values[r.nextInt(values.length)];
    }

    /** A long: half the time one of {@code interesting}, else any. */
    public static long interesting(SplittableRandom r, long... interesting) {
        return r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : r.nextLong();
    }
}
