package ai.aimix.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.corpus.Composer;
import ai.aimix.corpus.CorpusSong;
import ai.aimix.corpus.MidiSynth;
import ai.aimix.dsp.descriptors.StemDescriptors;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.dsp.spectral.SegmentMels;
import ai.aimix.dsp.spectral.StemMel;
import ai.aimix.dsp.spectral.StreamingLogMel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStoreTest {
    static final RenderSettings RENDER = RenderSettings.builder(44100).build();

    @Test
    void featuresAreTheJobsLogMelInFloat16WithAnIndex(@TempDir Path dir) throws Exception {
        MidiSynth synth = new MidiSynth(44100, null);
        FeatureStore store = new FeatureStore(dir);
        List<Long> seen = new ArrayList<>();
        FeatureIndex index = new CorpusBuilder(
                        new CorpusBuilder.Settings(8, 44100, 65536, 2048, 512, 128), RENDER, synth, 2)
                .build(store, 40, 3, r -> seen.add(r.seed));
        assertEquals(3, seen.size());
        FeatureIndex back = store.readIndex();
        assertEquals(3, back.songs.size());
        assertEquals(
                List.of(40L, 41L, 42L), back.songs.stream().map(s -> s.seed).toList());
        assertEquals("float16", back.dtype);

        FeatureIndex.SongRecord rec = back.songs.get(1);
        CorpusSong song = CorpusSong.generate(41, new Composer(8), synth, RENDER);
        assertEquals(song.split.name(), rec.split);
        assertEquals(song.stems.size(), rec.stems.size());
        assertArrayEquals(song.stems.get(0).ideal, rec.stems.get(0).ideal);
        // segment 0 has 127 frames (no previous samples), the following full segments 128
        assertEquals(127, rec.segmentMelFrames[0]);
        assertEquals(128, rec.segmentMelFrames[1]);
        assertEquals(song.segments(RENDER), rec.segmentMelFrames.length);

        StemMel mel = new StemMel(44100, 2048, 512, 128);
        float[][][] features = store.read(rec, 128);
        double maxError = 0;
        for (int i = 0; i < song.stems.size(); i++) {
            float[][] expected = SegmentMels.of(mel, song.stems.get(i).unmixed, 2, song.frames, 65536, 1);
            for (int k = 0; k < expected.length; k++) {
                float[] got = FeatureStore.segment(features[i][k], 128, rec.maxFrames, rec.segmentMelFrames[k]);
                assertEquals(expected[k].length, got.length);
                for (int j = 0; j < got.length; j++) {
                    maxError = Math.max(maxError, Math.abs(expected[k][j] - got[j]));
                }
            }
        }
        // float16 keeps 11 significant bits: half a step of 0.0625 between 64 and 128 dB
        assertTrue(maxError <= 0.03125, "float16 error " + maxError + " dB");

        // beside the log-mel, each stem's descriptors per segment: those the stem measures segment by segment
        assertEquals(StemDescriptors.NAMES, back.descriptors);
        float[][][] described = store.readDescriptors(rec);
        for (int i = 0; i < song.stems.size(); i++) {
            StemDescriptors d = new StemDescriptors(44100, 2, 2048);
            float[] stem = song.stems.get(i).unmixed;
            StreamingLogMel stream = mel.restore(mel.initialState());
            stream.tap(d.powerTap());
            for (int k = 0; k < rec.segmentMelFrames.length; k++) {
                int n = Math.min(65536, song.frames - k * 65536);
                float[] part = Arrays.copyOf(
                        Arrays.copyOfRange(stem, Math.min(stem.length, 2 * k * 65536), stem.length), 2 * n);
                boolean last = k == rec.segmentMelFrames.length - 1;
                int t = stream.framesFor(n, last);
                StemMel.compute(stream, part, 2, n, last, new float[128 * t], t);
                float[] expected = new float[StemDescriptors.COUNT];
                d.segment(part, 0, n, expected, 0);
                assertArrayEquals(expected, described[i][k], 0f, "stem " + i + " segment " + k);
            }
        }
        assertTrue(described[0][1][StemDescriptors.INTEGRATED_LUFS] > -60, "a playing stem is measured");

        long pcm = 0;
        long stored = 0;
        for (FeatureIndex.SongRecord s : back.songs) {
            pcm += s.pcmBytes;
            stored += s.featureBytes;
            assertEquals(Files.size(dir.resolve(s.file)), s.featureBytes);
        }
        double reduction = 1 - (double) stored / pcm;
        assertTrue(reduction >= 0.80, "storage reduction " + reduction);
    }

    @Test
    void aMissingOrForeignIndexIsAClearError(@TempDir Path dir) throws Exception {
        FeatureStore store = new FeatureStore(dir);
        NoSuchFileException none = assertThrows(NoSuchFileException.class, store::readIndex);
        assertTrue(none.getMessage().contains("corpus build"), none.getMessage());
        FeatureIndex future = new FeatureIndex();
        future.version = FeatureIndex.VERSION + 1;
        store.writeIndex(future);
        IOException e = assertThrows(IOException.class, store::readIndex);
        assertTrue(e.getMessage().contains("index version"), e.getMessage());
    }

    /** Augmentation at the audio level: training songs get more perturbations of the same clean stems. */
    @Test
    void trainingSongsGetExtraPerturbations(@TempDir Path dir) throws Exception {
        FeatureStore store = new FeatureStore(dir);
        // seeds 1..4: validation, train, test, validation
        FeatureIndex index = new CorpusBuilder(
                        new CorpusBuilder.Settings(6, 44100, 65536, 2048, 512, 128).variants(3),
                        RENDER,
                        new MidiSynth(44100, null),
                        2)
                .build(store, 1, 4, r -> {});
        assertEquals(6, index.songs.size(), "4 songs + 2 extra versions of the one training song");
        assertEquals(3, index.split("TRAIN").size());
        assertEquals(1, index.originals("TRAIN").size());
        assertEquals(2, index.originals("VALIDATION").size());
        assertEquals(index.split("VALIDATION"), index.originals("VALIDATION"), "no variants outside training");
        FeatureIndex.SongRecord v0 = index.split("TRAIN").get(0);
        FeatureIndex.SongRecord v2 = index.split("TRAIN").get(2);
        assertEquals(2L, v0.seed);
        assertEquals(2, v2.variant);
        assertEquals(v0.seed, v2.seed);
        for (int i = 0; i < v0.stems.size(); i++) {
            assertArrayEquals(v0.stems.get(i).reference, v2.stems.get(i).reference, "same reference mix");
            assertTrue(v0.stems.get(i).perturbGainDb != v2.stems.get(i).perturbGainDb, "another gain");
        }
        assertTrue(!v0.file.equals(v2.file) && Files.exists(dir.resolve(v2.file)));
    }
}
