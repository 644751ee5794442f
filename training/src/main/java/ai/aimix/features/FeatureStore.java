package ai.aimix.features;

import ai.aimix.corpus.CorpusSong;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.io.Npy;
import ai.aimix.dsp.io.NpyArray;
import ai.aimix.dsp.spectral.Decibels;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.dsp.spectral.StemMel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Log-mel features of the corpus on disk, for training: per song one {@code .npy} of shape
 * [stems, segments, bands, maxFrames] holding every unmixed stem's log-mel (dB) per segment as the mix job computes
 * it, in float16 (11 significant bits: 0.03 dB resolution at the loudest values, far below anything audible), beside
 * it the stems' {@link StemDescriptors} per segment (loudness, peak, crest, octave balance) in float32, and
 * {@code index.json} ({@link FeatureIndex}) with the songs' splits, roles, perturbations and ideal corrections.
 */
public final class FeatureStore {
    public static final String INDEX = "index.json";
    /** Beside each song's log-mel file: its stems' descriptors per segment, [stems, segments, descriptors], float32. */
    public static final String DESCRIPTORS_SUFFIX = ".descriptors.npy";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public FeatureStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Computes and writes one song's features; returns its index record (not yet in the index file). */
    public FeatureIndex.SongRecord write(CorpusSong song, StemMel mel, int segmentFrames) throws IOException {
        int stems = song.stems.size();
        float[][][] mels = new float[stems][][];
        int segmentCount = (song.frames + segmentFrames - 1) / segmentFrames;
        float[] descriptors = new float[stems * segmentCount * StemDescriptors.COUNT];
        for (int i = 0; i < stems; i++) {
            StemDescriptors d = new StemDescriptors(song.sampleRate, 2, mel.nFft());
            int base = i * segmentCount * StemDescriptors.COUNT;
            mels[i] = SegmentMels.of(
                    mel,
                    song.stems.get(i).unmixed,
                    2,
                    song.frames,
                    segmentFrames,
                    1,
                    d.powerTap(),
                    (k, part, n) -> d.segment(part, 0, n, descriptors, base + k * StemDescriptors.COUNT));
        }
        int segments = mels[0].length;
        int bands = mel.bands();
        int[] frames = new int[segments];
        int max = 0;
        for (int k = 0; k < segments; k++) {
            frames[k] = mels[0][k].length / bands;
            max = Math.max(max, frames[k]);
        }
        float[] all = new float[stems * segments * bands * max];
        Arrays.fill(all, Decibels.FLOOR_DB);
        for (int i = 0; i < stems; i++) {
            for (int k = 0; k < segments; k++) {
                float[] m = SegmentMels.pad(mels[i][k], bands, frames[k], max);
                System.arraycopy(m, 0, all, ((i * segments) + k) * bands * max, m.length);
            }
        }
        Path file = dir.resolve("features")
                .resolve("song-" + song.seed() + (song.variant == 0 ? "" : "-v" + song.variant) + ".npy");
        Files.createDirectories(file.getParent());
        Npy.write(file, NpyArray.ofFloats(all, stems, segments, bands, max), Npy.Dtype.FLOAT16);
        Path described = file.resolveSibling(file.getFileName().toString().replace(".npy", DESCRIPTORS_SUFFIX));
        Npy.write(described, NpyArray.ofFloats(descriptors, stems, segments, StemDescriptors.COUNT), Npy.Dtype.FLOAT32);

        FeatureIndex.SongRecord r = new FeatureIndex.SongRecord();
        r.seed = song.seed();
        r.variant = song.variant;
        r.split = song.split.name();
        r.genre = song.song.genre().name();
        r.bpm = song.song.bpm();
        r.tonic = song.song.tonic();
        r.minor = song.song.minor();
        r.frames = song.frames;
        r.file = dir.relativize(file).toString();
        r.segmentMelFrames = frames;
        r.maxFrames = max;
        r.pcmBytes = (long) stems * song.frames * 2 * 2;
        r.featureBytes = Files.size(file);
        r.descriptorsFile = dir.relativize(described).toString();
        for (CorpusSong.Stem s : song.stems) {
            FeatureIndex.StemRecord st = new FeatureIndex.StemRecord();
            st.name = s.name;
            st.role = s.role.name();
            st.program = s.program;
            st.cleanLufs = s.cleanLufs;
            st.perturbGainDb = s.perturbGainDb;
            st.tiltDb = s.tiltDb;
            st.resonanceDb = s.resonanceDb;
            st.reference = s.reference;
            st.ideal = s.ideal;
            st.sounds = s.sounds;
            r.stems.add(st);
        }
        return r;
    }

    public void writeIndex(FeatureIndex index) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(INDEX + ".tmp");
        JSON.writeValue(tmp.toFile(), index);
        Files.move(tmp, dir.resolve(INDEX), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public FeatureIndex readIndex() throws IOException {
        Path f = dir.resolve(INDEX);
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f + " (build the features first: ./aimix corpus build)");
        }
        FeatureIndex index = JSON.readValue(f.toFile(), FeatureIndex.class);
        if (index.version != FeatureIndex.VERSION) {
            throw new IOException(
                    f + ": index version " + index.version + ", this build reads " + FeatureIndex.VERSION);
        }
        return index;
    }

    /** A song's stem descriptors ({@link StemDescriptors}), [stems][segments][descriptor]. */
    public float[][][] readDescriptors(FeatureIndex.SongRecord song) throws IOException {
        NpyArray a = Npy.read(dir.resolve(song.descriptorsFile));
        int[] shape = a.shape();
        if (shape.length != 3
                || shape[0] != song.stems.size()
                || shape[1] != song.segmentMelFrames.length
                || shape[2] != StemDescriptors.COUNT) {
            throw new IOException(
                    song.descriptorsFile + ": shape " + Arrays.toString(shape) + " does not match the index");
        }
        float[] all = a.floats();
        float[][][] out = new float[shape[0]][shape[1]][];
        for (int i = 0; i < shape[0]; i++) {
            for (int k = 0; k < shape[1]; k++) {
                int at = (i * shape[1] + k) * shape[2];
                out[i][k] = Arrays.copyOfRange(all, at, at + shape[2]);
            }
        }
        return out;
    }

    /** A song's features as floats, [stems][segments][bands x maxFrames]. */
    public float[][][] read(FeatureIndex.SongRecord song, int bands) throws IOException {
        NpyArray a = Npy.read(dir.resolve(song.file));
        int[] shape = a.shape();
        if (shape.length != 4
                || shape[0] != song.stems.size()
                || shape[1] != song.segmentMelFrames.length
                || shape[2] != bands
                || shape[3] != song.maxFrames) {
            throw new IOException(song.file + ": shape " + Arrays.toString(shape) + " does not match the index");
        }
        float[] all = a.floats();
        float[][][] out = new float[shape[0]][shape[1]][];
        int size = bands * song.maxFrames;
        for (int i = 0; i < shape[0]; i++) {
            for (int k = 0; k < shape[1]; k++) {
                out[i][k] = Arrays.copyOfRange(all, (i * shape[1] + k) * size, (i * shape[1] + k + 1) * size);
            }
        }
        return out;
    }

    /** One segment of a stem at exactly its own mel frames (the padding removed). */
    public static float[] segment(float[] padded, int bands, int maxFrames, int frames) {
        if (frames == maxFrames) {
            return padded;
        }
        float[] out = new float[bands * frames];
        for (int b = 0; b < bands; b++) {
            System.arraycopy(padded, b * maxFrames, out, b * frames, frames);
        }
        return out;
    }
}
