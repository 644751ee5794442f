package ai.aimix.schema.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Every released version of a record schema, kept as {@code avro-history/<full name>/v1.avsc, v2.avsc, ...}
 * on the class path. The newest one must equal the current schema (a test enforces it), so any change to a
 * contract or state schema leaves a trace here and is checked for compatibility with all earlier versions.
 */
public final class SchemaHistory {
    /** Record types whose encoded form outlives a release: Kafka contract records and keyed-state records. */
    public static final List<String> TRACKED = List.of(
            "ai.aimix.schema.MixRequest",
            "ai.aimix.schema.AudioChunk",
            "ai.aimix.schema.MixOutputChunk",
            "ai.aimix.schema.MixProgress",
            "ai.aimix.schema.MixResult",
            "ai.aimix.schema.MixError",
            "ai.aimix.schema.RegistryEntry",
            "ai.aimix.schema.Battle",
            "ai.aimix.schema.EvolutionEvent",
            "ai.aimix.schema.Vote",
            "ai.aimix.schema.Standings",
            "ai.aimix.schema.TournamentError",
            "ai.aimix.schema.internal.AlignState",
            "ai.aimix.schema.internal.MelState",
            "ai.aimix.schema.internal.AssemblyState",
            // in the Async I/O operator's state while a feature cache lookup is in flight
            "ai.aimix.schema.internal.SegmentRecord");

    private static final Map<String, List<Schema>> CACHE = new ConcurrentHashMap<>();

    private SchemaHistory() {}

    /** The recorded versions of a schema, oldest first; empty when none are recorded. */
    public static List<Schema> versions(String fullName) {
        return CACHE.computeIfAbsent(fullName, SchemaHistory::load);
    }

    private static List<Schema> load(String fullName) {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = "avro-history/" + fullName + "/v" + v + ".avsc";
            try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    return List.copyOf(out);
                }
                out.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
    }
}
