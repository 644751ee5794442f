package ai.aimix.schema.testing;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/** Bytes the current thread has allocated on the heap so far (HotSpot's per-thread allocation counter). */
public final class Allocation {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {}

    public static long ofThisThread() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
