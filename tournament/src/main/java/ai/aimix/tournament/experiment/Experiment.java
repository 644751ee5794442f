package ai.aimix.tournament.experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An A/B experiment on real traffic: a name, a salt, and its arms with their shares. A listener's arm is a function
 * of their id and the salt alone — SHA-256 of "salt:id" read as a number in [0, 1) against the arms' cumulative
 * shares — so it is the same on every replica and every visit without being stored, and a new salt (a new experiment)
 * reshuffles everyone independently of every other experiment. The first arm is the control.
 *
 * <p>What the experiment measures is a binary outcome per exposed listener (e.g. "kept the mix": downloaded it without
 * reshaping); {@link ExperimentReport} compares the arms and says when to stop.
 *
 * @param name  what the experiment is called (letters, digits, '-', '_')
 * @param salt  mixed into the assignment; a new one reassigns everyone
 * @param arms  the arms' names, control first
 * @param split each arm's share of listeners, summing to 1
 */
public record Experiment(String name, String salt, List<String> arms, List<Double> split) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Experiment {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an experiment's name is 1-64 letters, digits, '-' or '_': " + name);
        }
        if (salt == null || salt.isEmpty()) {
            throw new IllegalArgumentException("experiment " + name + " needs a salt");
        }
        if (arms.size() < 2 || arms.size() != split.size()) {
            throw new IllegalArgumentException("experiment " + name + " needs two or more arms, each with a share");
        }
        double sum = 0;
        for (double s : split) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("experiment " + name + ": every arm's share must be positive");
            }
            sum += s;
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("experiment " + name + ": the shares sum to " + sum + ", not 1");
        }
        arms = List.copyOf(arms);
        split = List.copyOf(split);
    }

    /** A two-arm experiment, control and treatment, split evenly. */
    public static Experiment ab(String name, String salt, String control, String treatment) {
        return new Experiment(name, salt, List.of(control, treatment), List.of(0.5, 0.5));
    }

    /** The arm of {@code unit} (a listener id). */
    public String arm(String unit) {
        double u = uniform(salt + ":" + unit);
        double cumulative = 0;
        for (int i = 0; i < arms.size(); i++) {
            cumulative += split.get(i);
            if (u < cumulative) {
                return arms.get(i);
            }
        }
        return arms.get(arms.size() - 1);
    }

    /** The first 53 bits of SHA-256 of {@code text} as a number in [0, 1). */
    static double uniform(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (h[i] & 0xFF);
            }
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The arms other than the control. */
    public List<String> treatments() {
        return new ArrayList<>(arms.subList(1, arms.size()));
    }
}
