package ai.aimix.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the heap every 20 ms in a daemon thread: the peak used since the last reset. */
public final class HeapSampler {
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean running = true;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private Thread thread;

    public void start() {
        thread = new Thread(
                () -> {
                    while (running) {
                        long used = memory.getHeapMemoryUsage().getUsed();
                        peak.accumulateAndGet(used, Math::max);
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "aimix-heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    public void reset() {
        peak.set(memory.getHeapMemoryUsage().getUsed());
    }

    public long peak() {
        return peak.get();
    }

    public void stop() {
        running = false;
        thread.interrupt();
    }
}
