package ai.aimix.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.filter.Biquad;
import ai.aimix.dsp.filter.BiquadCascade;
import ai.aimix.dsp.loudness.ChannelWeights;
import ai.aimix.dsp.loudness.LoudnessAnalysis;
import ai.aimix.dsp.metrics.MixComparison;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.schema.StemRole;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Corpus songs rendered by the JDK's synthesizer: reproducible, and their ideal corrections rebuild the reference. */
class CorpusSongTest {
    static final RenderSettings RENDER = RenderSettings.builder(44100).build();
    static MidiSynth synth;
    static CorpusSong song;

    @BeforeAll
    static void render() throws Exception {
        synth = new MidiSynth(44100, null);
        song = CorpusSong.generate(3, new Composer(8), synth, RENDER);
    }

    @Test
    void theSameSeedGivesTheSameAudioAndNumbers() throws Exception {
        CorpusSong again = CorpusSong.generate(3, new Composer(8), synth, RENDER);
        assertEquals(song.stems.size(), again.stems.size());
        for (int i = 0; i < song.stems.size(); i++) {
            CorpusSong.Stem a = song.stems.get(i);
            CorpusSong.Stem b = again.stems.get(i);
            assertArrayEquals(a.clean, b.clean, a.name);
            assertArrayEquals(a.unmixed, b.unmixed, a.name);
            assertArrayEquals(a.ideal, b.ideal, a.name);
        }
    }

    @Test
    void stemsAreDryCentredAndAudible() {
        for (CorpusSong.Stem s : song.stems) {
            assertEquals(song.frames * 2, s.clean.length);
            for (int i = 0; i < s.clean.length; i += 2) {
                assertTrue(Float.isFinite(s.clean[i]), s.name);
                assertEquals(s.clean[i], s.clean[i + 1], 0f, s.name + " is centred: left == right");
            }
            assertTrue(s.cleanLufs > -45 && s.cleanLufs < -5, s.name + " " + s.cleanLufs);
            assertTrue(s.perturbGainDb >= CorpusSong.MIN_GAIN_DB && s.perturbGainDb <= CorpusSong.MAX_GAIN_DB);
            assertTrue(Math.abs(s.tiltDb) <= CorpusSong.MAX_TILT_DB);
        }
    }

    /** Analytic: a gain of g dB moves BS.1770 loudness by exactly g. */
    @Test
    void theRecordedGainIsTheLoudnessChange() {
        CorpusSong.Stem s = song.stems.get(0);
        float[] louder = CorpusSong.perturb(s.clean, -7.5f, 0f, RENDER);
        double l = LoudnessAnalysis.ofInterleaved(louder, 2, 44100, ChannelWeights.forChannels(2)).integratedLufs;
        assertEquals(s.cleanLufs - 7.5, l, 0.01);
    }

    /** The shelves' +t and -t are exact inverses (RBJ shelves with gains A and 1/A), so a tilt can be undone. */
    @Test
    void theTiltIsUndoneByTheOppositeShelves() {
        float[] x = new float[2 * 44100];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i += 2) {
            x[i] = x[i + 1] = (float) (r.nextDouble() - 0.5);
        }
        float[] tilted = CorpusSong.perturb(x, 0f, 5.3f, RENDER);
        float[] left = new float[x.length / 2];
        float[] right = new float[x.length / 2];
        for (int i = 0; i < left.length; i++) {
            left[i] = tilted[2 * i];
            right[i] = tilted[2 * i + 1];
        }
        BiquadCascade undo = new BiquadCascade(2, 2);
        undo.set(0, Biquad.lowShelf(44100, RENDER.lowShelfHz, RENDER.shelfSlope, -5.3));
        undo.set(1, Biquad.highShelf(44100, RENDER.highShelfHz, RENDER.shelfSlope, 5.3));
        undo.process(left, right, 0, left.length);
        for (int i = 0; i < left.length; i++) {
            assertEquals(x[2 * i], left[i], 1e-4);
        }
    }

    /** Relative loudness by role holds exactly between stems whose gains are not clamped. */
    @Test
    void referenceGainsRealiseTheRolesRelativeLoudness() {
        List<StemRole> roles = List.of(StemRole.VOCALS, StemRole.DRUMS, StemRole.PAD, StemRole.GUITAR, StemRole.GUITAR);
        double[] lufs = {-24, -20, -28, -22, -26};
        float[][] p = MixRules.reference(roles, lufs);
        for (int i = 0; i < roles.size(); i++) {
            for (int j = 0; j < roles.size(); j++) {
                double mixed = lufs[i] + p[i][MixParams.GAIN_DB] - lufs[j] - p[j][MixParams.GAIN_DB];
                assertEquals(
                        MixRules.relativeLoudness(roles.get(i)) - MixRules.relativeLoudness(roles.get(j)), mixed, 1e-4);
            }
        }
        assertEquals(MixRules.MAX_GAIN_DB, p[0][MixParams.GAIN_DB], 1e-6, "the lead element at the top gain");
        assertEquals(-p[3][MixParams.PAN], p[4][MixParams.PAN], 0f, "a second guitar on the other side");
        assertEquals(MixRules.LOW_CUT_DB, p[2][MixParams.LOW_SHELF_DB], 0f);
        assertEquals(0f, p[1][MixParams.LOW_SHELF_DB], 0f, "no low cut on drums");
        assertEquals(3f, p[0][MixParams.COMP_RATIO], 0f);
        assertEquals(-18f, p[0][MixParams.COMP_THRESHOLD_DB], 1e-6, "6 dB above the vocal loudness");
    }

    /**
     * The point of the corpus: the unmixed inputs with their ideal corrections sound like the reference mix (MR-STFT
     * distance near 0), while their plain sum is far from it.
     */
    @Test
    void idealCorrectionsRebuildTheReferenceMix() {
        float[][] reference = song.referenceMix(RENDER);
        float[][] ideal = new float[song.stems.size()][];
        float[][] neutral = new float[song.stems.size()][];
        for (int i = 0; i < ideal.length; i++) {
            ideal[i] = song.stems.get(i).ideal;
            neutral[i] = MixParams.neutral();
        }
        double corrected = MixComparison.compare(
                        reference, 44100, song.mix(RENDER, song.constant(RENDER, ideal)), 44100, false)
                .mrStft
                .distance;
        double sum = MixComparison.compare(
                        reference, 44100, song.mix(RENDER, song.constant(RENDER, neutral)), 44100, false)
                .mrStft
                .distance;
        assertTrue(corrected < 0.01, "ideal correction vs reference: " + corrected);
        assertTrue(sum > 0.5, "plain sum vs reference: " + sum);
    }

    /**
     * A WIDE corpus adds a resonance to each stem and the opposite mid peak to its ideal correction: the level and
     * tilt are the LEVEL_TILT corpus's own (drawn first), the resonance is undone exactly (RBJ peaks of opposite
     * gains), and the ideal corrections still rebuild the reference mix.
     */
    @Test
    void aWideCorpusAddsResonancesItsIdealCorrectionsUndo() throws Exception {
        CorpusSong wide = CorpusSong.generate(
                        3,
                        new Composer(8),
                        new MidiSynth(44100, null),
                        Voicing.of(new MidiSynth(44100, null)),
                        Perturbation.WIDE,
                        RENDER,
                        1)
                .get(0);
        float[][] ideal = new float[wide.stems.size()][];
        boolean resonant = false;
        for (int i = 0; i < ideal.length; i++) {
            CorpusSong.Stem w = wide.stems.get(i);
            CorpusSong.Stem plain = song.stems.get(i);
            assertEquals(plain.perturbGainDb, w.perturbGainDb, 0f);
            assertEquals(plain.tiltDb, w.tiltDb, 0f);
            assertEquals(0f, plain.resonanceDb, 0f);
            assertTrue(Math.abs(w.resonanceDb) <= CorpusSong.MAX_RESONANCE_DB);
            resonant |= Math.abs(w.resonanceDb) > 1;
            assertEquals(w.reference[MixParams.MID_PEAK_DB] - w.resonanceDb, w.ideal[MixParams.MID_PEAK_DB], 0f);
            ideal[i] = w.ideal;
        }
        assertTrue(resonant, "no stem got a resonance worth the name");
        double corrected = MixComparison.compare(
                        wide.referenceMix(RENDER), 44100, wide.mix(RENDER, wide.constant(RENDER, ideal)), 44100, false)
                .mrStft
                .distance;
        assertTrue(corrected < 0.01, "ideal correction vs reference: " + corrected);

        float[] x = new float[2 * 44100];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < x.length; i += 2) {
            x[i] = x[i + 1] = (float) (r.nextDouble() - 0.5);
        }
        float[] resonated = CorpusSong.perturb(x, 0f, 0f, -4.7f, RENDER);
        float[] left = new float[x.length / 2];
        float[] right = new float[x.length / 2];
        for (int i = 0; i < left.length; i++) {
            left[i] = resonated[2 * i];
            right[i] = resonated[2 * i + 1];
        }
        BiquadCascade undo = new BiquadCascade(1, 2);
        undo.set(0, Biquad.peaking(44100, RENDER.midPeakHz, RENDER.midPeakQ, 4.7));
        undo.process(left, right, 0, left.length);
        for (int i = 0; i < left.length; i++) {
            assertEquals(x[2 * i], left[i], 1e-4);
        }
    }

    /**
     * A ROOM recording puts each clean stem in a room of its own before anything is measured: the stems sound
     * different (each is the dry stem convolved with its response), the levels and tilts are the dry corpus's own, and
     * the ideal corrections still rebuild the reference mix.
     */
    @Test
    void aRoomRecordingChangesTheTimbresNotTheIdealCorrections() throws Exception {
        CorpusSong room = CorpusSong.generate(
                        3,
                        new Composer(8),
                        new MidiSynth(44100, null),
                        Voicing.of(new MidiSynth(44100, null)),
                        Recording.ROOM,
                        Perturbation.LEVEL_TILT,
                        RENDER,
                        1)
                .get(0);
        float[][] ideal = new float[room.stems.size()][];
        for (int i = 0; i < ideal.length; i++) {
            CorpusSong.Stem wet = room.stems.get(i);
            CorpusSong.Stem dry = song.stems.get(i);
            assertEquals(dry.perturbGainDb, wet.perturbGainDb, 0f);
            assertEquals(dry.tiltDb, wet.tiltDb, 0f);
            assertFalse(Arrays.equals(dry.clean, wet.clean), wet.name + " sounds as dry");
            ideal[i] = wet.ideal;
        }
        double corrected = MixComparison.compare(
                        room.referenceMix(RENDER), 44100, room.mix(RENDER, room.constant(RENDER, ideal)), 44100, false)
                .mrStft
                .distance;
        assertTrue(corrected < 0.01, "ideal correction vs reference: " + corrected);
        double dryVsRoom = MixComparison.compare(
                        song.referenceMix(RENDER), 44100, room.referenceMix(RENDER), 44100, false)
                .mrStft
                .distance;
        assertTrue(dryVsRoom > 0.05, "the room is audible in the reference mix: " + dryVsRoom);
    }
}
