package ai.aimix.tournament;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.corpus.Composer;
import ai.aimix.corpus.CorpusSong;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.schema.StemRole;
import org.junit.jupiter.api.Test;

class SimulatedListenerTest {
    static final RenderSettings RENDER = RenderSettings.builder(44100).build();

    /** The ideal mix beats the plain sum for every listener; a vocal lover prefers louder vocals, others do not. */
    @Test
    void listenersPreferTheMixCloserToTheirTaste() throws Exception {
        CorpusSong song = null;
        for (long seed = 1; song == null; seed++) {
            CorpusSong s = CorpusSong.generate(seed, new Composer(6), new MidiSynth(44100, null), RENDER);
            if (s.stems.stream().anyMatch(x -> x.role == StemRole.VOCALS)) {
                song = s;
            }
        }
        int n = song.stems.size();
        float[][] ideal = new float[n][];
        float[][] sum = new float[n][];
        float[][] vocalsUp = new float[n][];
        for (int i = 0; i < n; i++) {
            ideal[i] = song.stems.get(i).ideal;
            sum[i] = MixParams.neutral();
            vocalsUp[i] = song.stems.get(i).ideal.clone();
            if (song.stems.get(i).role == StemRole.VOCALS) {
                vocalsUp[i][MixParams.GAIN_DB] += 4;
            }
        }
        float[][] good = song.mix(RENDER, song.constant(RENDER, ideal));
        float[][] bad = song.mix(RENDER, song.constant(RENDER, sum));
        float[][] louder = song.mix(RENDER, song.constant(RENDER, vocalsUp));
        float[][] plainReference = song.referenceMix(RENDER);
        float[][] vocalReference = song.referenceMix(RENDER, StemRole.VOCALS, 4f);

        SimulatedListener neutral = new SimulatedListener("n", null, 0f, 0.05, 0.005, 10, 1);
        SimulatedListener vocalLover = new SimulatedListener("v", StemRole.VOCALS, 4f, 0.05, 0.005, 10, 2);
        SimulatedListener.Judgement first = neutral.judge(good, bad, plainReference, 44100);
        long audio = 1000L * song.frames / 44100;
        assertTrue(first.listenedMillis() >= audio - 1 && first.listenedMillis() <= 2 * audio + 1);
        double goodN = first.distanceA();
        double badN = first.distanceB();
        double louderN = SimulatedListener.distance(plainReference, louder, 44100);
        double louderV = SimulatedListener.distance(vocalReference, louder, 44100);
        double goodV = SimulatedListener.distance(vocalReference, good, 44100);
        assertTrue(louderV < goodV && goodN < louderN, "each listener's reference is closest to their taste");
        int goodWins = 0;
        int loverPrefersLouder = 0;
        int neutralPrefersLouder = 0;
        for (int i = 0; i < 40; i++) {
            goodWins += neutral.judge(goodN, badN, audio).outcome() == PairCounts.Outcome.FIRST ? 1 : 0;
            loverPrefersLouder += vocalLover.judge(louderV, goodV, audio).outcome() == PairCounts.Outcome.FIRST ? 1 : 0;
            neutralPrefersLouder += neutral.judge(louderN, goodN, audio).outcome() == PairCounts.Outcome.FIRST ? 1 : 0;
        }
        assertEquals(40, goodWins, "the reference-like mix always beats the plain sum");
        assertTrue(loverPrefersLouder >= 36, "vocal lover: " + loverPrefersLouder + "/40");
        assertTrue(neutralPrefersLouder <= 4, "neutral listener: " + neutralPrefersLouder + "/40");
    }
}
