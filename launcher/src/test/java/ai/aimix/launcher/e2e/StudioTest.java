package ai.aimix.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.OfflineRenderer;
import ai.aimix.gateway.audio.StemRender;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.launcher.studio.HeadlessChromium;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The studio page in a real browser (Debian's headless Chromium) against the embedded stack and the gateway: a
 * musician's stems picked through the page's file input (one of them not audio), mixed, heard while the mix forms,
 * shaped — the vocal's gain, a preset, intensity 0 — with every result checked against the audio and the parameter
 * sheets the gateway gives, A/B flipped, and no JavaScript error on the way. Screenshots of each state go to
 * target/studio-screenshots.
 */
class StudioTest {
    static final int RATE = 22050;
    static final double SECONDS = 40;
    static final String[] NAMES = {"drums", "bass", "keys", "guitar", "vocals"};
    /** Each stem a tone of its own, so its level in a mix can be read at its frequency. */
    static final double[] HZ = {150, 80, 440, 620, 1000};

    static final int VOCALS = 4;
    /** The stem the vocal's level is compared with (its parameters do not change). */
    static final int REFERENCE = 2;

    static final Path SCREENSHOTS = Path.of("target", "studio-screenshots");

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(
                HeadlessChromium.installed(),
                "StudioTest needs Debian's chromium and chromium-driver (.ci/run installs them: apt-get install "
                        + "chromium chromium-driver)");
        GatewayTest.start();
        // a key with the default limits (GatewayTest's own takes small uploads only), used by its helpers here too
        GatewayTest.TOKEN = GatewayTest.key(KeyLimits.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayTest.stop();
    }

    static List<Path> stems() throws Exception {
        List<Path> files = new ArrayList<>();
        int frames = (int) (SECONDS * RATE);
        Wav.Encoding[] encodings = {
            Wav.Encoding.PCM_16, Wav.Encoding.PCM_24, Wav.Encoding.FLOAT_32, Wav.Encoding.PCM_24, Wav.Encoding.FLOAT_32
        };
        for (int s = 0; s < NAMES.length; s++) {
            int ch = s % 2 == 0 ? 2 : 1;
            float[] x = new float[frames * ch];
            for (int i = 0; i < frames; i++) {
                double t = (double) i / RATE;
                // a slow swell, different per stem, so the model has something to react to
                double env = 0.12 * (1 + 0.6 * Math.sin(2 * Math.PI * (0.05 + 0.03 * s) * t + s));
                float v = (float) (env * Math.sin(2 * Math.PI * HZ[s] * t));
                for (int c = 0; c < ch; c++) {
                    x[i * ch + c] = v;
                }
            }
            Path f = dir.resolve(NAMES[s] + ".wav");
            Wav.write(f, new Audio(RATE, ch, x), encodings[s]);
            files.add(f);
        }
        Path bad = dir.resolve("notes.wav");
        Files.writeString(bad, "this is a text file with a .wav name", StandardCharsets.UTF_8);
        files.add(bad);
        return files;
    }

    @Test
    void aMusicianMixesShapesAndComparesStemsInTheStudio() throws Exception {
        List<Path> files = stems();
        String base = "http://127.0.0.1:" + GatewayTest.gateway.port();
        try (HeadlessChromium b = new HeadlessChromium(SCREENSHOTS, 1280, 800)) {
            WebDriverWait wait = new WebDriverWait(b.driver, Duration.ofSeconds(30));
            b.driver.get(base + "/#key=" + GatewayTest.TOKEN);
            wait.until(d -> text(b, "status").startsWith("Ready"));
            assertEquals("", b.driver.getCurrentUrl().replaceAll("^[^#]*#?", ""), "the key is taken off the address");

            // the stems through the file input: five good ones listed with their roles, the bad one with its reason
            b.driver
                    .findElement(By.id("files"))
                    .sendKeys(files.stream().map(Path::toString).collect(Collectors.joining("\n")));
            wait.until(d -> d.findElements(By.cssSelector("#stem-list li")).size() == files.size());
            WebElement bad = b.driver.findElement(By.cssSelector("#stem-list li.bad"));
            assertTrue(bad.getText().contains("not a WAV file"), bad.getText());
            assertEquals(
                    "VOCALS",
                    new Select(b.driver.findElement(By.cssSelector("select[aria-label='Role of vocals']")))
                            .getFirstSelectedOption()
                            .getAttribute("value"));
            b.screenshot("1-stems");

            // the mix: uploaded in parallel, heard before its result came, drawn
            click(b, "mix-button");
            new WebDriverWait(b.driver, Duration.ofSeconds(240))
                    .withMessage(() -> state(b))
                    .until(d -> b.js("return window.studio.result !== null && window.studio.shaped !== null")
                            .equals(Boolean.TRUE));
            double firstAudio = number(b, "return window.studio.metrics.firstAudio - window.studio.metrics.created");
            double played =
                    number(b, "return window.studio.player.firstPlayedAt.millis - window.studio.metrics.created");
            double result = number(b, "return window.studio.metrics.result - window.studio.metrics.created");
            System.out.printf(
                    "studio: first audio %.0f ms, playback began %.0f ms, result %.0f ms after Mix was pressed%n",
                    firstAudio, played, result);
            assertTrue(played < result, "playback began before the result arrived");
            assertEquals(100.0, number(b, "return window.studio.metrics.progress"), 1e-9);
            wait.until(d -> number(b, "return window.studio.waveFilled") == 1200);
            double drawn = number(
                    b,
                    "const c = document.getElementById('wave'); const d = c.getContext('2d')"
                            + ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
                            + " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n / (d.length / 4);");
            assertTrue(drawn > 0.05, "the waveform is drawn: " + drawn + " of its pixels");
            assertEquals(
                    5, b.driver.findElements(By.cssSelector("#sheets .sheet")).size());
            // each stem's loudness in (measured in the browser) and out (the processed stem, from the gateway)
            wait.withMessage(() -> state(b))
                    .until(d -> d.findElements(By.cssSelector("#sheets .sheet .out")).stream()
                            .allMatch(e -> e.getText().startsWith("out ")));
            String id = (String) b.js("return window.studio.mix.id");
            JsonNode mix = GatewayTest.json(GatewayTest.get("/mixes/" + id));
            tall(b, () -> b.screenshot("2-mixed"));

            // the vocal's gain moved to the slider's top: the shaped mix differs from the model's in the vocal's level
            // by exactly what the parameter sheets say, segment by segment
            WebElement gain = b.driver.findElement(By.cssSelector("input[aria-label='vocals Gain']"));
            gain.sendKeys(Keys.END);
            // the excerpt around the playhead heard at once, the whole mix still to come
            wait.until(d -> number(b, "return window.studio.metrics.renders.length") > 0);
            tall(b, () -> b.screenshot("3-rerender"));
            JsonNode shaped = awaitFullRender(b, "r => r.stems[" + VOCALS + "].automation[0].GAIN_DB === 12");
            assertVocalMoved(mix, shaped);
            JsonNode excerpt = GatewayTest.JSON.readTree((String)
                    b.js("return JSON.stringify(window.studio.metrics.renders.filter(r => r.kind === 'excerpt')[0])"));
            System.out.printf(
                    "studio: excerpt re-render %.0f ms on the server, %.0f ms from the change to the new audio"
                            + " scheduled%n",
                    excerpt.path("serverMillis").asDouble(),
                    excerpt.path("changeToAudibleMillis").asDouble());
            assertEquals("B", b.js("return window.studio.player.which"), "a change is heard as B");

            // A/B by key, in sync and loudness-matched
            b.driver.findElement(By.tagName("body")).sendKeys("a");
            assertEquals("A", b.js("return window.studio.player.which"));
            b.driver.findElement(By.tagName("body")).sendKeys("x");
            assertEquals("B", b.js("return window.studio.player.which"));
            JsonNode match = GatewayTest.JSON.readTree((String) b.js("return JSON.stringify(window.studio.abMatch)"));
            JsonNode gains =
                    GatewayTest.JSON.readTree((String) b.js("return JSON.stringify(window.studio.player.matchDb)"));
            assertEquals(
                    match.path("a").asDouble() + gains.path("A").asDouble(),
                    match.path("b").asDouble() + gains.path("B").asDouble(),
                    1e-9,
                    "A and B play at the same loudness: " + match + " " + gains);

            // the shaping saved as the key's own preset, by role: kept by the gateway, listed, applied, deleted
            click(b, "save-preset");
            b.driver.findElement(By.id("preset-name")).sendKeys("loud vocals");
            b.driver.findElement(By.id("preset-description")).sendKeys("the vocal at the top" + Keys.ENTER);
            wait.withMessage(() -> state(b))
                    .until(d -> "loud vocals"
                            .equals(new Select(d.findElement(By.id("preset")))
                                    .getFirstSelectedOption()
                                    .getAttribute("value")));
            JsonNode saved = GatewayTest.json(GatewayTest.get("/presets/loud%20vocals"));
            assertEquals(
                    12.0,
                    saved.path("roles")
                            .path("VOCALS")
                            .path("overrides")
                            .path("GAIN_DB")
                            .asDouble(),
                    1e-9);
            assertEquals("the vocal at the top", saved.path("description").asText());
            click(b, "reset");
            new Select(b.driver.findElement(By.id("preset"))).selectByValue("loud vocals");
            JsonNode applied = awaitFullRender(b, "r => r.preset === 'loud vocals'");
            for (JsonNode seg : applied.path("stems").get(VOCALS).path("automation")) {
                assertEquals(12.0, seg.path("GAIN_DB").asDouble(), 1e-6, "the saved preset locks the vocal's gain");
            }
            click(b, "delete-preset");
            wait.until(d -> d.findElements(By.cssSelector("#preset option[value='loud vocals']"))
                    .isEmpty());
            assertEquals(404, GatewayTest.get("/presets/loud%20vocals").statusCode());

            // a preset, from the model's values: vocals 3 dB up, the rest 1 dB down
            click(b, "reset");
            new Select(b.driver.findElement(By.id("preset"))).selectByValue("vocal-forward");
            JsonNode vocalForward = awaitFullRender(b, "r => r.preset === 'vocal-forward'");
            JsonNode model = mix.path("result").path("variants").get(0).path("stems");
            for (int i = 0; i < NAMES.length; i++) {
                JsonNode auto = vocalForward.path("stems").get(i).path("automation");
                for (int k = 0; k < auto.size(); k++) {
                    double m = model.get(i)
                            .path("automation")
                            .get(k)
                            .path("gainDb")
                            .asDouble();
                    double expected = Math.max(-24, Math.min(12, m + (i == VOCALS ? 3 : -1)));
                    assertEquals(expected, auto.get(k).path("GAIN_DB").asDouble(), 1e-5, NAMES[i] + " segment " + k);
                }
            }

            // intensity 0: the neutral mix of the same stems
            new Select(b.driver.findElement(By.id("preset"))).selectByValue("");
            WebElement intensity = b.driver.findElement(By.id("intensity"));
            intensity.sendKeys(Keys.HOME);
            JsonNode neutral =
                    awaitFullRender(b, "r => r.preset === undefined && window.studio.shaping.intensity === 0");
            float[] got =
                    GatewayTest.download(neutral.path("links").path("audio").asText());
            double diff = GatewayTest.maxDifference(neutralMix(files, mix), got);
            System.out.printf("studio: intensity 0 against the neutral mix: largest difference %.3g%n", diff);
            assertEquals(0.0, diff, 1e-4, "intensity 0 is the neutral mix");

            // space plays and pauses
            boolean playing = (Boolean) b.js("return window.studio.player.playing");
            b.driver.findElement(By.tagName("body")).sendKeys(Keys.SPACE);
            assertEquals(!playing, b.js("return window.studio.player.playing"));

            // a phone-sized screen: nothing wider than the screen
            b.driver.manage().window().setSize(new Dimension(390, 844));
            Thread.sleep(300);
            b.screenshot("4-phone");
            assertTrue(
                    number(b, "return document.documentElement.scrollWidth - window.innerWidth") <= 0,
                    "no sideways scrolling on a phone-sized screen; too wide: "
                            + b.js("return Array.from(document.querySelectorAll('body *')).filter(e =>"
                                    + " e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e =>"
                                    + " e.tagName + '#' + e.id + '.' + e.className + ' ' +"
                                    + " Math.round(e.getBoundingClientRect().right)).join(', ')"));

            b.driver.manage().window().setSize(new Dimension(1280, 800));

            // a share link: the finished mix read-only, opened without the key
            click(b, "share");
            wait.until(d ->
                    !d.findElement(By.id("share-url")).getAttribute("value").isEmpty());
            String link = b.driver.findElement(By.id("share-url")).getAttribute("value");
            assertTrue(link.startsWith(base + "/#share=shr_"), link);
            List<String> before = b.console().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                    .map(LogEntry::getMessage)
                    .toList();
            assertEquals(List.of(), before, "no errors in the browser's console");
            b.js("sessionStorage.clear()");
            b.driver.get(link);
            wait.withMessage(() -> state(b)).until(d -> text(b, "status").startsWith("A shared mix"));
            wait.until(d -> number(b, "return window.studio.waveFilled") == 1200);
            assertEquals(
                    5, b.driver.findElements(By.cssSelector("#sheets .sheet")).size());
            assertTrue(
                    b.driver.findElements(By.cssSelector("#sheets input[type=range]")).stream()
                            .noneMatch(WebElement::isEnabled),
                    "a shared mix is read-only");
            tall(b, () -> b.screenshot("5-shared"));

            List<String> severe = b.console().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                    .map(LogEntry::getMessage)
                    .toList();
            assertEquals(List.of(), severe, "no errors in the browser's console");
            assertEquals("[]", b.js("return JSON.stringify(window.studio.errors)"), "no errors the page caught");
        }
    }

    /** Waits for a whole-mix render that the predicate (a JS function of the render) accepts; returns it. */
    static JsonNode awaitFullRender(HeadlessChromium b, String predicate) throws Exception {
        new WebDriverWait(b.driver, Duration.ofSeconds(60))
                .withMessage(() -> state(b))
                .until(d -> Boolean.TRUE.equals(b.js("const r = window.studio.fullRender; return r !== null && ("
                        + predicate + ")(r) && !window.studio.rendering")));
        return GatewayTest.JSON.readTree((String) b.js("return JSON.stringify(window.studio.fullRender)"));
    }

    /**
     * The vocal's level relative to the reference stem's, in each segment, in the shaped mix and in the model's mix:
     * the difference is the vocal's gain change the sheets give (the reference stem's is unchanged), within 0.1 dB.
     */
    static void assertVocalMoved(JsonNode mix, JsonNode shaped) throws Exception {
        String id = mix.path("id").asText();
        float[] before = GatewayTest.download("/mixes/" + id + "/audio");
        float[] after = GatewayTest.download(shaped.path("links").path("audio").asText());
        JsonNode result = mix.path("result");
        int segment = result.path("segmentFrames").asInt();
        int frames = before.length / 2;
        JsonNode modelVocal =
                result.path("variants").get(0).path("stems").get(VOCALS).path("automation");
        JsonNode shapedVocal = shaped.path("stems").get(VOCALS).path("automation");
        int window = 8192;
        int checked = 0;
        for (int k = 0; k * segment + 4096 + window <= frames; k++) {
            int from = k * segment + 4096; // past the parameter ramp
            double moved = level(after, from, window, HZ[VOCALS]) - level(after, from, window, HZ[REFERENCE]);
            double was = level(before, from, window, HZ[VOCALS]) - level(before, from, window, HZ[REFERENCE]);
            double expected = shapedVocal.get(k).path("GAIN_DB").asDouble()
                    - modelVocal.get(k).path("gainDb").asDouble();
            assertEquals(expected, moved - was, 0.1, "segment " + k + ": the vocal's level moved by its gain change");
            checked++;
        }
        assertTrue(checked >= 5, "segments checked: " + checked);
    }

    /** dB of the Hann-windowed Goertzel amplitude of (L + R) at hz over frames [from, from + n). */
    static double level(float[] stereo, int from, int n, double hz) {
        double w = 2 * Math.PI * hz / RATE;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            double x = hann * (stereo[2 * (from + i)] + stereo[2 * (from + i) + 1]);
            double s = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return 10 * Math.log10(power + 1e-30);
    }

    /** The stems rendered with every parameter neutral, by the dsp module's renderer (the job's). */
    static float[] neutralMix(List<Path> files, JsonNode mix) throws Exception {
        int segment = mix.path("result").path("segmentFrames").asInt();
        int frames = (int) mix.path("result").path("frames").asLong();
        int segments = (frames + segment - 1) / segment;
        float[][] audio = new float[NAMES.length][];
        int[] channels = new int[NAMES.length];
        float[][][] schedule = new float[segments][NAMES.length][];
        for (int i = 0; i < NAMES.length; i++) {
            Audio a = Wav.read(files.get(i));
            audio[i] = a.samples();
            channels[i] = a.channels();
            for (int k = 0; k < segments; k++) {
                schedule[k][i] = MixParams.neutral();
            }
        }
        return OfflineRenderer.render(
                StemRender.settings(RATE, segment, null, null), audio, channels, frames, schedule);
    }

    /** A screenshot of the whole page: the window made as tall as the page for it, then put back. */
    static void tall(HeadlessChromium b, ThrowingRunnable shot) throws Exception {
        Dimension was = b.driver.manage().window().getSize();
        int height = (int) number(b, "return document.documentElement.scrollHeight");
        b.driver.manage().window().setSize(new Dimension(was.getWidth(), Math.min(4000, height + 140)));
        Thread.sleep(300);
        shot.run();
        b.driver.manage().window().setSize(was);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** What the page shows and knows, for a failure's message. */
    static String state(HeadlessChromium b) {
        try {
            return "status: " + text(b, "status") + "; render: " + text(b, "render-status") + "; page: "
                    + b.js("const s = window.studio; return JSON.stringify({events: s.events.slice(-20), errors:"
                            + " s.errors, metrics: s.metrics, available: s.model && s.model.available, mix: s.mix &&"
                            + " s.mix.status})")
                    + "; console: "
                    + b.console().stream().map(LogEntry::toString).toList();
        } catch (RuntimeException e) {
            return "(the page's state could not be read: " + e + ")";
        }
    }

    /**
     * Clicks element {@code id} once it is in the middle of the window: the player stays on top of the page on a wide
     * screen, and the driver does not scroll an element that is in the window but under it.
     */
    static void click(HeadlessChromium b, String id) {
        WebElement e = b.driver.findElement(By.id(id));
        b.js("arguments[0].scrollIntoView({block: 'center'})", e);
        e.click();
    }

    static String text(HeadlessChromium b, String id) {
        return b.driver.findElement(By.id(id)).getText();
    }

    static double number(HeadlessChromium b, String script) {
        return ((Number) Objects.requireNonNull(b.js(script), script)).doubleValue();
    }
}
