package ai.aimix.gateway.arena;

import ai.aimix.tournament.experiment.ExperimentReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * For-you battles' verdicts: for each, whether the listener preferred their personalised mix (1), the model's (0) or
 * neither (0.5), a line in the shared store ({@code for-you.log}, beside the taste answers). The summary is the share
 * the personalised mix won, ties counted half, with Wilson's 95 % interval — issue 20's "personalised mixes win ≥ 65 %
 * for listeners with a taste", measured on real listeners.
 */
public final class ForYouLog {
    static final String FILE = "for-you.log";

    private final Path file;

    ForYouLog(Path dir) {
        this.file = dir.resolve(FILE);
    }

    /** Records a verdict: {@code y} 1 (personalised preferred), 0 or 0.5. */
    public synchronized void record(String listener, double y, long nowMillis) {
        try {
            Files.writeString(
                    file,
                    String.format(Locale.ROOT, "%d %s %.1f%n", nowMillis, listener, y),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("recording a for-you verdict", e);
        }
    }

    /** Battles, listeners, the personalised mix's share of wins and its 95 % interval (NaN before the first). */
    public record Summary(int battles, int listeners, double share, double lower, double upper) {}

    public synchronized Summary summary() throws IOException {
        if (!Files.exists(file)) {
            return new Summary(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        int n = 0;
        double won = 0;
        Set<String> who = new HashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length != 3) {
                continue;
            }
            n++;
            won += Double.parseDouble(f[2]);
            who.add(f[1]);
        }
        if (n == 0) {
            return new Summary(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] ci = ExperimentReport.wilson(Math.round(won), n);
        return new Summary(n, who.size(), won / n, ci[0], ci[1]);
    }
}
