package ai.aimix.gateway.arena;

import ai.aimix.tournament.taste.PreferenceModel;
import ai.aimix.tournament.taste.TasteProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Listeners' answers to taste probes, and the profiles learnt from them ({@link TasteProfile}: per role, how much
 * louder or softer than the model's mix a listener wants it, and how sure that is). Each answer is a line in the
 * listener's file in the replicas' shared store ({@code tastes/<listener>.txt}: the two mixes' offsets per role and
 * the verdict), so any replica and any restart knows every listener's answers. The population's curvature — how much
 * a role's level matters to anyone — is fitted on everyone's answers, refreshed by the arena's scheduler; a listener's
 * profile is fitted on their own answers with it, shrunk toward the population's preference while they have few.
 */
public final class TasteBook {
    /** Listener ids as the gateway makes them (the file name is the id). */
    private static final Pattern ID = Pattern.compile("l_[0-9a-f]{24}");

    /**
     * Listeners in the population's fit (those with the most answers): it has three coefficients per listener and a
     * dense Hessian, so 200 listeners are a 603 × 603 solve, about a tenth of a second every refresh; more would add
     * little to three shared curvatures and a mean preference.
     */
    static final int MAX_POPULATION_LISTENERS = 200;

    private final Path dir;
    private final Map<String, List<PreferenceModel.Observation>> answers = new ConcurrentHashMap<>();
    /** Each file's size and time when it was last read. */
    private final Map<String, long[]> stamps = new HashMap<>();

    private volatile TasteProfile.Population population;
    private volatile int populationAnswers = -1;

    public TasteBook(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        reload();
    }

    /** Where the answers are. */
    public Path directory() {
        return dir;
    }

    /**
     * Reads the listeners' answers that changed in the store since the last read (another replica's included): a file
     * is read again only when its size or time has moved.
     */
    public synchronized void reload() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".txt")
                        || !ID.matcher(name.substring(0, name.length() - 4)).matches()) {
                    continue;
                }
                long[] stamp = {Files.size(f), Files.getLastModifiedTime(f).toMillis()};
                long[] seen = stamps.get(name);
                if (seen == null || seen[0] != stamp[0] || seen[1] != stamp[1]) {
                    answers.put(name.substring(0, name.length() - 4), read(f));
                    stamps.put(name, stamp);
                }
            }
        }
    }

    private static List<PreferenceModel.Observation> read(Path f) throws IOException {
        List<PreferenceModel.Observation> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String[] v = line.trim().split(" ");
            int n = TasteProfile.ROLES.size();
            if (v.length != 2 * n + 1) {
                continue; // a line cut short by a crash: the answers before it stand
            }
            double[] a = new double[n];
            double[] b = new double[n];
            for (int r = 0; r < n; r++) {
                a[r] = Double.parseDouble(v[r]);
                b[r] = Double.parseDouble(v[n + r]);
            }
            out.add(new PreferenceModel.Observation(TasteProfile.covariates(a, b), Double.parseDouble(v[2 * n])));
        }
        return out;
    }

    /**
     * Records {@code listener}'s answer: mixes whose role levels were {@code offsetsA} and {@code offsetsB} dB from the
     * model's (in {@link TasteProfile#ROLES} order), and {@code y}: 1 for A, 0 for B, 0.5 for a tie.
     */
    public synchronized void answer(String listener, double[] offsetsA, double[] offsetsB, double y) {
        if (!ID.matcher(listener).matches()) {
            throw new IllegalArgumentException("not a listener id: " + listener);
        }
        StringBuilder line = new StringBuilder();
        for (double x : offsetsA) {
            line.append(String.format(Locale.ROOT, "%.3f ", x));
        }
        for (double x : offsetsB) {
            line.append(String.format(Locale.ROOT, "%.3f ", x));
        }
        line.append(y).append('\n');
        try {
            Files.writeString(
                    dir.resolve(listener + ".txt"),
                    line,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("recording a taste answer of " + listener, e);
        }
        List<PreferenceModel.Observation> mine = answers.computeIfAbsent(listener, k -> new ArrayList<>());
        synchronized (mine) {
            mine.add(new PreferenceModel.Observation(TasteProfile.covariates(offsetsA, offsetsB), y));
        }
    }

    /** Every listener's answers read again from the store, and the population refitted if there are new ones. */
    public void refresh() {
        try {
            reload();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the listeners' taste answers", e);
        }
        int total = answers.values().stream().mapToInt(List::size).sum();
        if (total == populationAnswers || total == 0) {
            return;
        }
        // the listeners with the most answers, at most MAX_POPULATION_LISTENERS: the fit is dense in their number
        Map<String, List<PreferenceModel.Observation>> snapshot = new LinkedHashMap<>();
        answers.entrySet().stream()
                .sorted((a, b) ->
                        Integer.compare(b.getValue().size(), a.getValue().size()))
                .limit(MAX_POPULATION_LISTENERS)
                .forEach(x -> {
                    synchronized (x.getValue()) {
                        snapshot.put(x.getKey(), List.copyOf(x.getValue()));
                    }
                });
        population = TasteProfile.population(snapshot);
        populationAnswers = total;
    }

    /** {@code listener}'s profile, or null before their first answer (or before the population's first fit). */
    public TasteProfile profile(String listener) {
        List<PreferenceModel.Observation> mine = answers.get(listener);
        TasteProfile.Population p = population;
        if (mine == null || mine.isEmpty() || p == null) {
            return null;
        }
        List<PreferenceModel.Observation> copy;
        synchronized (mine) {
            copy = List.copyOf(mine);
        }
        return TasteProfile.estimate(listener, copy, p, TasteProfile.DEFAULT_PRIOR_PRECISION);
    }

    /** Answers {@code listener} has given. */
    public int answers(String listener) {
        List<PreferenceModel.Observation> mine = answers.get(listener);
        return mine == null ? 0 : mine.size();
    }
}
