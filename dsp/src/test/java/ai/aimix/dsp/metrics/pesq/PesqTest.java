package ai.aimix.dsp.metrics.pesq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PESQ against published and reference values. No ITU conformance vectors are reachable here; what is checked
 * instead: the two scores python-pesq's test suite documents for its speech pair, and 21 pairs (constant delays, two
 * utterances with a delay jump either way, a delay change inside an utterance, a dropout, a low-pass channel, a level
 * change, 8 kHz) scored by the ITU's reference software compiled here: every utterance delay equal, every score
 * within {@link #TOLERANCE} (the largest difference seen was 6.2e-6).
 */
class PesqTest {
    /** MOS units; the scores are printed to three decimals. */
    static final double TOLERANCE = 1e-4;

    record Expected(float raw, float mosLqo, int[] delays) {}

    static Map<String, Expected> reference() throws IOException {
        Map<String, Expected> out = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                PesqTest.class.getResourceAsStream("/pesq/reference-scores.csv"), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                float raw = f[3].isEmpty() ? Float.NaN : Float.parseFloat(f[3]);
                int[] delays =
                        Stream.of(f[5].split(" ")).mapToInt(Integer::parseInt).toArray();
                out.put(f[0], new Expected(raw, Float.parseFloat(f[4]), delays));
            }
        }
        return out;
    }

    static List<PesqCases.Case> cases() {
        return PesqCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithTheReferenceSoftware(PesqCases.Case c) throws IOException {
        Expected e = reference().get(c.name());
        PesqResult r = Pesq.measure(c.reference(), c.degraded(), c.sampleRate(), c.mode());
        assertEquals(e.mosLqo(), r.mosLqo(), TOLERANCE, c.name() + " MOS-LQO");
        if (!Float.isNaN(e.raw())) {
            assertEquals(e.raw(), r.raw(), TOLERANCE, c.name() + " raw P.862");
        }
        int[] delays = r.utterances().stream()
                .mapToInt(u -> (int) Math.round(u.delayMs() * c.sampleRate() / 1000))
                .toArray();
        assertArrayEquals(e.delays(), delays, c.name() + " utterance delays");
    }

    /** python-pesq's tests/test_pesq.py: speech.wav against speech_bab_0dB.wav, both divided by their joint peak. */
    @Test
    void documentedScoresOfThePythonPesqTestPair() {
        PesqCases.Case nb = byName("babble-nb");
        PesqCases.Case wb = byName("babble-wb");
        assertEquals(
                1.0832337141036987,
                Pesq.measure(wb.reference(), wb.degraded(), 16000, PesqMode.WIDEBAND)
                        .mosLqo(),
                1e-6);
        assertEquals(
                1.6072081327438354,
                Pesq.measure(nb.reference(), nb.degraded(), 16000, PesqMode.NARROWBAND)
                        .mosLqo(),
                1e-6);
    }

    @Test
    void identicalSignalsScoreTheTopOfEachScale() {
        PesqCases.Case c = byName("identical-nb");
        PesqResult nb = Pesq.measure(c.reference(), c.reference(), 16000, PesqMode.NARROWBAND);
        PesqResult wb = Pesq.measure(c.reference(), c.reference(), 16000, PesqMode.WIDEBAND);
        assertEquals(4.5f, nb.raw());
        // P.862.1's mapping of 4.5 is 4.549, P.862.2's 4.644
        assertEquals(4.549, nb.mosLqo(), 5e-4);
        assertEquals(4.644, wb.mosLqo(), 5e-4);
    }

    @Test
    void theInputScaleDoesNotMatter() {
        PcmWav speech = PcmWav.resource("speech.wav");
        PcmWav babble = PcmWav.resource("speech_bab_0dB.wav");
        float unit = Pesq.measure(speech.scaled(1), babble.scaled(1), 16000, PesqMode.WIDEBAND)
                .mosLqo();
        float full = Pesq.measure(speech.scaled(32768), babble.scaled(32768), 16000, PesqMode.WIDEBAND)
                .mosLqo();
        assertEquals(unit, full, TOLERANCE);
    }

    @Test
    void moreNoiseScoresLower() {
        float[] ref = byName("identical-wb").reference();
        float previous = Float.MAX_VALUE;
        for (double snr : new double[] {40, 30, 20, 10, 0}) {
            for (PesqMode mode : PesqMode.values()) {
                float s = Pesq.measure(ref, PesqCases.noisy(ref, snr, 7), 16000, mode)
                        .mosLqo();
                assertTrue(s > 1 && s < 4.65, mode + " at " + snr + " dB: " + s);
            }
            float s = Pesq.measure(ref, PesqCases.noisy(ref, snr, 7), 16000, PesqMode.WIDEBAND)
                    .mosLqo();
            assertTrue(s < previous, snr + " dB: " + s + " not below " + previous);
            previous = s;
        }
    }

    @Test
    void badInputIsRefusedWithAReason() {
        float[] ref = byName("identical-nb").reference();
        assertReason(PesqException.Reason.SAMPLE_RATE, () -> Pesq.measure(ref, ref, 44100, PesqMode.NARROWBAND));
        assertReason(PesqException.Reason.SAMPLE_RATE, () -> Pesq.measure(ref, ref, 8000, PesqMode.WIDEBAND));
        float[] short0 = new float[3999];
        assertReason(PesqException.Reason.TOO_SHORT, () -> Pesq.measure(short0, ref, 16000, PesqMode.WIDEBAND));
        assertReason(
                PesqException.Reason.NO_UTTERANCES,
                () -> Pesq.measure(new float[16000], PesqCases.noisy(ref, 0, 1), 16000, PesqMode.WIDEBAND));
        assertReason(
                PesqException.Reason.SILENT_DEGRADED,
                () -> Pesq.measure(ref, new float[ref.length], 16000, PesqMode.NARROWBAND));
        float[] nan = ref.clone();
        nan[100] = Float.NaN;
        assertReason(PesqException.Reason.NOT_FINITE, () -> Pesq.measure(ref, nan, 16000, PesqMode.NARROWBAND));
    }

    private static void assertReason(PesqException.Reason reason, Runnable call) {
        PesqException e = assertThrows(PesqException.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    private static PesqCases.Case byName(String name) {
        return PesqCases.all().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
