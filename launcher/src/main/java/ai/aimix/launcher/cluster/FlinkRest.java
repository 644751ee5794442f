package ai.aimix.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The calls of Flink's REST API that deploy and operate a job: upload a jar, run it (optionally from a savepoint),
 * watch it, stop it with a savepoint, cancel it. The same calls an operator makes with curl, or the Kubernetes
 * operator makes for a session job.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(URI base) {
        this.base = base;
    }

    /** Uploads a jar ({@code POST /jars/upload}); returns its id on the cluster. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "aimix-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode r = call(HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = r.path("filename").asText();
        if (!"success".equals(r.path("status").asText()) || file.isEmpty()) {
            throw new IOException("jar upload refused: " + r);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar ({@code POST /jars/{id}/run}); returns the job id.
     *
     * @param savepoint a savepoint or retained checkpoint to start from, or null
     */
    public String run(String jarId, String entryClass, List<String> args, int parallelism, String savepoint)
            throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        req.put("entryClass", entryClass);
        req.set("programArgsList", JSON.valueToTree(args));
        req.put("parallelism", parallelism);
        if (savepoint != null) {
            req.put("savepointPath", savepoint);
            req.put("allowNonRestoredState", false);
        }
        JsonNode r = call(post("/jars/" + jarId + "/run", req));
        String job = r.path("jobid").asText();
        if (job.isEmpty()) {
            throw new IOException("run refused: " + r);
        }
        return job;
    }

    /** The job's state ({@code GET /jobs/{id}}): CREATED, RUNNING, FAILING, RESTARTING, FINISHED, CANCELED, ... */
    public String state(String jobId) throws IOException, InterruptedException {
        return call(get("/jobs/" + jobId)).path("state").asText();
    }

    /** Whether the job and every one of its tasks run ({@code GET /jobs/{id}}: its state and each vertex's). */
    public boolean allRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = call(get("/jobs/" + jobId));
        boolean all = "RUNNING".equals(job.path("state").asText())
                && job.path("vertices").size() > 0;
        for (JsonNode v : job.path("vertices")) {
            all &= "RUNNING".equals(v.path("status").asText());
        }
        return all;
    }

    /** Waits until the job and every one of its tasks run (a restarted job too). */
    public void awaitRunning(String jobId, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (allRunning(jobId)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException(
                "job " + jobId + " not running after " + timeout + ": " + summary(call(get("/jobs/" + jobId))));
    }

    /**
     * Whether the job has gone through RESTARTING ({@code timestamps} of {@code GET /jobs/{id}}; the numRestarts metric
     * reaches the REST API only with the metric fetcher's next update).
     */
    public boolean hasRestarted(String jobId) throws IOException, InterruptedException {
        return call(get("/jobs/" + jobId)).path("timestamps").path("RESTARTING").asLong() > 0;
    }

    /**
     * When the job last entered {@code state} ({@code timestamps} of {@code GET /jobs/{id}}, epoch millis), 0 when it
     * never did.
     */
    public long lastEntered(String jobId, String state) throws IOException, InterruptedException {
        return call(get("/jobs/" + jobId)).path("timestamps").path(state).asLong();
    }

    /** The failures the job recovered from, newest first ({@code GET /jobs/{id}/exceptions}): their messages. */
    public List<String> exceptions(String jobId) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode e : call(get("/jobs/" + jobId + "/exceptions"))
                .path("exceptionHistory")
                .path("entries")) {
            out.add(e.path("exceptionName").asText() + ": "
                    + e.path("stacktrace").asText().lines().findFirst().orElse(""));
        }
        return out;
    }

    /**
     * The job's checkpoint counts ({@code GET /jobs/{id}/checkpoints}: completed, failed, in_progress, ...) and, when
     * one failed, the latest failure's message as {@code latest_failure}.
     */
    public JsonNode checkpointCounts(String jobId) throws IOException, InterruptedException {
        JsonNode all = call(get("/jobs/" + jobId + "/checkpoints"));
        JsonNode counts = all.path("counts");
        ObjectNode out = counts.isObject() ? counts.deepCopy() : JSON.createObjectNode();
        JsonNode failed = all.path("latest").path("failed");
        if (failed.isObject()) {
            out.put("latest_failure", failed.path("failure_message").asText());
        }
        return out;
    }

    /** Completed checkpoints of the job so far. */
    public long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return call(get("/jobs/" + jobId + "/checkpoints"))
                .path("counts")
                .path("completed")
                .asLong();
    }

    /**
     * Stops the job with a savepoint ({@code POST /jobs/{id}/stop}) and waits for it; returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, Path directory, Duration timeout)
            throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        req.put("targetDirectory", directory.toUri().toString());
        req.put("drain", false);
        String trigger =
                call(post("/jobs/" + jobId + "/stop", req)).path("request-id").asText();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            JsonNode s = call(get("/jobs/" + jobId + "/savepoints/" + trigger));
            if ("COMPLETED".equals(s.path("status").path("id").asText())) {
                JsonNode op = s.path("operation");
                if (op.has("failure-cause")) {
                    throw new IOException("stop with savepoint failed: " + op.path("failure-cause"));
                }
                return op.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IOException("no savepoint of " + jobId + " after " + timeout);
    }

    /** Cancels the job ({@code PATCH /jobs/{id}?mode=cancel}). */
    public void cancel(String jobId) throws IOException, InterruptedException {
        call(HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** Waits until {@code count} TaskManagers are registered ({@code GET /taskmanagers}). */
    public void awaitTaskManagers(int count, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < end) {
            try {
                if (call(get("/taskmanagers")).path("taskmanagers").size() >= count) {
                    return;
                }
            } catch (IOException e) {
                last = e; // the REST server is not up yet
            }
            Thread.sleep(250);
        }
        throw new IOException(
                count + " TaskManagers did not register within " + timeout + (last == null ? "" : ": " + last));
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).GET();
    }

    private HttpRequest.Builder post(String path, JsonNode body) throws IOException {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private JsonNode call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(
                    r.request().method() + " " + r.uri().getPath() + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private static String summary(JsonNode job) {
        if (job == null) {
            return "no answer";
        }
        StringBuilder s = new StringBuilder(job.path("state").asText());
        for (JsonNode v : job.path("vertices")) {
            s.append(", ")
                    .append(v.path("name").asText())
                    .append('=')
                    .append(v.path("status").asText());
        }
        return s.toString();
    }
}
