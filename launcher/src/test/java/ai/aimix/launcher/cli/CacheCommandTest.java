package ai.aimix.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.cache.testing.RedisServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aimix cache flush} against a real redis-server: our keys go, others stay; and bad input to it and to
 * {@code aimix load} is one line and exit 2.
 */
class CacheCommandTest {
    @TempDir
    Path dir;

    @Test
    void flushRemovesOnlyTheCachesKeys() throws Exception {
        try (RedisServer redis = new RedisServer(dir, 64L << 20)) {
            for (int i = 0; i < 2500; i++) {
                assertEquals("+OK", redis.command("SET aimix:mel:" + i + " x"));
            }
            assertEquals("+OK", redis.command("SET someone-else 1"));
            CliRun r = CliRun.run("cache", "flush", "--redis", redis.uri());
            assertEquals(0, r.code, r.err);
            assertTrue(r.out.startsWith("removed 2500 entries under aimix: from Redis at 127.0.0.1:"), r.out);
            assertEquals(":1", redis.command("DBSIZE"));
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        CliRun r = CliRun.run("cache", "flush", "--redis", "http://127.0.0.1:6379");
        assertEquals(2, r.code);
        assertEquals(
                "aimix cache flush: error: aimix.cache.redis must be a redis:// or rediss:// URI, not http://",
                r.err.strip());
        CliRun none = CliRun.run("cache", "flush");
        assertEquals(2, none.code);
        assertEquals(1, none.err.strip().lines().count(), none.err);
    }

    @Test
    void badLoadSettingsAreOneLineAndExitTwo() {
        for (String[] args : new String[][] {
            {"load", "--rate", "0"},
            {"load", "--min-stems", "9", "--max-stems", "4"},
            {"load", "--battles", "0.6", "--previews", "0.6"},
            {"load", "--fault", "meteor:1:2"},
            {"load", "--fault", "broker:x:30"},
            {"load", "--fault", "reader:10:300"},
            // a full-disk fault needs a checkpoint directory on a filesystem of its own: /tmp is not
            {"load", "--fault", "disk:10:10"},
            {"load", "--fault", "disk:10:10", "-D", "execution.checkpointing.dir=file:///tmp/aimix-no-own-disk"},
            {"load", "--fault", "store:10:10", "-D", "aimix.model-store.path=s3://bucket/models"}
        }) {
            CliRun r = CliRun.run(args);
            assertEquals(2, r.code, String.join(" ", args) + ": " + r);
            assertTrue(r.err.startsWith("aimix load: error: "), r.err);
            assertEquals(1, r.err.strip().lines().count(), r.err);
        }
    }
}
