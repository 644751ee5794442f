package ai.aimix.gateway.mix;

import ai.aimix.gateway.api.AvroJson;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.StemSpec;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * One mix created through this gateway: its spec, the upload state of each stem, and what the job has said about it
 * (progress, result, fatal error). Thread-safe: uploads, the contract listener and readers meet here.
 */
public final class MixState {
    /** Where a mix is, as the API reports it. */
    public enum Status {
        /** Created; no stem upload has started. */
        AWAITING_UPLOAD,
        /** Stems are arriving. */
        UPLOADING,
        /** Every stem is in; the job is mixing (or about to report). */
        MIXING,
        COMPLETED,
        FAILED
    }

    /** Where a stem's upload is. */
    public enum Upload {
        PENDING,
        RECEIVING,
        DONE,
        FAILED
    }

    public final String id;
    public final MixSpec spec;
    public final String uploadToken;
    public final long createdAtMillis;

    private final Upload[] uploads;
    private final long[] uploadedFrames;
    private final long[] uploadedBytes;
    private MixRequest sent;
    private MixProgress progress;
    private MixResult result;
    /** Why the mix failed: the job's fatal error, or an upload's. */
    private String errorCode;

    private String errorMessage;
    private long endedAtMillis;

    MixState(String id, MixSpec spec, String uploadToken, long createdAtMillis) {
        this.id = id;
        this.spec = spec;
        this.uploadToken = uploadToken;
        this.createdAtMillis = createdAtMillis;
        int n = spec.stems.size();
        this.uploads = new Upload[n];
        this.uploadedFrames = new long[n];
        this.uploadedBytes = new long[n];
        Arrays.fill(uploads, Upload.PENDING);
    }

    /** Claims a stem's upload: false when it has been claimed before (uploading, done or failed). */
    public synchronized boolean claim(int stem) {
        if (uploads[stem] != Upload.PENDING) {
            return false;
        }
        uploads[stem] = Upload.RECEIVING;
        return true;
    }

    /** Gives a claimed stem back (its upload was refused before any of it was sent): it may be uploaded again. */
    public synchronized void release(int stem) {
        if (uploads[stem] == Upload.RECEIVING) {
            uploads[stem] = Upload.PENDING;
        }
    }

    public synchronized Upload upload(int stem) {
        return uploads[stem];
    }

    /**
     * The request to send before the first chunk, once: null when it was sent already. The expected length is the
     * client's, else the first stem's declared one (an estimate for progress until the song's end is known).
     */
    public synchronized MixRequest requestToSend(long declaredFrames, long nowMillis) {
        if (sent != null) {
            return null;
        }
        Long expected = spec.seconds != null
                ? Long.valueOf(Math.round(spec.seconds * spec.sampleRate))
                : declaredFrames > 0 ? Long.valueOf(declaredFrames) : null;
        sent = spec.toRequest(id, uploadToken, nowMillis, expected);
        return sent;
    }

    public synchronized void received(int stem, long frames, long bytes) {
        uploadedFrames[stem] += frames;
        uploadedBytes[stem] += bytes;
    }

    public synchronized void uploaded(int stem) {
        uploads[stem] = Upload.DONE;
    }

    /** An upload failed half-way: the mix cannot complete correctly, so it fails here with the upload's reason. */
    public synchronized void uploadFailed(int stem, String code, String message, long nowMillis) {
        uploads[stem] = Upload.FAILED;
        fail(code, "stem " + stem + " (" + spec.stems.get(stem).getName() + "): " + message, nowMillis);
    }

    public synchronized void progress(MixProgress p) {
        if (progress == null || p.getSegmentsDone() >= progress.getSegmentsDone()) {
            progress = p;
        }
    }

    public synchronized void result(MixResult r, long nowMillis) {
        result = r;
        if (r.getStatus() == MixStatus.FAILED) {
            fail(r.getErrorCode() == null ? "INTERNAL" : r.getErrorCode().name(), r.getErrorMessage(), nowMillis);
        } else if (endedAtMillis == 0) {
            endedAtMillis = nowMillis;
        }
    }

    public synchronized void error(MixError e, long nowMillis) {
        if (e.getFatal()) {
            fail(e.getCode().name(), e.getMessage(), nowMillis);
        }
    }

    private void fail(String code, String message, long nowMillis) {
        if (errorCode == null) {
            errorCode = code;
            errorMessage = message;
        }
        if (endedAtMillis == 0) {
            endedAtMillis = nowMillis;
        }
    }

    public synchronized Status status() {
        if (errorCode != null) {
            return Status.FAILED;
        }
        if (result != null) {
            return result.getStatus() == MixStatus.COMPLETED ? Status.COMPLETED : Status.FAILED;
        }
        boolean any = false;
        boolean all = true;
        for (Upload u : uploads) {
            any |= u != Upload.PENDING;
            all &= u == Upload.DONE;
        }
        return all ? Status.MIXING : any ? Status.UPLOADING : Status.AWAITING_UPLOAD;
    }

    /** When the mix completed or failed (0 while it runs). */
    public synchronized long endedAtMillis() {
        return endedAtMillis;
    }

    /** The API's view of the mix ({@code GET /api/v1/mixes/{id}}). */
    public synchronized ObjectNode toJson(String self) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("id", id);
        o.put("status", status().name());
        o.put("createdAtMillis", createdAtMillis);
        o.put("sampleRate", spec.sampleRate);
        o.set("model", AvroJson.of(spec.model));
        ArrayNode stems = o.putArray("stems");
        for (StemSpec s : spec.stems) {
            int i = s.getIndex();
            ObjectNode so = stems.addObject();
            so.put("index", i);
            so.put("name", s.getName());
            so.put("role", s.getRole().name());
            so.put("channels", s.getChannels());
            so.put("upload", uploads[i].name());
            so.put("uploadedFrames", uploadedFrames[i]);
            so.put("uploadedBytes", uploadedBytes[i]);
            so.put("uploadUrl", self + "/stems/" + i);
        }
        if (progress != null) {
            ObjectNode p = AvroJson.of(progress);
            p.remove("mixId");
            if (progress.getFramesTotal() != null && progress.getFramesTotal() > 0) {
                p.put("percent", Math.min(100.0, 100.0 * progress.getFramesDone() / progress.getFramesTotal()));
            }
            o.set("progress", p);
        }
        if (result != null) {
            ObjectNode r = AvroJson.of(result);
            r.remove("mixId");
            o.set("result", r);
        }
        if (errorCode != null) {
            ObjectNode e = o.putObject("error");
            e.put("code", errorCode);
            e.put("message", errorMessage);
        }
        o.putObject("links").put("self", self);
        return o;
    }
}
