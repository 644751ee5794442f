package ai.aimix.features;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A task over a list on a few daemon threads, the results in the list's order: what the corpus builder and the
 * quality benchmark both do with their songs, so their figures and files do not depend on the thread count.
 */
public final class InOrder {
    /** One item's work. */
    public interface Task<T, R, E extends Exception> {
        R apply(T item) throws E;
    }

    private InOrder() {}

    /**
     * {@code task} of every item on at most {@code threads} threads named {@code name}; {@code done} hears of each
     * result in the items' order (from the calling thread). A task's exception is thrown as it is.
     */
    @SuppressWarnings("unchecked")
    public static <T, R, E extends Exception> List<R> map(
            List<T> items, int threads, String name, Task<T, R, E> task, Consumer<R> done)
            throws E, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, items.size())), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.apply(item)));
            }
            List<R> out = new ArrayList<>();
            for (Future<R> f : futures) {
                try {
                    R r = f.get();
                    done.accept(r);
                    out.add(r);
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException rt) {
                        throw rt;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw (E) c;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
