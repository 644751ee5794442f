package ai.aimix.gateway.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.tournament.taste.TasteProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A taste suggests the presets that move its louder roles up, strongest first, and nothing it does not act on. */
class TasteRecommendationsTest {
    static TasteProfile profile(double vocals, double drums, double bass) {
        double[] apply = {vocals, drums, bass};
        return new TasteProfile("l_x", 30, apply.clone(), new double[] {0.5, 0.5, 0.5}, apply);
    }

    @Test
    void louderRolesSuggestTheirPresetsStrongestFirst() {
        List<TasteRecommendations.Suggestion> s = TasteRecommendations.of(profile(1.5, 3.0, 0));
        assertEquals(
                List.of("punchy-drums", "vocal-forward"),
                s.stream().map(TasteRecommendations.Suggestion::preset).toList());
        assertTrue(s.get(0).because().contains("drums 3.0 dB louder"), s.get(0).because());
        assertEquals("warm", TasteRecommendations.of(profile(0, 0, 2)).get(0).preset());
    }

    @Test
    void softerSmallOrNoPreferencesSuggestNothing() {
        assertTrue(TasteRecommendations.of(profile(-3, -2, 0.5)).isEmpty());
        assertTrue(TasteRecommendations.of(null).isEmpty());
    }
}
