package ai.aimix.dsp.mix;

import java.util.List;

/** Runs independent tasks and returns when all are done; how (threads or not) is the caller's business. */
@FunctionalInterface
public interface ParallelRunner {
    ParallelRunner SEQUENTIAL = tasks -> tasks.forEach(Runnable::run);

    void run(List<Runnable> tasks);
}
