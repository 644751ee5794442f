package ai.aimix.dsp.loudness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * EBU Tech 3342 (v3) loudness range test signals 1-4, synthesised as stereo 1 kHz sines at 48 kHz and 44.1 kHz,
 * held to the EBU tolerance of +-1 LU. Signals 5 and 6 are authentic programme material (shared with Tech 3341
 * cases 7 and 8) and are not reproduced.
 */
class Tech3342LoudnessRangeTest {

    @ParameterizedTest(name = "case {0} at {1} Hz")
    @CsvSource({
        "1, 48000, 10, -20 -30",
        "2, 48000, 5, -20 -15",
        "3, 48000, 20, -40 -20",
        "4, 48000, 15, -50 -35 -20 -35 -50",
        "1, 44100, 10, -20 -30",
        "4, 44100, 15, -50 -35 -20 -35 -50"
    })
    void loudnessRange(int testCase, int sampleRate, double expectedLu, String levels) {
        ToneSequence s = new ToneSequence(sampleRate, 2);
        for (String level : levels.split(" ")) {
            s.add(20, Double.parseDouble(level));
        }
        assertEquals(expectedLu, s.measure().loudnessRangeLu(), 1.0, "Tech 3342 case " + testCase);
    }
}
