package ai.aimix.gateway.mix;

import ai.aimix.gateway.api.AvroJson;
import ai.aimix.gateway.audio.MixAudio;
import ai.aimix.gateway.audio.VariantAudio;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.Variant;
import ai.aimix.schema.VariantResult;
import ai.aimix.schema.codec.Pcm;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * One mix created through this gateway: its spec, the upload state of each stem, and what the job has said about it
 * (progress, result, fatal error). Thread-safe: uploads, the contract listener and readers meet here. Every send to
 * the mix's subscribers happens under this object's lock (pings too: {@link #ping}), so a subscriber's socket is
 * written by one thread at a time.
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
    /** The id of the API key that created the mix: only it sees the mix. */
    public final String owner;

    public final MixSpec spec;
    public final String uploadToken;
    public final long createdAtMillis;
    /** The mixed audio as it arrives from mix.output. */
    public final MixAudio audio;

    private final StemWatcher watcher;

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
    private final List<Subscriber> subscribers = new ArrayList<>();
    /** Late subscribers still being sent the stored audio; live events wait in each until it has caught up. */
    private final List<Replay> replays = new ArrayList<>();
    /** The result has come but not yet all of its audio: the subscribers get it once the audio is in. */
    private boolean resultPending;
    /** Told once, when the mix has ended (the webhooks). */
    private final Consumer<MixState> onEnd;

    private boolean endTold;

    MixState(
            String id,
            String owner,
            MixSpec spec,
            String uploadToken,
            long createdAtMillis,
            MixAudio audio,
            Consumer<MixState> onEnd,
            StemWatcher watcher) {
        this.onEnd = onEnd;
        this.watcher = watcher;
        this.id = id;
        this.owner = owner;
        this.audio = audio;
        this.spec = spec;
        this.uploadToken = uploadToken;
        this.createdAtMillis = createdAtMillis;
        int n = spec.stems.size();
        this.uploads = new Upload[n];
        this.uploadedFrames = new long[n];
        this.uploadedBytes = new long[n];
        Arrays.fill(uploads, Upload.PENDING);
    }

    /** Told of each move of a stem's upload made here (not of those another replica reports). */
    @FunctionalInterface
    public interface StemWatcher {
        void moved(MixState mix, int stem, Upload state, long frames, long bytes, String code, String message);

        StemWatcher NONE = (mix, stem, state, frames, bytes, code, message) -> {};
    }

    /**
     * Claims a stem's upload: false when it has been claimed before (uploading, done or failed), here or on another
     * replica that said so.
     */
    public synchronized boolean claim(int stem) {
        if (uploads[stem] != Upload.PENDING) {
            return false;
        }
        uploads[stem] = Upload.RECEIVING;
        watcher.moved(this, stem, Upload.RECEIVING, 0, 0, null, null);
        return true;
    }

    /** Gives a claimed stem back (its upload was refused before any of it was sent): it may be uploaded again. */
    public synchronized void release(int stem) {
        if (uploads[stem] == Upload.RECEIVING) {
            uploads[stem] = Upload.PENDING;
            watcher.moved(this, stem, Upload.PENDING, 0, 0, null, null);
        }
    }

    /**
     * A stem's upload as another replica reports it (it took the stem): its state here too, its counts when done,
     * and the mix failed here too when the upload failed there.
     */
    public synchronized void remote(StemRecord r, long nowMillis) {
        if (r.stem() < 0 || r.stem() >= uploads.length) {
            return;
        }
        uploads[r.stem()] = r.state();
        if (r.state() == Upload.DONE) {
            uploadedFrames[r.stem()] = r.frames();
            uploadedBytes[r.stem()] = r.bytes();
            if (r.encoding() != null) {
                // on a cluster the stem store is shared: this replica renders from the stem the other wrote
                audio.storedElsewhere(r.stem(), spec.stems.get(r.stem()).getChannels(), r.encoding(), r.frames());
            }
        } else if (r.state() == Upload.FAILED) {
            fail(
                    r.code() == null ? "INTERNAL" : r.code(),
                    "stem " + r.stem() + " (" + spec.stems.get(r.stem()).getName() + "): " + r.message(),
                    nowMillis);
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

    /**
     * The mix's request is on mix.requests (seen by the listener): another replica may have sent it, taking a stem's
     * upload; this one sends none then.
     */
    public synchronized void requestSeen(MixRequest request) {
        if (sent == null) {
            sent = request;
        }
    }

    public synchronized void received(int stem, long frames, long bytes) {
        uploadedFrames[stem] += frames;
        uploadedBytes[stem] += bytes;
    }

    public synchronized void uploaded(int stem) {
        uploads[stem] = Upload.DONE;
        watcher.moved(this, stem, Upload.DONE, uploadedFrames[stem], uploadedBytes[stem], null, null);
    }

    /** An upload failed half-way: the mix cannot complete correctly, so it fails here with the upload's reason. */
    public synchronized void uploadFailed(int stem, String code, String message, long nowMillis) {
        uploads[stem] = Upload.FAILED;
        fail(code, "stem " + stem + " (" + spec.stems.get(stem).getName() + "): " + message, nowMillis);
        watcher.moved(this, stem, Upload.FAILED, uploadedFrames[stem], uploadedBytes[stem], code, message);
    }

    public synchronized void progress(MixProgress p) {
        if (progress == null || p.getSegmentsDone() >= progress.getSegmentsDone()) {
            progress = p;
            publish(event("progress").setAll(progressJson()));
        }
    }

    /** A chunk of mixed audio from mix.output: stored, and sent to the subscribers as 16-bit PCM with its peaks. */
    public synchronized void output(MixOutputChunk c) {
        audio.append(c);
        if (!subscribers.isEmpty()) {
            // made once, sent to every subscriber (the binary message's bytes shared, each with its own position)
            float[] samples = Pcm.decode(c.getData(), c.getEncoding());
            AudioEvent e = audioEvent(c.getVariant(), c.getStartFrame(), samples, samples.length);
            for (Subscriber s : subscribers) {
                e.sendTo(s);
            }
        }
        if (resultPending && audioComplete()) {
            publishResult();
        }
    }

    /**
     * Every variant the result names has all of its audio here. The topics carry no order between them (a
     * transaction's records on mix.results may be read before those on mix.output), so a completed mix's result is
     * held back from the subscribers until its audio is in: they get every frame before the result.
     */
    private boolean audioComplete() {
        for (VariantResult v : result.getVariants()) {
            VariantAudio a = audio.variant(v.getVariant());
            if (a == null || !a.complete()) {
                return false;
            }
        }
        return true;
    }

    private void publishResult() {
        resultPending = false;
        publish(event("result").set("result", resultJson()));
        endSubscribers();
        tellEnd();
    }

    private void tellEnd() {
        if (!endTold) {
            endTold = true;
            audio.settle();
            onEnd.accept(this);
        }
    }

    /** What a webhook says of the ended mix: id, event, status, links, loudness per variant or the error. */
    public synchronized ObjectNode endNotice(String self) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        Status s = status();
        o.put("id", id);
        o.put("event", s == Status.COMPLETED ? "mix.completed" : "mix.failed");
        o.put("status", s.name());
        o.put("endedAtMillis", endedAtMillis);
        ObjectNode links = o.putObject("links");
        links.put("self", self);
        if (s == Status.COMPLETED) {
            links.put("audio", self + "/audio");
            ArrayNode variants = o.putArray("variants");
            for (VariantResult v : result.getVariants()) {
                ObjectNode vo = variants.addObject();
                vo.put("variant", v.getVariant().name());
                vo.put("modelVersion", v.getModelVersion());
                if (v.getIntegratedLufs() != null) {
                    vo.put("integratedLufs", v.getIntegratedLufs());
                }
                if (v.getTruePeakDbtp() != null) {
                    vo.put("truePeakDbtp", v.getTruePeakDbtp());
                }
            }
        } else if (errorCode != null) {
            o.putObject("error").put("code", errorCode).put("message", errorMessage);
        }
        return o;
    }

    public synchronized void result(MixResult r, long nowMillis) {
        result = r;
        if (r.getStatus() == MixStatus.FAILED) {
            fail(r.getErrorCode() == null ? "INTERNAL" : r.getErrorCode().name(), r.getErrorMessage(), nowMillis);
        } else if (endedAtMillis == 0) {
            endedAtMillis = nowMillis;
        }
        if (r.getStatus() == MixStatus.COMPLETED && !audioComplete()) {
            resultPending = true;
        } else {
            publishResult();
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
            publish(event("error").put("code", code).put("message", message));
        }
        if (endedAtMillis == 0) {
            endedAtMillis = nowMillis; // before the webhook's notice is made: it carries the time
        }
        if (!resultPending) {
            tellEnd();
        }
    }

    /** The job's result, or null before it came. */
    public synchronized MixResult result() {
        return result;
    }

    public synchronized Status status() {
        if (errorCode != null) {
            return Status.FAILED;
        }
        if (result != null) {
            // a completed mix is COMPLETED once its audio is all here too (so its download is ready)
            return result.getStatus() != MixStatus.COMPLETED
                    ? Status.FAILED
                    : resultPending ? Status.MIXING : Status.COMPLETED;
        }
        // a mix another replica takes the uploads of: uploading here once its request or progress is seen
        boolean any = sent != null || progress != null;
        boolean all = true;
        for (Upload u : uploads) {
            any |= u != Upload.PENDING;
            all &= u == Upload.DONE;
        }
        return all ? Status.MIXING : any ? Status.UPLOADING : Status.AWAITING_UPLOAD;
    }

    /** The mix is no longer kept: its audio goes, and its subscribers are told. */
    synchronized void forget() {
        endSubscribers();
        for (Replay r : replays) {
            r.subscriber.onWritten(null);
            r.subscriber.end();
        }
        replays.clear();
        audio.close();
    }

    // ------------------------------------------------------------------------------------------------ events

    /** Frames of stored audio sent per message to a subscriber who joins late. */
    static final int REPLAY_FRAMES = 16384;
    /**
     * Most bytes a late subscriber's replay keeps waiting on its connection: the next block of stored audio is sent
     * only when its backlog is below this, so replaying a long mix does not queue the whole of it at once.
     */
    static final long REPLAY_WINDOW_BYTES = 1L << 20;
    /** Bytes before the samples of a binary audio message: variant ordinal, frames (int32), start frame (int64). */
    public static final int AUDIO_HEADER_BYTES = 16;

    /**
     * A new subscriber: gets the state so far first (the mix as {@code GET} shows it, then every frame of mixed audio
     * stored so far), then each event as it happens; if the mix has ended it is told so after its audio. The stored
     * audio is replayed at the pace the subscriber writes it ({@link Subscriber#backlog()}); events that happen
     * meanwhile wait until it has caught up (its audio is read from the store), so the order is the same as for a
     * subscriber who was there from the start.
     */
    public synchronized void subscribe(Subscriber s, String self) {
        s.text(event("state").set("mix", toJson(self)).toString());
        Replay r = new Replay(s);
        replays.add(r);
        s.onWritten(() -> pump(r));
        pump(r);
    }

    /** A late subscriber catching up: how far into each variant's stored audio it has been sent. */
    private static final class Replay {
        final Subscriber subscriber;
        final long[] sentFrames = new long[Variant.values().length];
        /** Events that happened during the replay, sent once it has caught up. */
        final List<String> held = new ArrayList<>();

        boolean ended;
        boolean pumping;
        boolean again;

        Replay(Subscriber subscriber) {
            this.subscriber = subscriber;
        }
    }

    /**
     * Sends a replaying subscriber stored audio while its backlog is below the window; once every variant is sent up
     * to what is stored, sends the held events and makes it a live subscriber (or ends it). Called again by the
     * subscriber after each write; a write that completes inside a send re-enters on the same thread and is looped
     * here instead of recursing.
     */
    private synchronized void pump(Replay r) {
        if (!replays.contains(r)) {
            return;
        }
        if (r.pumping) {
            r.again = true;
            return;
        }
        r.pumping = true;
        try {
            do {
                r.again = false;
                while (r.subscriber.backlog() < REPLAY_WINDOW_BYTES) {
                    if (!sendNextBlock(r)) {
                        caughtUp(r);
                        return;
                    }
                }
            } while (r.again);
        } finally {
            r.pumping = false;
        }
    }

    /** Sends the next block of stored audio the subscriber has not had: false when it has had all there is. */
    private boolean sendNextBlock(Replay r) {
        for (Variant v : Variant.values()) {
            VariantAudio a = audio.variant(v);
            long from = r.sentFrames[v.ordinal()];
            if (a == null || from >= a.frames()) {
                continue;
            }
            int frames = (int) Math.min(REPLAY_FRAMES, a.frames() - from);
            float[] block = new float[frames * VariantAudio.CHANNELS];
            try {
                int got = a.read(from * VariantAudio.CHANNELS, block, block.length);
                audioEvent(v, from, block, got).sendTo(r.subscriber);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            r.sentFrames[v.ordinal()] = from + frames;
            return true;
        }
        return false;
    }

    private void caughtUp(Replay r) {
        replays.remove(r);
        r.subscriber.onWritten(null);
        for (String text : r.held) {
            r.subscriber.text(text);
        }
        if (r.ended || ((endedAtMillis != 0 || result != null) && !resultPending)) {
            r.subscriber.end();
        } else {
            subscribers.add(r.subscriber);
        }
    }

    /** Pings a subscriber, under this lock like every other send to it: its socket is written by one thread at a time. */
    public synchronized void ping(Subscriber s) {
        s.ping();
    }

    public synchronized void unsubscribe(Subscriber s) {
        subscribers.remove(s);
        replays.removeIf(r -> r.subscriber == s);
    }

    /** Subscribers of this mix, live or still being sent its stored audio. */
    public synchronized int subscribers() {
        return subscribers.size() + replays.size();
    }

    /** An {@code audio} event: its JSON text (with the block's peaks) and the binary message of its 16-bit PCM. */
    private record AudioEvent(String text, ByteBuffer binary) {
        void sendTo(Subscriber s) {
            s.text(text);
            s.binary(binary.duplicate());
        }
    }

    private static AudioEvent audioEvent(Variant v, long startFrame, float[] samples, int n) {
        int ch = VariantAudio.CHANNELS;
        int frames = n / ch;
        float[] peaks = {0, 0, 0, 0};
        for (int i = 0; i < frames * ch; i++) {
            int c = i % ch;
            peaks[2 * c] = Math.min(peaks[2 * c], samples[i]);
            peaks[2 * c + 1] = Math.max(peaks[2 * c + 1], samples[i]);
        }
        ObjectNode e = event("audio");
        e.put("variant", v.name()).put("startFrame", startFrame).put("frames", frames);
        ArrayNode p = e.putArray("peaks");
        for (float x : peaks) {
            p.add(x);
        }
        ByteBuffer pcm = Pcm.encode(samples, 0, frames * ch, SampleEncoding.PCM_S16LE);
        ByteBuffer msg =
                ByteBuffer.allocate(AUDIO_HEADER_BYTES + pcm.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        msg.putInt(v.ordinal()).putInt(frames).putLong(startFrame).put(pcm);
        msg.flip();
        return new AudioEvent(e.toString(), msg);
    }

    private static ObjectNode event(String type) {
        return JsonNodeFactory.instance.objectNode().put("type", type);
    }

    private void publish(ObjectNode e) {
        String text = e.toString();
        for (Subscriber s : subscribers) {
            s.text(text);
        }
        for (Replay r : replays) {
            r.held.add(text);
        }
    }

    /** The mix has ended: live subscribers are told now, replaying ones once they have had all of its audio. */
    private void endSubscribers() {
        for (Subscriber s : subscribers) {
            s.end();
        }
        subscribers.clear();
        for (Replay r : replays) {
            r.ended = true;
        }
    }

    private ObjectNode progressJson() {
        ObjectNode p = AvroJson.of(progress);
        p.remove("mixId");
        if (progress.getFramesTotal() != null && progress.getFramesTotal() > 0) {
            p.put("percent", Math.min(100.0, 100.0 * progress.getFramesDone() / progress.getFramesTotal()));
        }
        return p;
    }

    private ObjectNode resultJson() {
        ObjectNode r = AvroJson.of(result);
        r.remove("mixId");
        return r;
    }

    /** When the mix completed or failed (0 while it runs). */
    public synchronized long endedAtMillis() {
        return endedAtMillis;
    }

    /** The JSON of an ended mix (it no longer changes), encoded once: a finished mix's result is large. */
    private byte[] endedJson;

    /** {@link #endedJson} gzipped, made on the first request that accepts it. */
    private byte[] endedGzip;

    /**
     * {@link #toJsonBytes} gzipped, for a client that accepts it, once the mix has completed (null before: a running
     * mix's document changes with every event, and is small).
     */
    public synchronized byte[] toJsonGzip(String self) {
        if (endedGzip == null) {
            byte[] json = toJsonBytes(self);
            if (endedJson == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4);
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            endedGzip = out.toByteArray();
        }
        return endedGzip;
    }

    /** {@link #toJson} as UTF-8 JSON, kept once the mix has completed and its audio is in. */
    public synchronized byte[] toJsonBytes(String self) {
        if (endedJson != null) {
            return endedJson;
        }
        byte[] json = toJson(self).toString().getBytes(StandardCharsets.UTF_8);
        // only a completed mix whose result is out stops changing (a failed one may still hear of its uploads, or
        // get the job's result after the gateway's own failure)
        if (status() == Status.COMPLETED && !resultPending) {
            endedJson = json;
        }
        return json;
    }

    /** The API's view of the mix ({@code GET /api/v1/mixes/{id}}). */
    public synchronized ObjectNode toJson(String self) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("id", id);
        o.put("status", status().name());
        o.put("createdAtMillis", createdAtMillis);
        o.put("sampleRate", spec.sampleRate);
        if (spec.excerpt != null) {
            // the excerpt asked for, in the request's units and as the frames the job mixes
            o.putObject("preview")
                    .put("startSeconds", (double) spec.excerpt.getStartFrame() / spec.sampleRate)
                    .put("seconds", (double) spec.excerpt.getFrames() / spec.sampleRate)
                    .put("startFrame", spec.excerpt.getStartFrame())
                    .put("frames", spec.excerpt.getFrames());
        }
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
            o.set("progress", progressJson());
        }
        if (result != null) {
            o.set("result", resultJson());
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
