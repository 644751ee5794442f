package ai.aimix.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.cache.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aimix cache flush} against a real redis-server: our keys go, others stay; bad input is one line, exit 2. */
class CacheCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = AimixCli.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void flushRemovesOnlyTheCachesKeys() throws Exception {
        try (RedisServer redis = new RedisServer(dir, 64L << 20)) {
            for (int i = 0; i < 2500; i++) {
                assertEquals("+OK", redis.command("SET aimix:mel:" + i + " x"));
            }
            assertEquals("+OK", redis.command("SET someone-else 1"));
            Run r = run("cache", "flush", "--redis", redis.uri());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("removed 2500 entries under aimix: from Redis at 127.0.0.1:"), r.out());
            assertEquals(":1", redis.command("DBSIZE"));
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        Run r = run("cache", "flush", "--redis", "http://127.0.0.1:6379");
        assertEquals(2, r.code());
        assertEquals(
                "aimix cache flush: error: aimix.cache.redis must be a redis:// or rediss:// URI, not http://",
                r.err().strip());
        Run none = run("cache", "flush");
        assertEquals(2, none.code());
        assertEquals(1, none.err().strip().lines().count(), none.err());
    }
}
