package ai.aimix.launcher.cli;

import ai.aimix.gateway.GatewaySettings;
import ai.aimix.launcher.load.Fault;
import ai.aimix.launcher.load.LoadGenerator;
import ai.aimix.launcher.load.LoadSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./aimix load}: a benchmark of the embedded stack under a population's load (not a test). Prints one JSON
 * report per run; docs/BENCHMARKS.md says how to read it.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Load the embedded stack as users would: mixes arriving as a Poisson process (new songs,"
                + " previews, re-mixes, battles of pool songs), uploaded through the gateway (or --kafka), and report"
                + " throughput, latency, CPU, heap, RocksDB, consumer lag and cost per mix.")
public final class LoadCommand implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "2", description = "Mixes a minute offered. Default ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--warm-up",
            defaultValue = "60",
            description =
                    "Seconds of offering before the measurement, left out of every figure. Default ${DEFAULT-VALUE}.")
    long warmUpSeconds;

    @Option(names = "--duration", defaultValue = "300", description = "Seconds of offering. Default ${DEFAULT-VALUE}.")
    long durationSeconds;

    @Option(
            names = "--max-mixes",
            defaultValue = "100000",
            description = "Mixes offered at most. Default ${DEFAULT-VALUE}.")
    int maxMixes;

    @Option(names = "--min-seconds", defaultValue = "120", description = "Shortest song. Default ${DEFAULT-VALUE}.")
    double minSeconds;

    @Option(names = "--max-seconds", defaultValue = "360", description = "Longest song. Default ${DEFAULT-VALUE}.")
    double maxSeconds;

    @Option(names = "--min-stems", defaultValue = "4", description = "Fewest stems. Default ${DEFAULT-VALUE}.")
    int minStems;

    @Option(names = "--max-stems", defaultValue = "12", description = "Most stems. Default ${DEFAULT-VALUE}.")
    int maxStems;

    @Option(
            names = "--battles",
            defaultValue = "0.1",
            description = "Share of battles of pool songs. Default ${DEFAULT-VALUE}.")
    double battles;

    @Option(
            names = "--previews",
            defaultValue = "0.2",
            description = "Share of 30-second previews. Default ${DEFAULT-VALUE}.")
    double previews;

    @Option(
            names = "--remixes",
            defaultValue = "0.2",
            description = "Share of re-mixes of songs seen before. Default ${DEFAULT-VALUE}.")
    double remixes;

    @Option(names = "--kafka", description = "Send stems straight to Kafka instead of through the gateway.")
    boolean kafka;

    @Option(
            names = "--drain",
            defaultValue = "600",
            description = "Seconds to wait for results after offering. Default ${DEFAULT-VALUE}.")
    long drainSeconds;

    @Option(
            names = "--settle",
            defaultValue = "30",
            description = "Seconds to wait after the last result before the footprint (heap after GC, RocksDB, open"
                    + " files) is taken again. Default ${DEFAULT-VALUE}.")
    long settleSeconds;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the arrivals and songs. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--price-vcpu-hour",
            defaultValue = "0.0425",
            description = "Dollars per vCPU-hour (see docs/BENCHMARKS.md for the source). Default ${DEFAULT-VALUE}.")
    double priceVcpuHour;

    @Option(
            names = "--price-gb-month",
            defaultValue = "0.08",
            description = "Dollars per GB-month of storage for the audio Kafka keeps. Default ${DEFAULT-VALUE}.")
    double priceGbMonth;

    @Option(
            names = "--retention-hours",
            defaultValue = "1",
            description = "Hours Kafka keeps a mix's audio, stems in and mix out (the embedded topics' retention)."
                    + " Default ${DEFAULT-VALUE}.")
    long retentionHours;

    @Option(
            names = "--replicas",
            defaultValue = "1",
            description = "Copies Kafka keeps of each record (1 embedded; a cluster's replication factor, e.g. 3)."
                    + " Default ${DEFAULT-VALUE}.")
    int replicas;

    @Option(
            names = "--gateway-retention",
            paramLabel = "MINUTES",
            description = "How long the gateway keeps an ended mix and its audio (the gateway's default: 60). A soak"
                    + " shorter than this ends with every mix still kept; set it shorter to see the footprint after"
                    + " they are forgotten.")
    long gatewayRetentionMinutes = GatewaySettings.DEFAULT_RETENTION.toMinutes();

    @Option(
            names = "--fault",
            description = "Inject a fault into the measurement: broker:AT:SECONDS (the Kafka broker stopped at AT s for"
                    + " SECONDS, then started again), flood:AT:RECORDS (garbage records on audio.chunks at full"
                    + " speed), reader:AT:SECONDS (the run's reader of mix.output and mix.results stopped for"
                    + " SECONDS: a slow consumer), store:AT:SECONDS (a new battle opponent published, then"
                    + " the model store unreadable for SECONDS) or disk:AT:SECONDS (the filesystem of"
                    + " execution.checkpointing.dir filled for SECONDS; it must not be the one Kafka's data is"
                    + " on, e.g. a tmpfs of its own).")
    String fault;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        Fault injected;
        try {
            injected = fault == null ? null : Fault.parse(fault);
        } catch (IllegalArgumentException e) {
            System.err.println("aimix load: error: " + e.getMessage());
            return 2;
        }
        LoadSettings settings = new LoadSettings(
                rate,
                Duration.ofSeconds(warmUpSeconds),
                Duration.ofSeconds(durationSeconds),
                maxMixes,
                minSeconds,
                maxSeconds,
                minStems,
                maxStems,
                battles,
                previews,
                remixes,
                kafka,
                Duration.ofSeconds(Math.max(0, drainSeconds)),
                Duration.ofSeconds(Math.max(0, settleSeconds)),
                seed,
                priceVcpuHour,
                priceGbMonth,
                Duration.ofHours(Math.max(0, retentionHours)),
                Math.max(1, replicas),
                Duration.ofMinutes(Math.max(1, gatewayRetentionMinutes)),
                injected);
        String problem = settings.problem();
        if (problem != null) {
            System.err.println("aimix load: error: " + problem);
            return 2;
        }
        Configuration config = common.config(Map.of("rest.port", String.valueOf(CommonOptions.freePort())));
        String faultProblem = injected == null
                ? null
                : injected.kind() == Fault.Kind.DISK
                        ? LoadGenerator.diskFaultProblem(config)
                        : injected.kind() == Fault.Kind.STORE ? LoadGenerator.storeFaultProblem(config) : null;
        if (faultProblem != null) {
            System.err.println("aimix load: error: " + faultProblem);
            return 2;
        }
        System.out.println(new ObjectMapper().writeValueAsString(new LoadGenerator(config, settings).run()));
        return 0;
    }
}
