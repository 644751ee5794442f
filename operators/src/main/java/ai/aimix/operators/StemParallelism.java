package ai.aimix.operators;

import ai.aimix.dsp.mix.ParallelRunner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the independent per-stem (or per-variant) work of one record on a small pool shared by the operators of a
 * TaskManager, and waits for all of it before the record moves on: the operator stays synchronous and
 * deterministic (results are combined in stem order), it only uses more than one core for a single mix.
 */
public final class StemParallelism {
    private static final Object LOCK = new Object();
    private static ExecutorService pool;
    private static int poolThreads;

    private StemParallelism() {}

    /**
     * Runs the tasks and returns their results in order. The caller's thread works too: it and up to
     * {@code threads - 1} pool threads take the next unstarted task until none is left, so the load balances
     * whatever the tasks' sizes. With {@code threads} 1 everything runs on the caller's thread.
     */
    public static <T> List<T> run(List<Callable<T>> tasks, int threads) throws Exception {
        int n = tasks.size();
        List<T> results = new ArrayList<>(Collections.nCopies(n, (T) null));
        if (threads <= 1 || n <= 1) {
            for (int i = 0; i < n; i++) {
                results.set(i, tasks.get(i).call());
            }
            return results;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Runnable worker = () -> {
            int i;
            while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                try {
                    results.set(i, tasks.get(i).call());
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } catch (Error e) {
                    failure.compareAndSet(null, new IllegalStateException(e));
                }
            }
        };
        ExecutorService executor = executor(threads);
        int helpers = Math.min(threads - 1, n - 1);
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int h = 0; h < helpers; h++) {
            futures.add(executor.submit(worker));
        }
        worker.run();
        for (Future<?> f : futures) {
            f.get();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return results;
    }

    private static ExecutorService executor(int threads) {
        synchronized (LOCK) {
            if (pool == null || poolThreads != threads) {
                if (pool != null) {
                    pool.shutdown();
                }
                AtomicInteger n = new AtomicInteger();
                // the caller's thread takes a share, so threads - 1 helpers
                pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                    Thread t = new Thread(r, "aimix-stem-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
                poolThreads = threads;
            }
            return pool;
        }
    }

    /** A {@link ai.aimix.dsp.mix.ParallelRunner} on this pool. */
    public static ParallelRunner runner(int threads) {
        if (threads <= 1) {
            return ParallelRunner.SEQUENTIAL;
        }
        return tasks -> {
            List<Callable<Void>> callables = new ArrayList<>(tasks.size());
            for (Runnable r : tasks) {
                callables.add(() -> {
                    r.run();
                    return null;
                });
            }
            try {
                run(callables, threads);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Stops the helper threads (the user-code class loader is being released). */
    public static void shutdown() {
        synchronized (LOCK) {
            if (pool != null) {
                pool.shutdownNow();
                pool = null;
            }
        }
    }
}
