package ai.aimix.gateway.arena;

import ai.aimix.gateway.mix.Preset;
import ai.aimix.schema.StemRole;
import ai.aimix.tournament.taste.TasteProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Built-in presets a listener's taste points to, each with the reason: a profile that wants a role louder than the
 * model's mix (by at least {@link #MIN_DB}, and only where the profile acts at all: clear and consistent) suggests the
 * preset that moves that role up — vocals: {@code vocal-forward}; drums: {@code punchy-drums}; bass: {@code warm}
 * (its low shelf lifts the low end the bass lives in). "Mixed for you" applies the measured offsets themselves; a
 * preset is the named, shareable starting point the studio's controls already know.
 */
public final class TasteRecommendations {
    /** A preference smaller than this is not worth a preset that moves the role by 2-3 dB. */
    static final double MIN_DB = 1;

    private static final Map<StemRole, String> PRESET_FOR_LOUDER =
            Map.of(StemRole.VOCALS, "vocal-forward", StemRole.DRUMS, "punchy-drums", StemRole.BASS, "warm");

    /** A suggested preset and why. */
    public record Suggestion(String preset, String because) {}

    private TasteRecommendations() {}

    /** The presets {@code p} suggests, strongest preference first; none for no profile. */
    public static List<Suggestion> of(TasteProfile p) {
        List<double[]> wanted = new ArrayList<>(); // {role index, dB}
        if (p != null) {
            for (int r = 0; r < TasteProfile.ROLES.size(); r++) {
                if (p.applyDb()[r] >= MIN_DB) {
                    wanted.add(new double[] {r, p.applyDb()[r]});
                }
            }
        }
        wanted.sort((a, b) -> Double.compare(b[1], a[1]));
        List<Suggestion> out = new ArrayList<>();
        for (double[] w : wanted) {
            StemRole role = TasteProfile.ROLES.get((int) w[0]);
            String preset = PRESET_FOR_LOUDER.get(role);
            if (preset != null && Preset.BUILT_IN.containsKey(preset)) {
                out.add(new Suggestion(
                        preset,
                        String.format(
                                Locale.ROOT,
                                "your votes prefer the %s %.1f dB louder than the model puts them",
                                role.name().toLowerCase(Locale.ROOT),
                                w[1])));
            }
        }
        return out;
    }
}
