package ai.aimix.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, Long> byName = new HashMap<>();
        long attributed = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (cpu < 0 || info == null) {
                continue;
            }
            long used = cpu - start.getOrDefault(id, 0L);
            if (used > 0) {
                byName.merge(group(info.getThreadName()), used, Long::sum);
                attributed += used;
            }
        }
        long process = ProcessCpu.nanos() - processStart;
        Map<String, Double> out = new LinkedHashMap<>();
        long[] rest = {0};
        byName.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEachOrdered(e -> {
                    if (out.size() < top) {
                        out.put(e.getKey(), round(e.getValue()));
                    } else {
                        rest[0] += e.getValue();
                    }
                });
        out.put("other threads", round(rest[0]));
        out.put("GC, JIT and ended threads", round(Math.max(0, process - attributed)));
        return out;
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
