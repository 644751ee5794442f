package ai.aimix.tournament.taste;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.schema.StemRole;
import java.util.List;

/**
 * The level of a role in a mix, read from the mix's parameters: the mean gain (dB) of the role's stems over the
 * segments where they play. A taste is about levels relative to what the model decided, so the measurable difference
 * a listener reacts to is a mix's role level minus the champion's for the same song ({@link #offsets}).
 */
public final class RoleLevels {
    private RoleLevels() {}

    /**
     * Per role of {@code roles}: the mean gain of its stems in {@code schedule} minus that in {@code champion}, over
     * the segments where each stem is {@code active} (over all segments for a role that is never active); 0 for a role
     * the song does not have.
     *
     * @param schedule per segment, per stem, the parameters ({@link MixParams} order)
     */
    public static double[] offsets(
            float[][][] schedule,
            float[][][] champion,
            List<StemRole> stems,
            boolean[][] active,
            List<StemRole> roles) {
        double[] out = new double[roles.size()];
        for (int r = 0; r < roles.size(); r++) {
            double sum = 0;
            int count = 0;
            for (boolean activeOnly : new boolean[] {true, false}) {
                for (int k = 0; k < schedule.length; k++) {
                    for (int i = 0; i < stems.size(); i++) {
                        if (stems.get(i) == roles.get(r) && (active[k][i] || !activeOnly)) {
                            sum += schedule[k][i][MixParams.GAIN_DB] - champion[k][i][MixParams.GAIN_DB];
                            count++;
                        }
                    }
                }
                if (count > 0) {
                    break;
                }
            }
            out[r] = count == 0 ? 0 : sum / count;
        }
        return out;
    }

    /**
     * {@code champion} with every stem of role {@code roles[r]} {@code offsetsDb[r]} louder in every segment, the
     * gain clamped to the parameter's range ({@code minGain}, {@code maxGain}).
     */
    public static float[][][] shifted(
            float[][][] champion,
            List<StemRole> stems,
            List<StemRole> roles,
            double[] offsetsDb,
            float minGain,
            float maxGain) {
        float[][][] out = new float[champion.length][][];
        for (int k = 0; k < champion.length; k++) {
            out[k] = new float[champion[k].length][];
            for (int i = 0; i < champion[k].length; i++) {
                out[k][i] = champion[k][i].clone();
                int r = roles.indexOf(stems.get(i));
                if (r >= 0) {
                    float g = out[k][i][MixParams.GAIN_DB] + (float) offsetsDb[r];
                    out[k][i][MixParams.GAIN_DB] = Math.max(minGain, Math.min(maxGain, g));
                }
            }
        }
        return out;
    }
}
