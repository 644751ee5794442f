package ai.aimix.gateway.arena;

import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The songs battles are mixed from. The built-in pool is generated in code ({@link SongGenerator}: drums, bass, keys,
 * lead and more, from a seed) the first time a battle needs a song, so a fresh service has an arena to vote in without
 * any upload; a song is a seed and a stem count, its audio made again when a battle needs it (a 12 s song of 8 stems
 * is 8 MB of samples: kept, a dozen would be a hundred).
 */
public final class SongPool {
    /** A song of the pool: {@code id} as battles name it. */
    public record Song(String id, long seed, int stemCount, int sampleRate, double seconds) {
        /** Its stems, generated (the same every time). */
        public List<StemInput> generate() {
            return new SongGenerator(seed, sampleRate).generate(seconds, stemCount);
        }
    }

    private final List<Song> songs;

    private SongPool(List<Song> songs) {
        this.songs = List.copyOf(songs);
    }

    /** {@code n} generated songs of {@code seconds} at {@code sampleRate}, 5 to 8 stems each, from {@code seed}. */
    public static SongPool builtIn(int n, double seconds, int sampleRate, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Song> songs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int stems = SongGenerator.MIN_STEMS + r.nextInt(SongGenerator.MAX_STEMS - SongGenerator.MIN_STEMS + 1);
            songs.add(new Song("pool-" + (i + 1), r.nextLong(), stems, sampleRate, seconds));
        }
        return new SongPool(songs);
    }

    public List<Song> songs() {
        return songs;
    }

    /** A song drawn at random. */
    public Song draw(SplittableRandom random) {
        return songs.get(random.nextInt(songs.size()));
    }
}
