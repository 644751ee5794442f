package ai.aimix.launcher.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.DefaultHttpRequest;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpMethod;
import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpVersion;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only REST API (issue 14, finding 7) on a real local cluster: nothing that changes a job gets through,
 * including Flink's GET routes that cancel, and a refused upload leaves no file behind; without it, the same GET
 * cancels the job (which is why it is refused).
 */
class ReadOnlyRestTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void nothingThatChangesAJobGetsThrough(@TempDir Path web) throws Exception {
        int port = freePort();
        Configuration conf = cluster(port, web);
        conf.set(ReadOnlyRest.READ_ONLY, true);
        JobClient job = idleJob(conf);
        try {
            String rest = "http://127.0.0.1:" + port;
            String id = job.getJobID().toHexString();
            awaitRunning(job);
            assertEquals(
                    200,
                    status(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + id))
                            .build()));
            assertEquals(
                    403,
                    status(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + id + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .build()));
            assertEquals(
                    403,
                    status(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + id + "/yarn-cancel"))
                            .build()));
            assertEquals(
                    403,
                    status(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + id + "/yarn-stop/"))
                            .build()));
            assertEquals(
                    403,
                    status(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + id + "/savepoints"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"cancel-job\":true}"))
                            .build()));
            assertEquals(
                    403,
                    status(HttpRequest.newBuilder(URI.create(rest + "/cluster"))
                            .DELETE()
                            .build()));
            // a job submission with a 2 MB file: written to disk by Flink's upload handler before any other
            // handler sees the request, and deleted when refused
            byte[] file = new byte[2 << 20];
            String boundary = "aimixboundary";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file_0\"; "
                            + "filename=\"job.jar\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[head.length + file.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
            assertEquals(
                    403,
                    status(HttpRequest.newBuilder(URI.create(rest + "/jobs"))
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build()));
            assertEquals(0, bytesUnder(web), "a refused upload left files under " + web);

            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** The control: without the read-only handler, a plain GET cancels the job. */
    @Test
    void withoutItAGetCancelsTheJob(@TempDir Path web) throws Exception {
        int port = freePort();
        JobClient job = idleJob(cluster(port, web));
        awaitRunning(job);
        int code = status(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/jobs/" + job.getJobID().toHexString() + "/yarn-cancel"))
                .build());
        assertEquals(202, code);
        // the job never ends on its own: its end within the timeout is the cancellation
        Throwable end =
                job.getJobExecutionResult().handle((result, failure) -> failure).get(30, TimeUnit.SECONDS);
        assertTrue(cancelled(end), String.valueOf(end));
    }

    private static boolean cancelled(Throwable end) {
        for (Throwable t = end; t != null; t = t.getCause()) {
            if (t instanceof JobCancellationException) {
                return true;
            }
        }
        return false;
    }

    @Test
    void whichRequestsChange() {
        assertTrue(ReadOnlyRest.Refuser.changes(request(HttpMethod.POST, "/jars/upload")));
        assertTrue(ReadOnlyRest.Refuser.changes(request(HttpMethod.PATCH, "/jobs/ab")));
        assertTrue(ReadOnlyRest.Refuser.changes(request(HttpMethod.DELETE, "/cluster")));
        assertTrue(ReadOnlyRest.Refuser.changes(request(HttpMethod.GET, "/jobs/ab/yarn-cancel")));
        assertTrue(ReadOnlyRest.Refuser.changes(request(HttpMethod.GET, "/v1/jobs/ab/YARN-STOP?x=1")));
        assertTrue(ReadOnlyRest.Refuser.changes(request(HttpMethod.GET, "/jobs/ab/yarn-cancel//")));
        assertFalse(ReadOnlyRest.Refuser.changes(request(HttpMethod.GET, "/jobs/ab")));
        assertFalse(ReadOnlyRest.Refuser.changes(request(HttpMethod.GET, "/jobs/overview?yarn-cancel")));
        assertFalse(ReadOnlyRest.Refuser.changes(request(HttpMethod.HEAD, "/")));
        assertFalse(ReadOnlyRest.Refuser.changes(request(HttpMethod.OPTIONS, "/jobs")));
    }

    private static DefaultHttpRequest request(HttpMethod method, String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    }

    private static Configuration cluster(int port, Path web) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, port);
        conf.set(WebOptions.TMP_DIR, web.toString());
        return conf;
    }

    /** A job that runs until cancelled, doing almost nothing. */
    private static JobClient idleJob(Configuration conf) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(1);
        env.fromSequence(0, Long.MAX_VALUE)
                .filter(x -> {
                    Thread.sleep(10);
                    return false;
                })
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("idle");
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            assertTrue(System.nanoTime() < deadline, "the job did not start");
            Thread.sleep(50);
        }
    }

    private int status(HttpRequest request) throws Exception {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + ": " + e, e);
        }
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("upload"))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
