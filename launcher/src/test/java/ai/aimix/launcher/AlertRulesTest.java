package ai.aimix.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules (helm/aimix/files/alerts.yml) with Prometheus's own promtool: they parse, and each fires on the
 * synthetic series that should fire it and stays quiet on those that should not (files/alerts.test.yml). Debian's
 * prometheus package ships promtool; .ci/run installs it when missing.
 */
class AlertRulesTest {
    private static final Path FILES = Path.of("..", "helm", "aimix", "files");

    private static String promtool(String... args) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        assertTrue(Files.isExecutable(promtool), "promtool is missing: apt-get install prometheus (.ci/run does)");
        List<String> cmd = new ArrayList<>(List.of(promtool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(FILES.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    @Test
    void theRulesParse() throws Exception {
        assertTrue(promtool("check", "rules", "alerts.yml").contains("SUCCESS"));
    }

    @Test
    void everyRuleFiresOnItsSeriesAndOnlyThere() throws Exception {
        String rules = Files.readString(FILES.resolve("alerts.yml"));
        String tests = Files.readString(FILES.resolve("alerts.test.yml"));
        // every alert is tested, each both ways (a firing case names its labels; a quiet case expects [])
        for (String alert : rules.lines()
                .filter(l -> l.trim().startsWith("- alert: "))
                .map(l -> l.trim().substring("- alert: ".length()))
                .toList()) {
            assertTrue(
                    tests.contains("alertname: " + alert + "\n") || tests.contains("alertname: " + alert + ","),
                    alert + " has no test");
            assertTrue(
                    tests.matches("(?s).*alertname: " + alert + ", exp_alerts: \\[\\].*")
                            || tests.matches("(?s).*alertname: " + alert + "\\s+exp_alerts: \\[\\].*"),
                    alert + " has no case where it must stay quiet");
            assertTrue(
                    tests.matches("(?s).*alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels.*"),
                    alert + " has no case where it must fire");
        }
        assertTrue(promtool("test", "rules", "alerts.test.yml").contains("SUCCESS"));
    }
}
