package ai.aimix.launcher.load;

import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.schema.StemRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The load test's songs: for each sample rate, one loop of generated 8-stem audio; a song of any length and 4 to
 * 12 stems is read from it (stems past the eighth are doubled parts: another stem's loop at another offset and
 * gain), its variation (offsets and gains) drawn from the song's seed. The same seed and shape give the same audio.
 */
final class LoadSongs {
    /** Seconds of generated audio looped per sample rate. */
    static final double LOOP_SECONDS = 20;

    static final int GENERATED_STEMS = SongGenerator.MAX_STEMS;

    private final Map<Integer, List<StemInput>> loops = new TreeMap<>();

    LoadSongs(List<Integer> sampleRates, long seed) {
        for (int rate : sampleRates) {
            loops.put(rate, new SongGenerator(seed + rate, rate).generate(LOOP_SECONDS, GENERATED_STEMS));
        }
    }

    /** A song's stems, read as they are sent. */
    List<StemInput> song(int sampleRate, double seconds, int stems, long seed) {
        List<StemInput> loop = loops.get(sampleRate);
        SplittableRandom r = new SplittableRandom(seed);
        long frames = Math.round(seconds * sampleRate);
        List<StemInput> out = new ArrayList<>(stems);
        for (int i = 0; i < stems; i++) {
            StemInput base = loop.get(i % GENERATED_STEMS);
            long offset = r.nextLong(base.audio.frames());
            float gain = (float) (0.5 + 0.5 * r.nextDouble());
            StemRole role = base.role;
            out.add(new StemInput(
                    (i < GENERATED_STEMS ? base.name : base.name + "-double") + "-" + i,
                    role,
                    new LoopedSource(base.audio, frames, offset, gain)));
        }
        return out;
    }
}
