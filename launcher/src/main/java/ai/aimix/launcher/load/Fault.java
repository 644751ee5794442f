package ai.aimix.launcher.load;

import java.time.Duration;

/**
 * A fault a load run injects at {@code at} into its measurement: the Kafka broker stopped for {@code length} and
 * started again ({@code broker}), {@code records} garbage records sent to audio.chunks at full speed
 * ({@code flood}), the run's reader of mix.output and mix.results stopped for {@code length} ({@code reader}: a
 * slow consumer), or the model store unreadable for {@code length} just after a new battle opponent was published
 * ({@code store}: battles need a model no TaskManager has loaded yet), or the checkpoint directory's filesystem
 * filled for {@code length} ({@code disk}). Written {@code broker:AT:LENGTH}, {@code flood:AT:RECORDS},
 * {@code reader:AT:LENGTH}, {@code store:AT:LENGTH} or {@code disk:AT:LENGTH}, times in seconds.
 */
public record Fault(Kind kind, Duration at, Duration length, int records) {
    public enum Kind {
        BROKER,
        FLOOD,
        READER,
        STORE,
        DISK
    }

    /** A reader stops for less than its consumer's poll interval (Kafka's default, 300 s). */
    static final long READER_MAX_SECONDS = 300;

    /** The fault a {@code --fault} value names; IllegalArgumentException (one line) when it names none. */
    public static Fault parse(String spec) {
        String[] p = spec.split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException(
                    "--fault must be broker:AT:SECONDS, flood:AT:RECORDS, reader:AT:SECONDS, store:AT:SECONDS or disk:AT:SECONDS, not "
                            + spec);
        }
        long at;
        long n;
        try {
            at = Long.parseLong(p[1]);
            n = Long.parseLong(p[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fault " + spec + ": AT and the last part must be whole numbers");
        }
        if (at < 0 || n < 1 || n > 10_000_000) {
            throw new IllegalArgumentException(
                    "--fault " + spec + ": AT must be 0 or more and the last part 1 or more");
        }
        switch (p[0]) {
            case "broker":
                return new Fault(Kind.BROKER, Duration.ofSeconds(at), Duration.ofSeconds(n), 0);
            case "flood":
                return new Fault(Kind.FLOOD, Duration.ofSeconds(at), Duration.ZERO, (int) n);
            case "reader":
                if (n >= READER_MAX_SECONDS) {
                    throw new IllegalArgumentException("--fault " + spec + ": a reader stops for less than "
                            + READER_MAX_SECONDS + " s (its consumer's max.poll.interval.ms: longer, it would leave"
                            + " its group and skip what was written meanwhile)");
                }
                return new Fault(Kind.READER, Duration.ofSeconds(at), Duration.ofSeconds(n), 0);
            case "store":
                return new Fault(Kind.STORE, Duration.ofSeconds(at), Duration.ofSeconds(n), 0);
            case "disk":
                return new Fault(Kind.DISK, Duration.ofSeconds(at), Duration.ofSeconds(n), 0);
            default:
                throw new IllegalArgumentException(
                        "--fault " + spec + ": the kind is broker, flood, reader, store or disk");
        }
    }
}
