package ai.aimix.dsp.metrics.peaq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.metrics.Degradations;
import ai.aimix.dsp.metrics.TestMusic;
import ai.aimix.dsp.resample.Resampler;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PEAQ basic on 8 s of synthetic stereo music at 48 kHz. No ITU conformance items are available here, so these tests
 * hold what can be checked without them: identical signals score at the top of the scale, known degradations order
 * as listeners order them, and the MOVs react to the right impairments.
 */
class PeaqTest {
    static final int SR = 48000;
    static float[][] music;

    @BeforeAll
    static void music() {
        music = TestMusic.stereo(SR, 8, 1);
    }

    @Test
    void identicalSignalsScoreAtTheTop() {
        PeaqResult r = Peaq.basic(music, music);
        // with no difference every distortion MOV is 0 and the network gives its maximum, 0.17 (scale top 0.22)
        assertTrue(r.odg() > 0.1, r.toString());
        assertTrue(r.distortionIndex() > 3, r.toString());
        assertEquals(0.0, r.movs().get("RmsNoiseLoudB"), 1e-9);
        assertEquals(0.0, r.movs().get("AvgModDiff1B"), 1e-9);
        assertTrue(r.movs().get("Total NMRB") < -100, r.toString());
        assertEquals(374, r.frames());
    }

    /**
     * Listener order: Opus at 128 kbit/s (a real perceptual codec, concentus' pure-Java port of libopus) is better
     * than a 4 kHz low-pass, which is better than white noise 30 dB below the signal.
     */
    @Test
    void knownDegradationsOrderAsListenersOrderThem() {
        double coded = Peaq.basic(music, Degradations.opus(music, 128_000)).odg();
        double lowPass =
                Peaq.basic(music, Degradations.lowPass(music, SR, 4000)).odg();
        double noise = Peaq.basic(music, Degradations.whiteNoise(music, 30, 3)).odg();
        System.out.printf(
                "ODG: Opus 128 kbit/s %.3f, 4 kHz low-pass %.3f, 30 dB SNR noise %.3f%n", coded, lowPass, noise);
        assertTrue(coded > -1.0, "coded " + coded);
        assertTrue(coded > lowPass + 1, coded + " vs low-pass " + lowPass);
        assertTrue(lowPass > noise + 0.2, "low-pass " + lowPass + " vs noise " + noise);
    }

    /** Fewer bits, lower grade (Opus 32, 64, 128 kbit/s); more coding noise or more added noise, lower grade. */
    @Test
    void gradesFallMonotonicallyWithDegradation() {
        double previous = Double.NEGATIVE_INFINITY;
        for (int bits : new int[] {32_000, 64_000, 128_000}) {
            double odg = Peaq.basic(music, Degradations.opus(music, bits)).odg();
            assertTrue(odg > previous, bits + " bit/s: " + odg + " not above " + previous);
            previous = odg;
        }
        previous = Double.POSITIVE_INFINITY;
        for (double smr : new double[] {30, 24, 18, 12}) {
            double odg = Peaq.basic(music, Degradations.transformCoded(music, SR, smr, 16000, 256, 8))
                    .odg();
            assertTrue(odg < previous, "SMR " + smr + ": " + odg + " not below " + previous);
            previous = odg;
        }
        previous = Double.POSITIVE_INFINITY;
        for (double snr : new double[] {60, 45, 30}) {
            PeaqResult r = Peaq.basic(music, Degradations.whiteNoise(music, snr, 5));
            assertTrue(r.odg() < previous, "SNR " + snr + ": " + r.odg() + " not below " + previous);
            previous = r.odg();
        }
    }

    /**
     * Band-limiting shows in the test signal's bandwidth MOV. The bandwidth detector measures against the test
     * signal's floor above 21.6 kHz, which the standard assumes is PCM quantisation noise: with float signals an ideal
     * low-pass leaves no floor at all, so both signals go through 16-bit PCM first, as when read from WAV files.
     */
    @Test
    void lowPassNarrowsTheTestBandwidth() {
        PeaqResult r = Peaq.basic(Degradations.pcm16(music), Degradations.pcm16(Degradations.lowPass(music, SR, 4000)));
        double binsPer4kHz = 4000.0 / (SR / 2048.0);
        assertEquals(binsPer4kHz, r.movs().get("BandwidthTestB"), binsPer4kHz * 0.25, r.toString());
        assertTrue(r.movs().get("BandwidthRefB") > 2 * r.movs().get("BandwidthTestB"), r.toString());
    }

    /** Other rates go through the resampler first: a 44.1 kHz file compared with itself still scores at the top. */
    @Test
    void resampledInputAndMono() {
        float[][] at44 = TestMusic.stereo(44100, 4, 2);
        float[][] at48 = new Resampler(44100, SR).process(at44);
        assertTrue(Peaq.basic(at48, at48).odg() > 0.1);
        float[][] mono = {music[0]};
        float[][] monoNoisy = {Degradations.whiteNoise(mono, 30, 1)[0]};
        assertTrue(Peaq.basic(mono, monoNoisy).odg() < -2);
    }

    @Test
    void refusesWhatItCannotScore() {
        assertThrows(IllegalArgumentException.class, () -> Peaq.basic(new float[2][SR], new float[2][SR]));
        assertThrows(IllegalArgumentException.class, () -> Peaq.basic(new float[][] {music[0]}, music));
        float[][] shortClip = {Arrays.copyOf(music[0], 1000)};
        assertThrows(IllegalArgumentException.class, () -> Peaq.basic(shortClip, shortClip));
    }
}
