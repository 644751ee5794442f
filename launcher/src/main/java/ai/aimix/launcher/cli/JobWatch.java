package ai.aimix.launcher.cli;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * Whether a job that should run for ever has ended, for {@code serve}, which must not go on advertising a service
 * whose job is gone. A local cluster shuts itself down once its job ends, after which its client fails every status
 * request (synchronously, or through the future); a status that cannot be had {@value #UNKNOWN_IN_A_ROW} times in a
 * row counts as an end too.
 */
final class JobWatch {
    /** Status requests that may fail in a row before the job counts as gone. */
    static final int UNKNOWN_IN_A_ROW = 3;
    /** How long one status request may take. */
    static final long STATUS_TIMEOUT_SECONDS = 10;

    private final JobClient job;
    private int unknown;

    JobWatch(JobClient job) {
        this.job = job;
    }

    /** Why the job is over, or empty while it runs (or its status was unknown fewer times in a row than allowed). */
    Optional<String> ended() throws InterruptedException {
        JobStatus status;
        try {
            status = job.getJobStatus().get(STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (++unknown >= UNKNOWN_IN_A_ROW) {
                return Optional.of("its status is unknown: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null
                                ? ""
                                : ": " + cause.getMessage().lines().findFirst().orElse("")));
            }
            return Optional.empty();
        }
        unknown = 0;
        return status.isGloballyTerminalState() ? Optional.of(status.toString()) : Optional.empty();
    }
}
