package ai.aimix.jobs.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.jobs.cache.CacheOptions;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mix job's graph: the chain from alignment to assembly is one task (a segment's audio is handed on by
 * reference, never serialised), with the feature cache's lookup inside it.
 */
class MixJobGraphTest {
    @TempDir
    Path store;

    private List<String> vertices(boolean cache) {
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, "127.0.0.1:1");
        c.set(ModelStoreOptions.MODEL_STORE, store.toString());
        c.set(CacheOptions.ENABLED, cache);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        MixJob.onKafka(c).build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        List<String> names = new ArrayList<>();
        for (JobVertex v : graph.getVertices()) {
            names.add(v.getName());
        }
        return names;
    }

    private static String chainOf(List<String> vertices) {
        return vertices.stream()
                .filter(n -> n.contains("Segment alignment"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alignment in " + vertices));
    }

    @Test
    void theCacheLookupIsChainedBetweenAlignmentAndLogMel() {
        String chain = chainOf(vertices(true));
        int align = chain.indexOf("Segment alignment");
        int lookup = chain.indexOf("Feature cache lookup");
        int mel = chain.indexOf("STFT / log-mel");
        int assembly = chain.indexOf("Mix assembly");
        assertTrue(align >= 0 && lookup > align && mel > lookup && assembly > mel, chain);
    }

    @Test
    void theGraphIsTheSameWithTheCacheOff() {
        // turning the cache off or on keeps every operator (a savepoint restores either way)
        assertEquals(vertices(true), vertices(false));
    }

    @Test
    void badCacheOptionsAreNamed() {
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, "127.0.0.1:1");
        c.set(ModelStoreOptions.MODEL_STORE, store.toString());
        c.set(CacheOptions.REDIS, "http://cache:6379");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MixJobOptions.validate(c));
        assertEquals("aimix.cache.redis must be a redis:// or rediss:// URI, not http://", e.getMessage());
        c.removeConfig(CacheOptions.REDIS);
        c.set(CacheOptions.CAPACITY, 0);
        e = assertThrows(IllegalArgumentException.class, () -> MixJobOptions.validate(c));
        assertEquals("aimix.cache.capacity must be positive, not 0", e.getMessage());
    }
}
