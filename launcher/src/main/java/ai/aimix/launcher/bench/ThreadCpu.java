package ai.aimix.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of this process's threads between two snapshots, summed by thread name with numbers and subtask
 * indices taken out ("Segment alignment -> ... (2/2)#0" and "(1/2)#0" are one task), so a bench can say where a
 * mix's CPU goes. What no live thread accounts for (garbage collection, the JIT compiler, threads that ended) is
 * reported as one remainder.
 */
public final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> start = new HashMap<>();
    private final long processStart;

    private ThreadCpu(long processStart) {
        this.processStart = processStart;
    }

    public static ThreadCpu snapshot() {
        ThreadCpu s = new ThreadCpu(ProcessCpu.nanos());
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            if (cpu >= 0) {
                s.start.put(id, cpu);
            }
        }
        return s;
    }

    /** Seconds per thread group since the snapshot, largest first, the top {@code top} and the rest summed. */
    public Map<String, Double> since(int top) {
        return usage().top(top);
    }

    /** CPU since the snapshot: nanoseconds per thread group, and the whole process's. */
    public Usage usage() {
        Map<String, Long> byName = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (cpu < 0 || info == null) {
                continue;
            }
            long used = cpu - start.getOrDefault(id, 0L);
            if (used > 0) {
                byName.merge(group(info.getThreadName()), used, Long::sum);
            }
        }
        return new Usage(byName, ProcessCpu.nanos() - processStart);
    }

    /** CPU used between a snapshot and now. */
    public record Usage(Map<String, Long> byGroup, long processNanos) {
        /** Seconds per group, largest first, the top {@code top}, the rest summed, and what no thread accounts for. */
        public Map<String, Double> top(int top) {
            Map<String, Double> out = new LinkedHashMap<>();
            long[] rest = {0};
            long attributed =
                    byGroup.values().stream().mapToLong(Long::longValue).sum();
            byGroup.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEachOrdered(e -> {
                        if (out.size() < top) {
                            out.put(e.getKey(), round(e.getValue()));
                        } else {
                            rest[0] += e.getValue();
                        }
                    });
            out.put("other threads", round(rest[0]));
            out.put("GC, JIT and ended threads", round(Math.max(0, processNanos - attributed)));
            return out;
        }

        /** Seconds of the groups whose name {@code matches}. */
        public double seconds(Predicate<String> matches) {
            long n = 0;
            for (Map.Entry<String, Long> e : byGroup.entrySet()) {
                if (matches.test(e.getKey())) {
                    n += e.getValue();
                }
            }
            return n / 1e9;
        }
    }

    /** A thread's name without what differs between instances of one kind: subtask indices, counters, ids. */
    static String group(String name) {
        String g = name.replaceAll("\\(\\d+/\\d+\\)#\\d+", "")
                .replaceAll("\\| [\\w.-]+-\\d+", "| ")
                .replaceAll("[-_ #]?\\d+", "")
                .strip();
        return g.length() > 80 ? g.substring(0, 80) + "…" : g;
    }

    private static double round(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }
}
