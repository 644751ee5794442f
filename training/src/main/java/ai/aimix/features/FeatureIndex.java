package ai.aimix.features;

import java.util.ArrayList;
import java.util.List;

/**
 * The feature store's index ({@code index.json}): how the features were computed, and per song its split, its
 * stems with roles, perturbations and ideal corrections, and the file holding its log-mel segments. Plain fields
 * for JSON.
 */
public final class FeatureIndex {
    /** 2: each song has its stems' descriptors beside its log-mel ({@code descriptorsFile}, {@code descriptors}). */
    public static final int VERSION = 2;

    public int version = VERSION;
    public int sampleRate;
    public int segmentFrames;
    public int nFft;
    public int hop;
    public int bands;
    public String dtype;
    /** The instruments the stems were rendered with: the banks' names, comma-separated (a sound font's, or gervill-builtin). */
    public String sounds;
    /** How the unmixed inputs were perturbed ({@code Perturbation}; null in older indexes: LEVEL_TILT). */
    public String perturbation;
    /** How many parts the songs have ({@code Arrangement}; null for STANDARD, as in older indexes). */
    public String arrangement;
    /** How the clean stems were recorded ({@code Recording}; null for DRY, as in older indexes). */
    public String recording;

    /** The genre of the unseen split ({@code Voicing}), or null for none. */
    public String unseenGenre;
    /** The sound bank only the unseen split plays, or null. */
    public String unseenBank;

    public int bars;
    /** The names of the stem descriptors in each song's descriptors file, in order ({@code StemDescriptors.NAMES}). */
    public List<String> descriptors = new ArrayList<>();

    public List<SongRecord> songs = new ArrayList<>();

    /** One song. */
    public static final class SongRecord {
        public long seed;
        /** 0: the song's own perturbation; 1, 2, ...: more perturbations of the same clean stems (training only). */
        public int variant;

        public String split;
        public String genre;
        public double bpm;
        public int tonic;
        public boolean minor;
        public int frames;
        /** Relative to the index's folder: an .npy of shape [stems, segments, bands, maxFrames]. */
        public String file;
        /** Mel frames of each segment (the rest of maxFrames is padding). */
        public int[] segmentMelFrames;

        public int maxFrames;
        /** The stems as 16-bit stereo PCM would take, and the feature file. */
        public long pcmBytes;

        public long featureBytes;
        /** Relative to the index's folder: an .npy of shape [stems, segments, descriptors], float32. */
        public String descriptorsFile;

        public List<StemRecord> stems = new ArrayList<>();
    }

    /** One stem of a song. */
    public static final class StemRecord {
        public String name;
        public String role;
        public int program;
        public double cleanLufs;
        public float perturbGainDb;
        public float tiltDb;
        /** The resonance at the mid peak, dB ({@code Perturbation.WIDE}; 0 otherwise). */
        public float resonanceDb;
        /** Reference and ideal parameters, in MixParams order. */
        public float[] reference;

        public float[] ideal;
        /** The sound bank that played it. */
        public String sounds;
    }

    /** The split's songs with their own perturbation only (variant 0): what validation and the benchmark use. */
    public List<SongRecord> originals(String split) {
        List<SongRecord> out = new ArrayList<>();
        for (SongRecord s : split(split)) {
            if (s.variant == 0) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every record of the split, variants included. */
    public List<SongRecord> split(String split) {
        List<SongRecord> out = new ArrayList<>();
        for (SongRecord s : songs) {
            if (s.split.equals(split)) {
                out.add(s);
            }
        }
        return out;
    }
}
