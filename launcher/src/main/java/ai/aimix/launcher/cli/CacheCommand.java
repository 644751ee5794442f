package ai.aimix.launcher.cli;

import ai.aimix.cache.CacheSettings;
import ai.aimix.cache.Caches;
import ai.aimix.cache.FeatureCache;
import ai.aimix.jobs.cache.CacheOptions;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./aimix cache flush}: empties the feature cache in Redis (only the keys under the prefix). Entries never
 * need flushing for correctness — they are keyed by audio, settings and model version — but a flush reclaims the
 * memory at once, or starts a measurement cold.
 */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "Manage the feature cache (spectrograms and model parameters by audio fingerprint).",
        subcommands = {CacheCommand.Flush.class})
public final class CacheCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(
            name = "flush",
            mixinStandardHelpOptions = true,
            description = "Remove every cache entry from Redis (keys under the prefix; other keys stay). The "
                    + "in-process cache of an embedded stack lives in its JVM and empties when it stops.")
    static final class Flush implements Callable<Integer> {
        @Option(
                names = "--redis",
                required = true,
                description = "The cache's Redis, as the job's aimix.cache.redis: redis://[:password@]host:port[/db].")
        String redis;

        @Option(
                names = "--key-prefix",
                defaultValue = CacheSettings.DEFAULT_PREFIX,
                description = "The job's aimix.cache.key-prefix. Default ${DEFAULT-VALUE}.")
        String prefix;

        @Override
        public Integer call() {
            Configuration c = new Configuration();
            c.set(CacheOptions.REDIS, redis);
            c.set(CacheOptions.KEY_PREFIX, prefix);
            CacheSettings settings;
            try {
                settings = CacheOptions.settings(c);
            } catch (IllegalArgumentException e) {
                System.err.println("aimix cache flush: error: " + e.getMessage());
                return 2;
            }
            try (FeatureCache cache = Caches.open(settings)) {
                long removed = cache.flush();
                System.out.println("removed " + removed + " entries under " + prefix + " from " + cache.describe());
            }
            return 0;
        }
    }
}
