package ai.aimix.model.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs ONNX Runtime's native calls on threads with a large stack. ONNX Runtime 1.29 recurses deeply while it
 * creates a session (we measured from under 512 KiB to over 2 MiB of native stack depending on the process), which
 * overflows a normal Java thread's 1 MiB stack and kills the JVM with SIGSEGV, no Java exception. Flink task threads
 * and a cluster's -Xss are not ours to size, so every native call goes through here. The threads are daemons and
 * their stacks are only reserved address space until touched.
 */
final class NativeCalls {
    /** Stack of the native-call threads. */
    static final long STACK_BYTES = 64L << 20;

    private static final ExecutorService POOL = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(null, r, "aimix-onnxruntime-" + n.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        }
    });

    private NativeCalls() {}

    /** Runs {@code call} on a native-call thread and returns its result, rethrowing its exception. */
    static <T> T run(Callable<T> call) throws Exception {
        Future<T> f = POOL.submit(call);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw e;
        }
    }
}
