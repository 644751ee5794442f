package ai.aimix.tournament;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Exact vote counts per unordered model pair: wins of each side, ties, and "both bad". Adding is commutative and
 * associative, so the counts do not depend on the order votes arrive in, and replaying a vote twice is the caller's
 * to prevent (the tournament job de-duplicates by battle and voter before folding).
 */
public final class PairCounts {
    /** The counts of one pair; {@code a} sorts before {@code b}. */
    public static final class Pair {
        public final String a;
        public final String b;
        public long aWins;
        public long bWins;
        public long ties;
        public long bothBad;

        Pair(String a, String b) {
            this.a = a;
            this.b = b;
        }

        public long votes() {
            return aWins + bWins + ties + bothBad;
        }

        /** Comparisons that carry a preference or a tie (both bad says nothing about which is better). */
        public long comparisons() {
            return aWins + bWins + ties;
        }
    }

    /** A vote's outcome, from the point of view of the battle's sides. */
    public enum Outcome {
        FIRST,
        SECOND,
        TIE,
        BOTH_BAD
    }

    private final Map<String, Pair> pairs = new TreeMap<>();

    /** Folds one vote between {@code first} and {@code second}. */
    public void add(String first, String second, Outcome outcome) {
        add(first, second, outcome, 1);
    }

    public void add(String first, String second, Outcome outcome, long count) {
        if (Objects.equals(first, second)) {
            throw new IllegalArgumentException("a model cannot battle itself: " + first);
        }
        boolean swapped = first.compareTo(second) > 0;
        String a = swapped ? second : first;
        String b = swapped ? first : second;
        Pair p = pairs.computeIfAbsent(a + "\u0000" + b, k -> new Pair(a, b));
        switch (outcome) {
            case FIRST:
                if (swapped) {
                    p.bWins += count;
                } else {
                    p.aWins += count;
                }
                break;
            case SECOND:
                if (swapped) {
                    p.aWins += count;
                } else {
                    p.bWins += count;
                }
                break;
            case TIE:
                p.ties += count;
                break;
            default:
                p.bothBad += count;
        }
    }

    /** The counts of {@code first} against {@code second}, in that orientation: {first wins, second wins, ties}. */
    public long[] oriented(String first, String second) {
        boolean swapped = first.compareTo(second) > 0;
        Pair p = pairs.get(swapped ? second + "\u0000" + first : first + "\u0000" + second);
        if (p == null) {
            return new long[3];
        }
        return swapped ? new long[] {p.bWins, p.aWins, p.ties} : new long[] {p.aWins, p.bWins, p.ties};
    }

    /** The pairs with at least one vote (a pair whose votes were all taken out again is left out). */
    public List<Pair> pairs() {
        List<Pair> out = new ArrayList<>();
        for (Pair p : pairs.values()) {
            if (p.votes() != 0) {
                out.add(p);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every model that appears in a pair with votes, sorted. */
    public List<String> models() {
        TreeSet<String> out = new TreeSet<>();
        for (Pair p : pairs()) {
            out.add(p.a);
            out.add(p.b);
        }
        return new ArrayList<>(out);
    }

    /** Votes involving {@code model}. */
    public long votes(String model) {
        long n = 0;
        for (Pair p : pairs.values()) {
            if (p.a.equals(model) || p.b.equals(model)) {
                n += p.votes();
            }
        }
        return n;
    }
}
