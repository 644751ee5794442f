package ai.aimix.dsp.spectral;

/** Power to decibels as librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=None). */
public final class Decibels {
    public static final float AMIN = 1e-10f;
    /** The dB value of silence: 10 log10(AMIN). */
    public static final float FLOOR_DB = -100f;

    private Decibels() {}

    public static float powerToDb(float power) {
        return (float) (10.0 * Math.log10(Math.max(power, AMIN)));
    }
}
