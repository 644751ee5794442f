package ai.aimix.launcher.load;

import java.time.Duration;

/**
 * What a load run offers: mixes arriving as a Poisson process at {@code ratePerMinute}, for {@code warmUp} (left out
 * of every figure) and then {@code duration} (at most
 * {@code maxMixes}), songs of {@code minSeconds}..{@code maxSeconds} with {@code minStems}..{@code maxStems} stems at
 * 44.1 or 48 kHz, shares of battles (of pool songs), previews (30-second excerpts) and re-mixes (of songs seen
 * before, another preset); sent through the gateway's HTTP API or, with {@code kafka}, straight to Kafka; a
 * {@code fault} (or null) injected into the measurement.
 */
public record LoadSettings(
        double ratePerMinute,
        Duration warmUp,
        Duration duration,
        int maxMixes,
        double minSeconds,
        double maxSeconds,
        int minStems,
        int maxStems,
        double battleShare,
        double previewShare,
        double remixShare,
        boolean kafka,
        Duration drain,
        Duration settle,
        long seed,
        double pricePerVcpuHour,
        double pricePerGbMonth,
        Duration retention,
        int replicas,
        Duration gatewayRetention,
        Fault fault) {

    /** Seconds of a preview excerpt. */
    public static final double PREVIEW_SECONDS = 30;
    /** Songs battles are drawn from (the arena's pool). */
    public static final int POOL_SONGS = 3;
    /** Seconds of a pool song. */
    public static final double POOL_SECONDS = 180;
    /** Stems of a pool song. */
    public static final int POOL_STEMS = 8;

    /** One line naming what is wrong, or null. */
    public String problem() {
        if (!(ratePerMinute > 0)) {
            return "--rate must be above 0 mixes a minute";
        }
        if (warmUp.isNegative()) {
            return "--warm-up must be 0 or more";
        }
        if (duration.isNegative() || duration.isZero()) {
            return "--duration must be above 0";
        }
        if (maxMixes < 1) {
            return "--max-mixes must be at least 1";
        }
        if (!(minSeconds >= 1) || maxSeconds < minSeconds) {
            return "--min-seconds must be at least 1 and --max-seconds at least --min-seconds";
        }
        if (minStems < 1 || maxStems < minStems || maxStems > 16) {
            return "--min-stems and --max-stems must be 1 to 16, the minimum first";
        }
        if (battleShare < 0 || previewShare < 0 || remixShare < 0 || battleShare + previewShare + remixShare > 1) {
            return "--battles, --previews and --remixes are shares of the mixes: 0 or more, 1 at most together";
        }
        if (pricePerVcpuHour < 0 || pricePerGbMonth < 0) {
            return "prices must be 0 or more";
        }
        return null;
    }
}
