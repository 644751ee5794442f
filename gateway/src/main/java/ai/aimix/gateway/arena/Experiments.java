package ai.aimix.gateway.arena;

import ai.aimix.tournament.experiment.Experiment;
import ai.aimix.tournament.experiment.ExperimentReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The A/B experiments the service runs on its listeners, and their event logs. An experiment assigns each listener an
 * arm from their id ({@link Experiment#arm}, never stored, never chosen by the client); the pages report what the
 * listener saw and did — {@code exposed} (the feature was shown, in the listener's arm), then {@code kept} (the mix
 * downloaded as it was offered) or {@code reshaped} (downloaded after changing it) — and each event is a line in the
 * experiment's log in the replicas' shared store ({@code experiments/<name>.txt}: time, listener, event). The report
 * replays the log: listeners in the order of their first exposure, once {@link #OUTCOME_WINDOW} has passed since it,
 * the outcome whether they kept a mix within it, and the stop rule of {@link ExperimentReport}.
 *
 * <p>The experiment running now is {@link #MIXED_FOR_YOU}: whether "Mixed for you" is ticked by default ("on") or not
 * ("off", the control) changes how often a listener with a taste keeps the mix the studio offers. A new feature adds
 * its {@link Experiment} to {@link #running} and reports its events the same way.
 */
public final class Experiments {
    /** "Mixed for you" ticked by default, or not. */
    public static final Experiment MIXED_FOR_YOU = Experiment.ab("mixed-for-you", "mixed-for-you/1", "off", "on");
    /** The stop rule's first look: this many listeners in the smallest arm. */
    public static final long MIN_PER_ARM = 100;
    /** Its last: no difference found by then is reported as such. */
    public static final long MAX_PER_ARM = 1600;
    /** The false-winner rate it spends over all its looks (at most 4/3 of it). */
    public static final double ALPHA = 0.05;
    /**
     * A listener's outcome is what they did within this long of their first exposure, and they count once it has
     * passed: so an outcome never changes after a look has used it, and each look is taken once (a studio session).
     */
    public static final Duration OUTCOME_WINDOW = Duration.ofHours(1);

    /** What a page may report. */
    public enum Event {
        EXPOSED,
        KEPT,
        RESHAPED
    }

    private final Path dir;
    private final Map<String, Experiment> running = new LinkedHashMap<>();

    public Experiments(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        running.put(MIXED_FOR_YOU.name(), MIXED_FOR_YOU);
    }

    /** The experiment {@code name}, or null. */
    public Experiment get(String name) {
        return running.get(name);
    }

    public List<Experiment> running() {
        return List.copyOf(running.values());
    }

    /** Records {@code event} of {@code listener} in experiment {@code e}; returns the listener's arm. */
    public synchronized String record(Experiment e, String listener, Event event, long nowMillis) {
        String arm = e.arm(listener);
        try {
            Files.writeString(
                    dir.resolve(e.name() + ".txt"),
                    nowMillis + " " + listener + " " + event.name() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException("recording an event of experiment " + e.name(), ex);
        }
        return arm;
    }

    /** A report and the listeners exposed whose outcome window has not passed yet (not in it). */
    public record Report(ExperimentReport report, int pending) {}

    /**
     * The experiment's report at {@code nowMillis}, replaying its log: the listeners whose outcome window has passed,
     * in the order of their first exposure, each with whether they kept a mix within it.
     */
    public Report report(Experiment e, long nowMillis) throws IOException {
        Path log = dir.resolve(e.name() + ".txt");
        Map<String, Long> exposedAt = new LinkedHashMap<>();
        Map<String, List<Long>> kept = new HashMap<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length != 3) {
                    continue; // a line cut short by a crash
                }
                long t;
                try {
                    t = Long.parseLong(f[0]);
                } catch (NumberFormatException ex) {
                    continue;
                }
                if (f[2].equals(Event.EXPOSED.name())) {
                    exposedAt.putIfAbsent(f[1], t);
                } else if (f[2].equals(Event.KEPT.name())) {
                    kept.computeIfAbsent(f[1], k -> new ArrayList<>()).add(t);
                }
            }
        }
        long window = OUTCOME_WINDOW.toMillis();
        List<ExperimentReport.Unit> units = new ArrayList<>();
        int pending = 0;
        for (Map.Entry<String, Long> x : exposedAt.entrySet()) {
            long from = x.getValue();
            if (from + window > nowMillis) {
                pending++;
                continue;
            }
            boolean outcome =
                    kept.getOrDefault(x.getKey(), List.of()).stream().anyMatch(t -> t >= from && t <= from + window);
            units.add(new ExperimentReport.Unit(e.arm(x.getKey()), outcome));
        }
        return new Report(ExperimentReport.of(e, units, MIN_PER_ARM, MAX_PER_ARM, ALPHA), pending);
    }
}
