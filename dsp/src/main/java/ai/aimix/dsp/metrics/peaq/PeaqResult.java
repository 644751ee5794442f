package ai.aimix.dsp.metrics.peaq;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** PEAQ basic version output: the eleven model output variables, the distortion index and the ODG. */
public final class PeaqResult {
    /** MOV names in the order the neural network takes them. */
    public static final String[] MOV_NAMES = {
        "BandwidthRefB",
        "BandwidthTestB",
        "Total NMRB",
        "WinModDiff1B",
        "ADBB",
        "EHSB",
        "AvgModDiff1B",
        "AvgModDiff2B",
        "RmsNoiseLoudB",
        "MFPDB",
        "RelDistFramesB"
    };

    private final double[] movs;
    private final double distortionIndex;
    private final double odg;
    private final int frames;

    PeaqResult(double[] movs, double distortionIndex, double odg, int frames) {
        this.movs = movs.clone();
        this.distortionIndex = distortionIndex;
        this.odg = odg;
        this.frames = frames;
    }

    /** Objective difference grade: 0 imperceptible, -1 perceptible but not annoying, ... -4 very annoying. */
    public double odg() {
        return odg;
    }

    public double distortionIndex() {
        return distortionIndex;
    }

    /** Frames (2048 samples, hop 1024 at 48 kHz) that entered the averages. */
    public int frames() {
        return frames;
    }

    public double[] movArray() {
        return movs.clone();
    }

    /** MOVs by name, in network order. */
    public Map<String, Double> movs() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < movs.length; i++) {
            m.put(MOV_NAMES[i], movs[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return String.format("PEAQ basic: ODG %.3f, DI %.3f over %d frames %s", odg, distortionIndex, frames, movs());
    }
}
