package ai.aimix.gateway.arena;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.song.SongGenerator;
import ai.aimix.schema.StemRole;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The songs battles are mixed from: a built-in pool generated in code, and songs their owners offered to the arena.
 *
 * <p>The built-in pool ({@link SongGenerator}: drums, bass, keys, lead and more, from a seed) is generated the first
 * time a battle needs a song, so a fresh service has an arena to vote in without any upload; a song is a seed and a
 * stem count, its audio made again when a battle needs it (a 12 s song of 8 stems is 8 MB of samples: kept, a dozen
 * would be a hundred).
 *
 * <p>An offered song (a mix created with {@code "arena": true}) is kept as an excerpt of its stems, as long as the
 * arena's songs, in the replicas' shared store ({@code arena-songs/<mix id>/}: a WAV per stem and {@code song.json}),
 * so it outlives its mix and every replica and restart finds it. Half the battles are of offered songs while there are
 * any: the arena is for listeners' music first.
 */
public final class SongPool {
    /** A song battles can be mixed from. */
    public interface Song {
        /** As battles name it ({@code pool-3}; an offered song: its mix's id). */
        String id();

        int sampleRate();

        double seconds();

        /** Its stems (the same every time). */
        List<StemInput> generate() throws IOException;
    }

    /** A song of the built-in pool. */
    public record Generated(String id, long seed, int stemCount, int sampleRate, double seconds) implements Song {
        @Override
        public List<StemInput> generate() {
            return new SongGenerator(seed, sampleRate).generate(seconds, stemCount);
        }
    }

    /** An offered song: the excerpt of its stems kept in {@code dir}. */
    public record Offered(String id, Path dir, int sampleRate, double seconds) implements Song {
        @Override
        public List<StemInput> generate() throws IOException {
            JsonNode meta = JSON.readTree(dir.resolve(META).toFile());
            List<StemInput> out = new ArrayList<>();
            for (JsonNode s : meta.path("stems")) {
                Audio a = Wav.read(dir.resolve(s.path("index").asInt() + ".wav"));
                out.add(new StemInput(
                        s.path("name").asText(), StemRole.valueOf(s.path("role").asText()), a));
            }
            return out;
        }
    }

    static final String META = "song.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Generated> builtIn;
    private final List<Offered> offered = new CopyOnWriteArrayList<>();
    private final Path offeredDir;

    private SongPool(List<Generated> builtIn, Path offeredDir) {
        this.builtIn = List.copyOf(builtIn);
        this.offeredDir = offeredDir;
    }

    /**
     * {@code n} generated songs of {@code seconds} at {@code sampleRate}, 5 to 8 stems each, from {@code seed}; and the
     * offered songs in {@code offeredDir} (null: none).
     */
    public static SongPool of(int n, double seconds, int sampleRate, long seed, Path offeredDir) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<Generated> songs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int stems = SongGenerator.MIN_STEMS + r.nextInt(SongGenerator.MAX_STEMS - SongGenerator.MIN_STEMS + 1);
            songs.add(new Generated("pool-" + (i + 1), r.nextLong(), stems, sampleRate, seconds));
        }
        SongPool pool = new SongPool(songs, offeredDir);
        if (offeredDir != null) {
            Files.createDirectories(offeredDir);
            pool.reload();
        }
        return pool;
    }

    /** The offered songs in the store, another replica's included. */
    public void reload() throws IOException {
        if (offeredDir == null) {
            return;
        }
        offered.removeIf(o -> !Files.exists(o.dir())); // removed from the store (by its owner, or an operator)
        try (Stream<Path> dirs = Files.list(offeredDir)) {
            for (Path d : dirs.toList()) {
                Path meta = d.resolve(META);
                String id = d.getFileName().toString();
                if (id.startsWith(".")) {
                    continue; // a song being written (by this replica or another)
                }
                if (Files.exists(meta) && offered.stream().noneMatch(o -> o.id().equals(id))) {
                    JsonNode m = JSON.readTree(meta.toFile());
                    offered.add(new Offered(
                            id,
                            d,
                            m.path("sampleRate").asInt(),
                            m.path("seconds").asDouble()));
                }
            }
        }
    }

    /**
     * Keeps an offered song: its stems' excerpt ({@code stems}, each as long as the others), named {@code id}. Written
     * to a temporary directory and renamed, so a half-written song is never read.
     */
    public Offered offer(String id, List<StemInput> stems, int sampleRate) throws IOException {
        if (offeredDir == null) {
            throw new IOException("this pool keeps no offered songs");
        }
        Path dir = offeredDir.resolve(id);
        if (Files.exists(dir)) {
            throw new IOException("song " + id + " is in the pool already");
        }
        Path tmp = Files.createTempDirectory(offeredDir, ".offer-");
        try {
            write(tmp, stems, sampleRate);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(tmp);
            throw e;
        }
        Offered o = new Offered(id, dir, sampleRate, stems.get(0).seconds());
        offered.add(o);
        return o;
    }

    private static void write(Path tmp, List<StemInput> stems, int sampleRate) throws IOException {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("sampleRate", sampleRate);
        meta.put("seconds", stems.get(0).seconds());
        ArrayNode list = meta.putArray("stems");
        for (int i = 0; i < stems.size(); i++) {
            StemInput s = stems.get(i);
            Wav.write(tmp.resolve(i + ".wav"), s.audio, Wav.Encoding.FLOAT_32);
            list.addObject()
                    .put("index", i)
                    .put("name", s.name)
                    .put("role", s.role.name())
                    .put("channels", s.channels());
        }
        JSON.writeValue(tmp.resolve(META).toFile(), meta);
    }

    public List<Generated> builtIn() {
        return builtIn;
    }

    public List<Offered> offered() {
        return List.copyOf(offered);
    }

    /** A song drawn at random: an offered one half the time while there are any. */
    public Song draw(SplittableRandom random) {
        List<Offered> mine = offered;
        if (!mine.isEmpty() && random.nextBoolean()) {
            return mine.get(random.nextInt(mine.size()));
        }
        return builtIn.get(random.nextInt(builtIn.size()));
    }
}
