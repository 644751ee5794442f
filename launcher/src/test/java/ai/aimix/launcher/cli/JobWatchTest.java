package ai.aimix.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;

/** {@code serve}'s watch on its job (issue 14, finding 1: a serve whose job had ended went on advertising itself). */
class JobWatchTest {

    /** A job client answering status requests from a script. */
    static final class ScriptedJob implements JobClient {
        final Deque<Supplier<CompletableFuture<JobStatus>>> answers = new ArrayDeque<>();

        ScriptedJob then(JobStatus status) {
            answers.add(() -> CompletableFuture.completedFuture(status));
            return this;
        }

        ScriptedJob thenFails(RuntimeException e) {
            answers.add(() -> CompletableFuture.failedFuture(e));
            return this;
        }

        ScriptedJob thenThrows(RuntimeException e) {
            answers.add(() -> {
                throw e;
            });
            return this;
        }

        @Override
        public JobID getJobID() {
            return new JobID();
        }

        @Override
        public CompletableFuture<JobStatus> getJobStatus() {
            return answers.remove().get();
        }

        @Override
        public CompletableFuture<Void> cancel() {
            throw new UnsupportedOperationException("serve's watch never cancels");
        }

        @Override
        public CompletableFuture<String> stopWithSavepoint(boolean drain, String dir, SavepointFormatType type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<String> triggerSavepoint(String dir, SavepointFormatType type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Map<String, Object>> getAccumulators() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<JobExecutionResult> getJobExecutionResult() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aRunningJobIsNotEndedAndAFailedOneIs() throws Exception {
        JobWatch watch = new JobWatch(new ScriptedJob()
                .then(JobStatus.RUNNING)
                .then(JobStatus.RESTARTING)
                .then(JobStatus.RUNNING)
                .then(JobStatus.FAILED));
        assertEquals(Optional.empty(), watch.ended());
        assertEquals(Optional.empty(), watch.ended());
        assertEquals(Optional.empty(), watch.ended());
        assertEquals(Optional.of("FAILED"), watch.ended());
    }

    /** A local cluster shuts down once its job ends: its client then throws instead of answering. */
    @Test
    void aClusterThatIsGoneEndsTheWatch() throws Exception {
        IllegalStateException gone =
                new IllegalStateException("MiniCluster is not yet running or has already been " + "shut down.");
        JobWatch watch =
                new JobWatch(new ScriptedJob().thenThrows(gone).thenThrows(gone).thenThrows(gone));
        assertEquals(Optional.empty(), watch.ended());
        assertEquals(Optional.empty(), watch.ended());
        Optional<String> ended = watch.ended();
        assertTrue(ended.isPresent() && ended.get().contains("IllegalStateException: MiniCluster"), ended.toString());
    }

    @Test
    void aStatusUnknownOnceOrTwiceIsForgivenOnceKnownAgain() throws Exception {
        RuntimeException blip = new RuntimeException("timeout\nsecond line");
        JobWatch watch = new JobWatch(new ScriptedJob()
                .thenFails(blip)
                .thenFails(blip)
                .then(JobStatus.RUNNING)
                .thenFails(blip)
                .thenFails(blip)
                .thenFails(blip));
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), watch.ended(), "answer " + i);
        }
        Optional<String> ended = watch.ended();
        assertEquals(Optional.of("its status is unknown: RuntimeException: timeout"), ended);
    }
}
