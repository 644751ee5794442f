package ai.aimix.launcher.cli;

import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.launcher.bench.BenchGateway;
import ai.aimix.launcher.studio.HeadlessChromium;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The studio in headless Chromium on the embedded stack, timed as a musician would feel it: the page's weight and
 * time until it takes stems, a song's stems picked and mixed (first audio heard, result), then the vocal's gain moved
 * again and again: each time, the excerpt around the playhead re-rendered (the server's time, and from the input
 * event to the new audio due at the output), and the whole mix after it (the server's time).
 */
final class StudioBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one wait on the page may take. */
    private static final Duration WAIT = Duration.ofMinutes(10);

    private final Configuration config;
    private final double seconds;
    private final int stems;
    private final int changes;

    StudioBench(Configuration config, double seconds, int stems, int changes) {
        this.config = config;
        this.seconds = seconds;
        this.stems = stems;
        this.changes = changes;
    }

    ObjectNode run() throws Exception {
        if (!HeadlessChromium.installed()) {
            throw new IllegalStateException(
                    "needs Debian's chromium and chromium-driver (apt-get install chromium " + "chromium-driver)");
        }
        Path dir = Files.createTempDirectory("aimix-studio-bench");
        try (BenchGateway g = BenchGateway.start(config, KeyLimits.defaults());
                HeadlessChromium b = new HeadlessChromium(dir.resolve("screens"), 1280, 800)) {
            List<StemInput> song = new SongGenerator(11, 44100).generate(seconds, stems);
            List<String> files = new ArrayList<>();
            for (StemInput s : song) {
                Path f = dir.resolve(s.name + ".wav");
                Wav.write(f, s.audio, Wav.Encoding.PCM_24);
                files.add(f.toString());
            }
            String vocal = song.stream()
                    .filter(s -> s.role.name().equals("VOCALS"))
                    .findFirst()
                    .orElse(song.get(song.size() - 1))
                    .name;
            WebDriverWait wait = new WebDriverWait(b.driver, WAIT);
            ObjectNode out = JSON.createObjectNode();
            out.put("date", LocalDate.now().toString());
            out.put("cores", Runtime.getRuntime().availableProcessors());
            out.put("seconds", seconds);
            out.put("stems", song.size());

            b.driver.get("http://127.0.0.1:" + g.gateway.port() + "/#key=" + g.token);
            wait.until(d -> b.js("return window.studio && window.studio.metrics.readyAt !== undefined")
                    .equals(Boolean.TRUE));
            ObjectNode page = out.putObject("page");
            page.put(
                    "weight_kb",
                    round(number(
                                    b,
                                    "return performance.getEntriesByType('navigation').concat("
                                            + "performance.getEntriesByType('resource'))"
                                            + ".reduce((s, e) => s + e.encodedBodySize, 0)")
                            / 1024));
            page.put("resources", (long) number(b, "return performance.getEntriesByType('resource').length"));
            page.put("interactive_ms", round(number(b, "return window.studio.metrics.readyAt")));

            b.driver.findElement(By.id("files")).sendKeys(String.join("\n", files));
            wait.until(d -> d.findElements(By.cssSelector("#stem-list li")).size() == song.size());
            b.driver.findElement(By.id("mix-button")).click();
            wait.until(d -> Boolean.TRUE.equals(b.js("return window.studio.shaped !== null")));
            ObjectNode mix = out.putObject("mix");
            mix.put(
                    "first_audio_ms",
                    round(number(b, "return window.studio.metrics.firstAudio - window.studio.metrics.created")));
            mix.put(
                    "playback_ms",
                    round(number(
                            b, "return window.studio.player.firstPlayedAt.millis - window.studio.metrics.created")));
            mix.put(
                    "result_ms",
                    round(number(b, "return window.studio.metrics.result - window.studio.metrics.created")));

            WebElement gain = b.driver.findElement(By.cssSelector("input[aria-label='" + vocal + " Gain']"));
            b.js("arguments[0].scrollIntoView({block: 'center'})", gain);
            for (int k = 0; k < changes; k++) {
                int before = (int) number(b, "return window.studio.metrics.renders.length");
                gain.sendKeys(k % 2 == 0 ? Keys.ARROW_UP : Keys.ARROW_DOWN);
                // the excerpt, then the whole mix: both in before the next change
                wait.until(d -> Boolean.TRUE.equals(b.js("const r = window.studio.metrics.renders; return r.length >= "
                        + (before + 2) + " && r[r.length - 1].kind === 'full' && !window.studio.rendering")));
            }
            JsonNode renders = JSON.readTree((String) b.js("return JSON.stringify(window.studio.metrics.renders)"));
            out.set("excerpt", stats(renders, "excerpt", "serverMillis", "roundTripMillis", "changeToAudibleMillis"));
            out.set("full", stats(renders, "full", "serverMillis", "roundTripMillis"));
            return out;
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** For renders of a kind: each field's values in order, their median and largest. */
    private static ObjectNode stats(JsonNode renders, String kind, String... fields) {
        ObjectNode o = JSON.createObjectNode();
        for (String f : fields) {
            double[] v = new double[0];
            for (JsonNode r : renders) {
                if (r.path("kind").asText().equals(kind)) {
                    v = Arrays.copyOf(v, v.length + 1);
                    v[v.length - 1] = r.path(f).asDouble();
                }
            }
            ObjectNode s = o.putObject(f);
            ArrayNode all = s.putArray("each");
            Arrays.stream(v).forEach(x -> all.add(round(x)));
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            s.put("median", sorted.length == 0 ? 0 : round(sorted[sorted.length / 2]));
            s.put("max", sorted.length == 0 ? 0 : round(sorted[sorted.length - 1]));
        }
        return o;
    }

    private static double number(HeadlessChromium b, String script) {
        return ((Number) b.js(script)).doubleValue();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
