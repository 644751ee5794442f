package ai.aimix.operators;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the independent per-stem (or per-variant) work of one record on a small pool shared by the operators of a
 * TaskManager, and waits for all of it before the record moves on: the operator stays synchronous and
 * deterministic (results are combined in stem order), it only uses more than one core for a single mix.
 */
public final class StemParallelism {
    private static final Object LOCK = new Object();
    private static ExecutorService pool;
    private static int poolThreads;

    private StemParallelism() {
    }

    /** Runs the tasks (on the caller's thread when {@code threads} is 1) and returns their results in order. */
    public static <T> List<T> run(List<Callable<T>> tasks, int threads) throws Exception {
        List<T> results = new ArrayList<>(tasks.size());
        if (threads <= 1 || tasks.size() <= 1) {
            for (Callable<T> t : tasks) {
                results.add(t.call());
            }
            return results;
        }
        ExecutorService executor = executor(threads);
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        // the caller works too: submit all but the first, run the first here
        for (int i = 1; i < tasks.size(); i++) {
            futures.add(executor.submit(tasks.get(i)));
        }
        T first = tasks.get(0).call();
        results.add(first);
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                throw e;
            }
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
    public static ai.aimix.dsp.mix.ParallelRunner runner(int threads) {
        if (threads <= 1) {
            return ai.aimix.dsp.mix.ParallelRunner.SEQUENTIAL;
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
