package ai.aimix.corpus;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.schema.StemRole;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The engineering rules of the corpus's reference mixes, expressed in the service's own per-stem parameters so the
 * ideal correction of a perturbed stem is known exactly:
 * <ul>
 *   <li><b>Relative loudness by role</b>: each stem's gain brings its integrated loudness (BS.1770) to the role's
 *       level relative to the lead element ({@link #relativeLoudness}); then every gain of the song is shifted so
 *       the largest is {@link #MAX_GAIN_DB} and clamped to [{@link #MIN_GAIN_DB}, {@link #MAX_GAIN_DB}].</li>
 *   <li><b>Panning by role</b> ({@link #pan}): the rhythm section and the lead centred, the rest spread; a second
 *       stem of the same role goes to the mirrored side.</li>
 *   <li><b>Low cut on every stem but bass and drums</b> (the kick lives there): the renderer's low shelf at
 *       {@link #LOW_CUT_DB} (the strongest cut its parameter range leaves room for after the perturbation's
 *       tilt).</li>
 *   <li><b>Air on voices</b>: {@link #VOICE_AIR_DB} high shelf on vocals and backing vocals.</li>
 *   <li><b>Compression</b> of vocals (3:1), bass (4:1) and drums (2.5:1), threshold {@link #COMP_ABOVE_LOUDNESS_DB}
 *       dB above the stem's own loudness; other stems uncompressed.</li>
 *   <li>The master: the renderer's loudness normalisation to -14 LUFS and its -1 dBTP limiter.</li>
 * </ul>
 */
public final class MixRules {
    public static final float MAX_GAIN_DB = -3f;
    public static final float MIN_GAIN_DB = -15f;
    public static final float LOW_CUT_DB = -6f;
    public static final float VOICE_AIR_DB = 2f;
    public static final float COMP_ABOVE_LOUDNESS_DB = 6f;

    private static final Map<StemRole, Float> LOUDNESS = new EnumMap<>(StemRole.class);
    private static final Map<StemRole, Float> PAN = new EnumMap<>(StemRole.class);

    static {
        put(StemRole.VOCALS, 0, 0);
        put(StemRole.LEAD, -1, 0.15f);
        put(StemRole.DRUMS, -2, 0);
        put(StemRole.BASS, -3, 0);
        put(StemRole.GUITAR, -6, -0.5f);
        put(StemRole.KEYS, -6, 0.4f);
        put(StemRole.BACKING_VOCALS, -7, -0.4f);
        put(StemRole.BRASS, -7, 0.35f);
        put(StemRole.STRINGS, -8, -0.3f);
        put(StemRole.SYNTH, -9, -0.45f);
        put(StemRole.PAD, -10, 0);
        put(StemRole.PERCUSSION, -12, 0.6f);
        put(StemRole.FX, -12, -0.6f);
        put(StemRole.OTHER, -8, 0.2f);
    }

    private static void put(StemRole role, float loudness, float pan) {
        LOUDNESS.put(role, loudness);
        PAN.put(role, pan);
    }

    private MixRules() {}

    /** The role's loudness relative to the lead element, LU. */
    public static float relativeLoudness(StemRole role) {
        return LOUDNESS.get(role);
    }

    public static float pan(StemRole role) {
        return PAN.get(role);
    }

    /**
     * The reference parameters of every stem of a song.
     *
     * @param roles    the stems' roles, in stem order
     * @param loudness the clean stems' integrated loudness, LUFS (silent stems: -70)
     */
    public static float[][] reference(List<StemRole> roles, double[] loudness) {
        int n = roles.size();
        float[][] out = new float[n][];
        double[] gain = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            gain[i] = relativeLoudness(roles.get(i)) - loudness[i];
            max = Math.max(max, gain[i]);
        }
        Map<StemRole, Integer> seen = new EnumMap<>(StemRole.class);
        for (int i = 0; i < n; i++) {
            StemRole role = roles.get(i);
            float[] p = MixParams.neutral();
            p[MixParams.GAIN_DB] = (float) Math.max(MIN_GAIN_DB, Math.min(MAX_GAIN_DB, gain[i] - max + MAX_GAIN_DB));
            int k = seen.merge(role, 1, Integer::sum);
            p[MixParams.PAN] = k % 2 == 0 ? -pan(role) : pan(role);
            if (role != StemRole.BASS && role != StemRole.DRUMS) {
                p[MixParams.LOW_SHELF_DB] = LOW_CUT_DB;
            }
            if (role == StemRole.VOCALS || role == StemRole.BACKING_VOCALS) {
                p[MixParams.HIGH_SHELF_DB] = VOICE_AIR_DB;
            }
            float ratio =
                    role == StemRole.VOCALS ? 3f : role == StemRole.BASS ? 4f : role == StemRole.DRUMS ? 2.5f : 1f;
            if (ratio > 1) {
                p[MixParams.COMP_RATIO] = ratio;
                p[MixParams.COMP_THRESHOLD_DB] =
                        (float) Math.max(-48, Math.min(0, loudness[i] + COMP_ABOVE_LOUDNESS_DB));
            }
            out[i] = p;
        }
        return out;
    }
}
