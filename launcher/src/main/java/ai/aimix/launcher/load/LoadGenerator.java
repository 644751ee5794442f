package ai.aimix.launcher.load;

import ai.aimix.cache.Caches;
import ai.aimix.clients.audio.FrameSource;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.clients.kafka.StemProducer;
import ai.aimix.gateway.Gateway;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.launcher.bench.BenchGateway;
import ai.aimix.launcher.bench.HeapSampler;
import ai.aimix.launcher.bench.ProcessCpu;
import ai.aimix.launcher.bench.SeededModel;
import ai.aimix.launcher.bench.ThreadCpu;
import ai.aimix.launcher.cluster.FlinkRest;
import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.schema.Excerpt;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixStatus;
import ai.aimix.schema.ModelSelection;
import ai.aimix.schema.ParameterOverride;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.codec.ModelSelections;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./aimix load}: the embedded stack loaded as a population of users would load it. Mixes arrive as a
 * Poisson process; each is a new song, a preview (a 30-second excerpt of one), a re-mix of a song seen before with
 * another preset, or a battle of a pool song; its stems go up as parallel streams through the gateway (or straight
 * to Kafka). Reports what completed and failed, sustained throughput, latencies, CPU per mix and where it went, heap,
 * RocksDB, consumer lag over time, and the cost per mix at the given prices.
 */
public final class LoadGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Opponent of battles: a seeded model published for the run. */
    static final String OPPONENT = "mixnet-load-opponent";
    /** How often lag, heap, RocksDB and CPU are sampled. */
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(5);
    /** How long the gateway path tries again to create a mix answered 503 (broker unreachable). */
    static final Duration CREATE_RETRIES_FOR = Duration.ofMinutes(2);
    /** How long a store fault waits after publishing its model before battles name it. */
    static final Duration ANNOUNCE = Duration.ofSeconds(2);
    /** Re-mixes' preset: another loudness target and one stem louder. */
    static final float REMIX_TARGET_LUFS = -16f;

    static final float REMIX_GAIN_DB = 2f;
    /** Thread groups named in the report's CPU breakdown. */
    static final int CPU_GROUPS_SHOWN = 14;
    /** Frames encoded at a time for an uploaded stem. */
    static final int WAV_BLOCK_FRAMES = 4096;
    /** Songs remembered for re-mixes. */
    static final int REMEMBERED = 64;

    enum Kind {
        NEW,
        PREVIEW,
        REMIX,
        BATTLE
    }

    /** One mix as offered. */
    record Offer(String id, Kind kind, int sampleRate, double seconds, int stems, long songSeed) {}

    /** One mix as it went. */
    static final class Outcome {
        final Offer offer;
        volatile long sentNanos;
        volatile long firstChunkNanos;
        volatile long lastChunkNanos;
        /** The same instant on the wall clock (epoch millis), to compare with the result record's timestamp. */
        volatile long lastChunkMillis;

        volatile String sendError;
        /** Bytes of PCM sent (16-bit). */
        volatile long bytesSent;

        volatile LoadCollector.Seen seen;
        /** Creations answered 503 and tried again (the gateway path). */
        volatile int createRetries;
        /** The opponent a battle named; null for other mixes. */
        volatile String opponent;

        Outcome(Offer offer) {
            this.offer = offer;
        }
    }

    private final Configuration config;
    private final LoadSettings s;
    /** What a fault's task observed, for the report (filled while it runs). */
    private final ObjectNode faultDetails = JSON.createObjectNode();
    /** The model battles are fought against: {@link #OPPONENT}, or the one a {@code store} fault publishes. */
    private volatile String opponent = OPPONENT;

    public LoadGenerator(Configuration config, LoadSettings settings) {
        this.config = config;
        this.s = settings;
    }

    public ObjectNode run() throws Exception {
        HeapSampler heap = new HeapSampler();
        heap.start();
        KeyLimits d = KeyLimits.defaults();
        BenchGateway g = s.kafka()
                ? null
                : BenchGateway.start(
                        config,
                        new KeyLimits(1_000_000, 10_000, d.maxUploadBytes(), 16, d.maxSeconds()),
                        s.gatewayRetention());
        EmbeddedStack stack = g != null ? g.stack : EmbeddedStack.start(config, null, 0);
        try {
            SeededModel.publish(stack, OPPONENT, 4242, "load: battle opponent");
            LoadSongs songs = new LoadSongs(List.of(44_100, 48_000), s.seed());
            KafkaConnection kafka = KafkaConnection.plain(stack.bootstrapServers());
            try (LoadCollector collector = new LoadCollector(kafka, stack.topics());
                    Admin admin = Admin.create(kafka.properties())) {
                return offer(stack, g, songs, collector, admin, heap);
            }
        } finally {
            heap.stop();
            if (g != null) {
                g.close();
            } else {
                stack.close();
            }
        }
    }

    private ObjectNode offer(
            EmbeddedStack stack,
            BenchGateway g,
            LoadSongs songs,
            LoadCollector collector,
            Admin admin,
            HeapSampler heap)
            throws Exception {
        SplittableRandom random = new SplittableRandom(s.seed());
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        List<Offer> seenSongs = Collections.synchronizedList(new ArrayList<>());
        ExecutorService senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "aimix-load-sender");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .executor(senders)
                .build();
        ArrayNode samples = JSON.createArrayNode();
        Path rocksdb = Path.of(stack.config().getString("state.backend.rocksdb.localdir", "."));
        AtomicInteger inFlight = new AtomicInteger();
        Arrivals arrivals = new Arrivals(random, seenSongs, senders, stack, g, http, songs, collector, inFlight);
        if (!s.warmUp().isZero()) {
            // the warm-up (JIT, sessions, caches filled): offered, then drained, and left out of every figure
            List<Outcome> warm = new ArrayList<>();
            long until = System.nanoTime() + s.warmUp().toNanos();
            while (System.nanoTime() < until) {
                arrivals.offerDue(warm, Integer.MAX_VALUE);
                arrivals.sleepUntilNext(until);
            }
            long drainEnd = System.nanoTime() + s.drain().toNanos();
            while (System.nanoTime() < drainEnd && !allDone(warm)) {
                Thread.sleep(100);
            }
            arrivals.restartClock();
        }
        AtomicLong maxLag = new AtomicLong();
        ObjectNode before = footprint(rocksdb);
        long rocksAtStart = sizeOf(rocksdb);
        heap.reset();
        ThreadCpu threads = ThreadCpu.snapshot();
        long cpu0 = ProcessCpu.nanos();
        long t0 = System.nanoTime();
        long t0Millis = System.currentTimeMillis();
        long end = t0 + s.duration().toNanos();
        long nextSample = t0;
        long[] faultTimes = new long[2];
        Future<?> fault = null;
        while (System.nanoTime() < end && outcomes.size() < s.maxMixes()) {
            long now = System.nanoTime();
            if (s.fault() != null && fault == null && now - t0 >= s.fault().at().toNanos()) {
                faultTimes[0] = now;
                fault = senders.submit(() -> inject(stack, collector, faultTimes));
            }
            if (now >= nextSample) {
                samples.add(sample(stack, admin, rocksdb, inFlight, maxLag, (now - t0) / 1e9));
                nextSample += SAMPLE_INTERVAL.toNanos();
            }
            arrivals.offerDue(outcomes, s.maxMixes());
            arrivals.sleepUntilNext(Math.min(end, nextSample));
        }
        long offeredUntil = System.nanoTime();
        // drain: wait for every result (or the drain limit), sampling on
        long drainEnd = offeredUntil + s.drain().toNanos();
        while (System.nanoTime() < drainEnd && !allDone(outcomes)) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                samples.add(sample(stack, admin, rocksdb, inFlight, maxLag, (now - t0) / 1e9));
                nextSample += SAMPLE_INTERVAL.toNanos();
            }
            Thread.sleep(100);
        }
        long finished = System.nanoTime();
        samples.add(sample(stack, admin, rocksdb, inFlight, maxLag, (finished - t0) / 1e9));
        String faultError = null;
        if (fault != null) {
            try {
                fault.get(); // the broker is back (or the flood sent) before anything is stopped
            } catch (ExecutionException e) {
                faultError = e.getCause().toString();
            }
        }
        double cpuSeconds = (ProcessCpu.nanos() - cpu0) / 1e9;
        ThreadCpu.Usage usage = threads.usage();
        // after the load: let checkpoints, compactions and timers (ended mixes' tombstones) run, then look again
        Thread.sleep(s.settle().toMillis());
        ObjectNode after = footprint(rocksdb);
        senders.shutdownNow();
        ObjectNode r = report(
                outcomes,
                samples,
                t0,
                offeredUntil,
                finished,
                cpuSeconds,
                usage,
                heap,
                rocksAtStart,
                rocksdb,
                maxLag.get(),
                stack);
        r.put("error_records", collector.errorRecords());
        r.set("footprint_before", before);
        r.set("footprint_after_settle", after);
        r.put("settle_s", s.settle().toSeconds());
        if (s.fault() != null) {
            r.set("fault", faultReport(fault == null ? null : faultTimes, faultError, outcomes, t0, t0Millis));
        }
        return r;
    }

    /** The generator's own threads (sending, encoding WAV, HTTP, its producers and consumer, sampling). */
    static boolean generatorThread(String group) {
        return group.startsWith("aimix-load")
                || group.startsWith("HttpClient")
                || group.contains("aimix-stem-producer")
                || group.contains("aimix-load")
                || group.startsWith("kafka-admin-client-thread")
                || group.equals("main");
    }

    /** The arrival process: Poisson, each arrival drawn and sent on a sender thread. */
    private final class Arrivals {
        private final SplittableRandom random;
        private final List<Offer> seenSongs;
        private final ExecutorService senders;
        private final EmbeddedStack stack;
        private final BenchGateway g;
        private final HttpClient http;
        private final LoadSongs songs;
        private final LoadCollector collector;
        private final AtomicInteger inFlight;
        private long next = System.nanoTime();
        private int drawn;

        Arrivals(
                SplittableRandom random,
                List<Offer> seenSongs,
                ExecutorService senders,
                EmbeddedStack stack,
                BenchGateway g,
                HttpClient http,
                LoadSongs songs,
                LoadCollector collector,
                AtomicInteger inFlight) {
            this.random = random;
            this.seenSongs = seenSongs;
            this.senders = senders;
            this.stack = stack;
            this.g = g;
            this.http = http;
            this.songs = songs;
            this.collector = collector;
            this.inFlight = inFlight;
        }

        /** Offers every arrival that is due (into {@code into}, up to {@code max} there). */
        void offerDue(List<Outcome> into, int max) {
            while (System.nanoTime() >= next && into.size() < max) {
                Outcome out = new Outcome(draw(random, drawn++, seenSongs));
                into.add(out);
                inFlight.incrementAndGet();
                senders.submit(() -> {
                    try {
                        send(stack, g, http, songs, collector, out);
                    } catch (Exception | Error e) {
                        out.sendError = e.toString();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
                // exponential gaps of mean 60 / rate seconds
                next += (long) (-Math.log(1 - random.nextDouble()) * 60e9 / s.ratePerMinute());
            }
        }

        void sleepUntilNext(long notAfter) throws InterruptedException {
            long wait = Math.min(next, notAfter) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }

        /** The next arrival from now (after the warm-up's drain). */
        void restartClock() {
            next = System.nanoTime();
        }
    }

    /** Injects the run's fault; {@code times[1]} gets its end (nanoTime; read after the task's future). */
    private void inject(EmbeddedStack stack, LoadCollector collector, long[] times) {
        Fault f = s.fault();
        try {
            if (f.kind() == Fault.Kind.BROKER) {
                stack.restartKafka(f.length());
            } else if (f.kind() == Fault.Kind.READER) {
                collector.stopReading(f.length());
                Thread.sleep(f.length().toMillis());
            } else if (f.kind() == Fault.Kind.STORE) {
                storeOutage(stack, f.length());
            } else if (f.kind() == Fault.Kind.DISK) {
                diskFull(stack, f.length(), times);
            } else {
                try (StemProducer raw = new StemProducer(stack.bootstrapServers(), stack.topics())) {
                    SplittableRandom r = new SplittableRandom(s.seed() ^ f.records());
                    for (int i = 0; i < f.records(); i++) {
                        byte[] garbage = new byte[64 + r.nextInt(960)];
                        r.nextBytes(garbage);
                        raw.sendRaw(stack.topics().chunks, "garbage-" + i, garbage);
                    }
                    raw.flush();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("injecting " + f + " failed", e);
        } finally {
            if (times[1] == 0) { // a disk fault notes when the space returned, before waiting for recovery
                times[1] = System.nanoTime();
            }
        }
    }

    /**
     * The problem with a {@code disk} fault in this configuration, or null: it fills the filesystem of the checkpoint
     * directory, which must be named ({@code execution.checkpointing.dir}, a {@code file:} URI) and on a filesystem
     * of its own: not the one of the temporary directory, where the embedded broker keeps its data.
     */
    public static String diskFaultProblem(Configuration config) {
        String dir = config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        if (dir == null) {
            return "--fault disk needs -Dexecution.checkpointing.dir=file:///... on a filesystem of its own"
                    + " (e.g. mount -t tmpfs -o size=512m tmpfs /mnt/aimix-checkpoints)";
        }
        try {
            Path p = localDir(dir).toAbsolutePath();
            while (!Files.exists(p) && p.getParent() != null) {
                p = p.getParent(); // the filesystem it would be made on
            }
            FileStore fs = Files.getFileStore(p);
            // the embedded stack's data (the broker's log, the model store), RocksDB's working files, and the system's
            for (String other :
                    List.of(System.getProperty("java.io.tmpdir"), "/tmp", "/", System.getProperty("user.home"))) {
                Path o = Path.of(other);
                if (Files.isDirectory(o) && fs.equals(Files.getFileStore(o))) {
                    return "--fault disk would fill " + fs + ", which " + other + " is on too: put"
                            + " execution.checkpointing.dir on a filesystem of its own";
                }
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return "--fault disk: execution.checkpointing.dir " + dir + ": " + e.getMessage();
        }
    }

    /**
     * The problem with a {@code store} fault in this configuration, or null: it moves the model store's directory away
     * and back, so the store must be a local directory.
     */
    public static String storeFaultProblem(Configuration config) {
        String store = config.getOptional(ModelStoreOptions.MODEL_STORE).orElse(null);
        if (store == null) {
            return null; // the embedded stack's own, under its data directory
        }
        try {
            localDir(store);
            return null;
        } catch (IllegalArgumentException e) {
            return "--fault store: " + ModelStoreOptions.MODEL_STORE.key() + " " + store + ": " + e.getMessage();
        }
    }

    /** A local directory named by a path or a {@code file:} URI; IllegalArgumentException for any other URI. */
    private static Path localDir(String dir) {
        URI uri = URI.create(dir);
        if (uri.getScheme() == null) {
            return Path.of(dir);
        }
        if (!"file".equals(uri.getScheme())) {
            throw new IllegalArgumentException("not a local directory (file:)");
        }
        return Path.of(uri);
    }

    /**
     * Fills the checkpoint directory's filesystem (a file written until the filesystem refuses more), keeps it full
     * for {@code length}, frees it, and notes the checkpoints that failed meanwhile, the job's restarts and how long
     * after the space returned the next checkpoint completed.
     */
    private void diskFull(EmbeddedStack stack, Duration length, long[] times) throws Exception {
        FlinkRest rest = new FlinkRest(URI.create(stack.uiUrl()));
        String job = stack.job().getJobID().toString();
        Path dir = localDir(stack.config().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        Path filler = dir.resolve("aimix-disk-fault.fill");
        faultDetails.set("checkpoints_before", checkpoints(rest, job));
        filler.toFile().deleteOnExit(); // and if this process dies meanwhile, the space still comes back
        try {
            faultDetails.put("filled_bytes", fill(filler));
            faultDetails.put("usable_bytes_left", Files.getFileStore(dir).getUsableSpace());
            Thread.sleep(length.toMillis());
        } finally {
            Files.deleteIfExists(filler); // first: nothing may keep the space from returning
        }
        long freed = System.nanoTime();
        times[1] = freed;
        JsonNode whileFull = checkpoints(rest, job);
        faultDetails.set("checkpoints_while_full", whileFull);
        long completed = whileFull.path("completed").asLong();
        long deadline = freed + RECOVERY_WAIT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            boolean ended = false;
            try {
                state = rest.state(job);
                if (rest.checkpointCounts(job).path("completed").asLong() > completed && "RUNNING".equals(state)) {
                    faultDetails.put(
                            "first_checkpoint_after_space_returned_s", round((System.nanoTime() - freed) / 1e9));
                    break;
                }
                ended = JobStatus.valueOf(state).isGloballyTerminalState();
            } catch (IOException e) {
                state = "REST: " + e.getMessage();
            }
            if (ended) {
                break;
            }
            Thread.sleep(100);
        }
        faultDetails.put("job_state", state);
        faultDetails.set("checkpoints_after", checkpoints(rest, job));
        try {
            faultDetails.put("job_restarted", rest.hasRestarted(job));
            ArrayNode failures = faultDetails.putArray("job_failures");
            rest.exceptions(job).stream().limit(5).forEach(failures::add);
        } catch (IOException e) {
            faultDetails.put("job_failures_error", e.getMessage());
        }
    }

    /** The job's checkpoint counts, or what kept the REST API from answering. */
    private static JsonNode checkpoints(FlinkRest rest, String job) throws InterruptedException {
        try {
            return rest.checkpointCounts(job);
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", e.getMessage());
        }
    }

    /**
     * Writes {@code file} until its filesystem refuses even a byte; returns the bytes written. A file that cannot be
     * made at all is an error, not a full disk.
     */
    static long fill(Path file) throws IOException {
        long written = 0;
        byte[] block = new byte[1 << 20];
        OutputStream out = Files.newOutputStream(file); // fails here (not full: no such directory, not allowed)
        try {
            for (int size = block.length; size > 0; ) {
                try {
                    out.write(block, 0, size);
                    written += size;
                } catch (IOException full) {
                    size /= 2; // and again, smaller, until not even a byte fits
                }
            }
        } finally {
            try {
                out.close();
            } catch (IOException full) {
                // nothing is buffered (an unbuffered stream): a close refused on a full disk loses nothing
            }
        }
        return written;
    }

    /** How long a disk fault waits, after freeing the space, for the next completed checkpoint. */
    static final Duration RECOVERY_WAIT = Duration.ofMinutes(5);

    /**
     * A new battle opponent published and announced, then the model store's directory moved away for {@code length}
     * (unreadable: as root, permissions would not stop the job's reads) and back: battles sent meanwhile name a model
     * no TaskManager has loaded.
     */
    private void storeOutage(EmbeddedStack stack, Duration length) throws Exception {
        String fresh = OPPONENT + "-" + System.currentTimeMillis();
        SeededModel.publish(stack, fresh, 4243, "load: opponent published before a store outage");
        Path store = localDir(stack.config().get(ModelStoreOptions.MODEL_STORE));
        Path away = store.resolveSibling(store.getFileName() + ".unreadable");
        Files.move(store, away);
        try {
            // the registry's record reaches the gateway's and the job's views over Kafka within a poll or two
            Thread.sleep(Math.min(ANNOUNCE.toMillis(), length.toMillis()));
            opponent = fresh;
            Thread.sleep(Math.max(0, length.minus(ANNOUNCE).toMillis()));
        } finally {
            if (Files.exists(store)) {
                throw new IllegalStateException(
                        store + " was made again during the outage; the store itself is at " + away + ": move it back");
            }
            Files.move(away, store);
        }
    }

    /**
     * What the fault did: when it began and ended, the mixes whose upload or result fell in it, how long after its
     * end the next mix completed, and results duplicated (exactly once: none).
     */
    private ObjectNode faultReport(long[] times, String error, List<Outcome> outcomes, long t0, long t0Millis) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", s.fault().kind().name().toLowerCase());
        if (times == null || error != null) {
            n.put("injected", false);
            n.put("error", error == null ? "the run ended before the fault was due" : error);
            return n;
        }
        n.put("injected", true);
        n.put("began_s", round((times[0] - t0) / 1e9));
        n.put("ended_s", round((times[1] - t0) / 1e9));
        if (s.fault().kind() == Fault.Kind.FLOOD) {
            n.put("garbage_records", s.fault().records());
        }
        long nextResult = Long.MAX_VALUE;
        int affected = 0;
        int duplicates = 0;
        for (Outcome o : outcomes) {
            LoadCollector.Seen seen = o.seen;
            if (seen == null) {
                continue;
            }
            duplicates += seen.duplicateResults;
            if (o.sentNanos < times[1] && (seen.resultNanos == 0 || seen.resultNanos > times[0])) {
                affected++;
            }
            if (seen.status == MixStatus.COMPLETED && seen.resultNanos > times[1]) {
                nextResult = Math.min(nextResult, seen.resultNanos);
            }
        }
        n.put("mixes_in_flight_during_it", affected);
        n.put(
                "creations_tried_again_after_503",
                outcomes.stream().mapToInt(o -> o.createRetries).sum());
        n.put("first_completion_after_it_s", nextResult == Long.MAX_VALUE ? -1 : round((nextResult - times[1]) / 1e9));
        n.put("duplicate_results", duplicates);
        if (s.fault().kind() == Fault.Kind.STORE) {
            storeReport(n, outcomes);
        }
        n.setAll(faultDetails);
        if (s.fault().kind() == Fault.Kind.READER) {
            readerReport(
                    n, times, outcomes, t0Millis + (times[0] - t0) / 1_000_000, t0Millis + (times[1] - t0) / 1_000_000);
        }
        return n;
    }

    /** A store outage: the battles against the model published before it, how they ended, and the other mixes. */
    private static void storeReport(ObjectNode n, List<Outcome> outcomes) {
        int[] fresh = new int[3];
        int[] others = new int[3];
        Map<String, Integer> errors = new TreeMap<>();
        for (Outcome o : outcomes) {
            boolean isFresh = o.opponent != null && !o.opponent.equals(OPPONENT);
            int[] c = isFresh ? fresh : others;
            c[0]++;
            LoadCollector.Seen seen = o.seen;
            if (seen == null || seen.resultNanos == 0) {
                continue;
            }
            if (seen.status == MixStatus.COMPLETED) {
                c[1]++;
            } else {
                c[2]++;
                String code = seen.error == null ? "?" : seen.error.replaceFirst(":.*", "");
                errors.merge((isFresh ? "new opponent's battles: " : "others: ") + code, 1, Integer::sum);
            }
        }
        n.putObject("battles_against_the_new_model")
                .put("offered", fresh[0])
                .put("completed", fresh[1])
                .put("failed", fresh[2]);
        n.putObject("other_mixes")
                .put("offered", others[0])
                .put("completed", others[1])
                .put("failed", others[2]);
        ObjectNode codes = n.putObject("failures_by_code");
        errors.forEach(codes::put);
    }

    /**
     * A stopped reader: what the job wrote while nobody read (results by their records' timestamps, which the job's
     * producer sets as it writes them), the job's latency then (last chunk sent to result written) against the rest
     * of the run, and how long the reader took after it resumed to have read everything written before.
     */
    private static void readerReport(
            ObjectNode n, long[] times, List<Outcome> outcomes, long beganMillis, long endedMillis) {
        List<Double> during = new ArrayList<>();
        List<Double> otherwise = new ArrayList<>();
        long caughtUp = times[1];
        for (Outcome o : outcomes) {
            LoadCollector.Seen seen = o.seen;
            if (seen == null || seen.resultNanos == 0 || o.lastChunkMillis == 0 || seen.resultWrittenMillis == 0) {
                continue;
            }
            double jobLatency = (seen.resultWrittenMillis - o.lastChunkMillis) / 1e3;
            if (seen.resultWrittenMillis >= beganMillis && seen.resultWrittenMillis <= endedMillis) {
                during.add(jobLatency);
                caughtUp = Math.max(caughtUp, seen.resultNanos);
            } else {
                otherwise.add(jobLatency);
            }
        }
        n.put("results_written_while_stopped", during.size());
        n.set("job_latency_last_chunk_to_result_written_s_while_stopped", quantiles(during));
        n.set("job_latency_last_chunk_to_result_written_s_otherwise", quantiles(otherwise));
        n.put("reader_caught_up_after_resuming_s", round((caughtUp - times[1]) / 1e9));
    }

    private Offer draw(SplittableRandom random, int n, List<Offer> seenSongs) {
        double u = random.nextDouble();
        String id = "load-" + s.seed() + "-" + n;
        if (u < s.battleShare()) {
            int pool = random.nextInt(LoadSettings.POOL_SONGS);
            return new Offer(id, Kind.BATTLE, 44_100, LoadSettings.POOL_SECONDS, LoadSettings.POOL_STEMS, -1 - pool);
        }
        u -= s.battleShare();
        if (u < s.remixShare() && !seenSongs.isEmpty()) {
            Offer before = seenSongs.get(random.nextInt(seenSongs.size()));
            return new Offer(id, Kind.REMIX, before.sampleRate(), before.seconds(), before.stems(), before.songSeed());
        }
        int rate = random.nextBoolean() ? 44_100 : 48_000;
        int stems = s.minStems() + random.nextInt(s.maxStems() - s.minStems() + 1);
        long seed = random.nextLong();
        boolean preview = u - s.remixShare() >= 0 && u - s.remixShare() < s.previewShare();
        double seconds = s.minSeconds() + random.nextDouble() * (s.maxSeconds() - s.minSeconds());
        Offer o = new Offer(id, preview ? Kind.PREVIEW : Kind.NEW, rate, seconds, stems, seed);
        if (!preview) {
            synchronized (seenSongs) {
                if (seenSongs.size() >= REMEMBERED) {
                    seenSongs.remove(0);
                }
                seenSongs.add(o);
            }
        }
        return o;
    }

    /** The stems of an offer (previews: the first 30 seconds of the song, sent up to the excerpt's end). */
    private static List<StemInput> stems(LoadSongs songs, Offer o) {
        double seconds = o.kind() == Kind.PREVIEW ? Math.min(o.seconds(), LoadSettings.PREVIEW_SECONDS) : o.seconds();
        return songs.song(o.sampleRate(), seconds, o.stems(), o.songSeed());
    }

    private static ModelSelection model(Outcome o) {
        return o.opponent != null ? ModelSelections.battle(null, o.opponent) : ModelSelections.champion();
    }

    private void send(
            EmbeddedStack stack, BenchGateway g, HttpClient http, LoadSongs songs, LoadCollector collector, Outcome out)
            throws Exception {
        Offer o = out.offer;
        List<StemInput> stems = stems(songs, o);
        out.sentNanos = System.nanoTime();
        out.opponent = o.kind() == Kind.BATTLE ? opponent : null;
        if (g == null) {
            MixRequest request = StemProducer.request(o.id(), stems, model(out));
            preset(request, o, stems);
            out.seen = collector.expect(o.id());
            try (StemProducer producer = new StemProducer(stack.bootstrapServers(), stack.topics())) {
                out.firstChunkNanos = System.nanoTime();
                out.bytesSent = producer.push(
                        request, stems, StemProducer.DEFAULT_CHUNK_FRAMES, SampleEncoding.PCM_S16LE, null);
                out.lastChunkNanos = System.nanoTime();
                out.lastChunkMillis = System.currentTimeMillis();
            }
            return;
        }
        sendThroughGateway(g, http, collector, o, stems, out);
    }

    /** A re-mix's preset and a preview's excerpt on the request. */
    private static void preset(MixRequest request, Offer o, List<StemInput> stems) {
        if (o.kind() == Kind.REMIX) {
            request.setTargetLufs(REMIX_TARGET_LUFS);
            request.setOverrides(List.of(new ParameterOverride(0, MixParameter.GAIN_DB, REMIX_GAIN_DB)));
        }
        if (o.kind() == Kind.PREVIEW) {
            request.setExcerpt(new Excerpt(0L, stems.get(0).frames()));
        }
    }

    /** Creates the mix over HTTP and uploads its stems as parallel streamed PUTs of 16-bit WAV. */
    private static void sendThroughGateway(
            BenchGateway g, HttpClient http, LoadCollector collector, Offer o, List<StemInput> stems, Outcome out)
            throws Exception {
        ObjectNode body = BenchGateway.mixBody(stems);
        ObjectNode model = body.putObject("model");
        if (o.kind() == Kind.BATTLE) {
            model.put("mode", "BATTLE").put("opponent", out.opponent);
        } else {
            model.put("mode", "CHAMPION");
        }
        if (o.kind() == Kind.REMIX) {
            body.put("targetLufs", REMIX_TARGET_LUFS);
            body.putArray("overrides")
                    .addObject()
                    .put("stem", 0)
                    .put("parameter", MixParameter.GAIN_DB.name())
                    .put("value", REMIX_GAIN_DB);
        }
        if (o.kind() == Kind.PREVIEW) {
            body.putObject("preview")
                    .put("startSeconds", 0)
                    .put("seconds", stems.get(0).seconds());
        }
        String base = "http://127.0.0.1:" + g.gateway.port();
        HttpRequest create = HttpRequest.newBuilder(URI.create(base + Gateway.API + "/mixes"))
                .header("Authorization", "Bearer " + g.token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> created = http.send(create, HttpResponse.BodyHandlers.ofString());
        long giveUp = System.nanoTime() + CREATE_RETRIES_FOR.toNanos();
        // as a client should: a 503 with Retry-After (the broker unreachable) is tried again after it says
        while (created.statusCode() == 503 && System.nanoTime() < giveUp) {
            long wait = created.headers().firstValueAsLong("Retry-After").orElse(1);
            Thread.sleep(TimeUnit.SECONDS.toMillis(wait));
            out.createRetries++;
            created = http.send(create, HttpResponse.BodyHandlers.ofString());
        }
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create: HTTP " + created.statusCode() + " " + created.body());
        }
        JsonNode m = JSON.readTree(created.body());
        out.seen = collector.expect(m.path("id").asText());
        out.firstChunkNanos = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < stems.size(); i++) {
            StemInput st = stems.get(i);
            puts.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base
                                    + m.path("stems").get(i).path("uploadUrl").asText()))
                            .header("Authorization", "Bearer " + g.token)
                            .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(() -> wav(st.source())),
                                    header(st.source()).remaining() + st.frames() * st.channels() * 2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> p : puts) {
            HttpResponse<String> r = p.get(30, TimeUnit.MINUTES);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("upload: HTTP " + r.statusCode() + " " + r.body());
            }
        }
        out.lastChunkNanos = System.nanoTime();
        out.lastChunkMillis = System.currentTimeMillis();
        out.bytesSent =
                stems.stream().mapToLong(st -> st.frames() * st.channels() * 2).sum();
    }

    /** A source as a 16-bit PCM WAV stream, made as it is read (the header and samples are {@link Wav}'s). */
    static InputStream wav(FrameSource source) {
        return new InputStream() {
            private final FrameSource.Reader reader = open(source);
            private final float[] frames = new float[WAV_BLOCK_FRAMES * source.channels()];
            private final ByteArrayOutputStream block = new ByteArrayOutputStream();
            private ByteBuffer buffer = header(source);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!buffer.hasRemaining()) {
                    int n = reader.read(frames, WAV_BLOCK_FRAMES);
                    if (n <= 0) {
                        return -1;
                    }
                    block.reset();
                    Wav.encode(frames, 0, n * source.channels(), Wav.Encoding.PCM_16, block);
                    buffer = ByteBuffer.wrap(block.toByteArray());
                }
                int k = Math.min(len, buffer.remaining());
                buffer.get(b, off, k);
                return k;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    private static ByteBuffer header(FrameSource source) {
        return Wav.header(
                source.sampleRate(),
                source.channels(),
                0,
                Wav.Encoding.PCM_16,
                source.frames() * source.channels() * 2);
    }

    private static FrameSource.Reader open(FrameSource source) {
        try {
            return source.open();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean allDone(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            if (o.sendError == null && (o.seen == null || o.seen.resultNanos == 0)) {
                return false;
            }
        }
        return true;
    }

    /** One sample of the run: consumer lag of the job's group on audio.chunks, heap, RocksDB, mixes being sent. */
    private ObjectNode sample(
            EmbeddedStack stack, Admin admin, Path rocksdb, AtomicInteger sending, AtomicLong maxLag, double at) {
        ObjectNode n = JSON.createObjectNode();
        n.put("t_s", Math.round(at));
        long lag = lag(stack, admin);
        maxLag.accumulateAndGet(lag, Math::max);
        n.put("chunk_lag", lag);
        n.put(
                "heap_mb",
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        n.put("rocksdb_mb", sizeOf(rocksdb) >> 20);
        n.put("rocksdb_log_mb", sizeOf(rocksdb, true) >> 20);
        n.put("open_files", openFiles());
        n.put("sending", sending.get());
        return n;
    }

    /** File descriptors this process holds (Linux), -1 where that cannot be read. */
    static long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The heap after a full collection, RocksDB's files and the open files: what a leak would make grow. */
    private static ObjectNode footprint(Path rocksdb) {
        System.gc();
        ObjectNode n = JSON.createObjectNode();
        long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        long cache = Caches.bytesInProcess();
        n.put("heap_after_gc_mb", heap >> 20);
        // the in-process feature cache fills towards its bound by design: the rest is what a leak would grow
        n.put("feature_cache_mb", cache >> 20);
        n.put("heap_after_gc_less_feature_cache_mb", (heap - cache) >> 20);
        n.put("rocksdb_mb", sizeOf(rocksdb) >> 20);
        n.put("rocksdb_log_mb", sizeOf(rocksdb, true) >> 20);
        n.put("open_files", openFiles());
        return n;
    }

    /** Records of audio.chunks not yet committed by the mix job's group (committed on checkpoints). */
    private static long lag(EmbeddedStack stack, Admin admin) {
        try {
            String group = stack.config().get(MixJobOptions.GROUP_ID);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new ConcurrentHashMap<>();
            for (TopicPartition tp : committed.keySet()) {
                if (tp.topic().equals(stack.topics().chunks)) {
                    latest.put(tp, OffsetSpec.latest());
                }
            }
            if (latest.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    static long sizeOf(Path dir) {
        return sizeOf(dir, false);
    }

    /**
     * The bytes of the regular files under {@code dir}: with {@code logs}, only RocksDB's information logs ({@code LOG}
     * and its rolled {@code LOG.old.*}); without, everything else (the state: tables, manifests, options).
     */
    static long sizeOf(Path dir, boolean logs) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith("LOG") == logs)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0; // removed meanwhile (a compaction)
                        }
                    })
                    .sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private ObjectNode report(
            List<Outcome> outcomes,
            ArrayNode samples,
            long t0,
            long offeredUntil,
            long finished,
            double cpuSeconds,
            ThreadCpu.Usage usage,
            HeapSampler heap,
            long rocksAtStart,
            Path rocksdb,
            long maxLag,
            EmbeddedStack stack) {
        ObjectNode r = JSON.createObjectNode();
        r.put("date", Instant.now().toString());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("java", System.getProperty("java.version"));
        r.put("path", s.kafka() ? "kafka" : "gateway");
        r.put("offered_rate_per_min", s.ratePerMinute());
        double offeredSeconds = (offeredUntil - t0) / 1e9;
        r.put("offered_s", round(offeredSeconds));
        r.put("drain_s", round((finished - offeredUntil) / 1e9));
        Map<Kind, int[]> byKind = new TreeMap<>();
        List<Double> latency = new ArrayList<>();
        List<Double> latency3 = new ArrayList<>();
        List<Double> firstAudio = new ArrayList<>();
        int completed = 0;
        int failed = 0;
        int lost = 0;
        int sendFailed = 0;
        double audioSeconds = 0;
        double stemSeconds = 0;
        long bytesKept = 0;
        long lastResult = t0;
        ArrayNode failures = JSON.createArrayNode();
        for (Outcome o : outcomes) {
            int[] k = byKind.computeIfAbsent(o.offer.kind(), x -> new int[3]);
            k[0]++;
            LoadCollector.Seen seen = o.seen;
            if (o.sendError != null) {
                sendFailed++;
                if (failures.size() < 5) {
                    failures.add(o.offer.id() + ": " + o.sendError);
                }
                continue;
            }
            if (seen == null || seen.resultNanos == 0) {
                lost++;
                continue;
            }
            lastResult = Math.max(lastResult, seen.resultNanos);
            if (seen.status == MixStatus.COMPLETED) {
                completed++;
                k[1]++;
                double secs = o.offer.kind() == Kind.PREVIEW
                        ? Math.min(o.offer.seconds(), LoadSettings.PREVIEW_SECONDS)
                        : o.offer.seconds();
                audioSeconds += secs;
                stemSeconds += secs * o.offer.stems();
                // kept by Kafka: the stems as sent (16-bit) and the mix as written (32-bit float, stereo)
                bytesKept += o.bytesSent + (long) (secs * o.offer.sampleRate()) * 2 * 4;
                if (o.lastChunkNanos > 0) {
                    double l = (seen.resultNanos - o.lastChunkNanos) / 1e9;
                    latency.add(l);
                    if (o.offer.kind() != Kind.PREVIEW && Math.abs(o.offer.seconds() - 180) <= 60) {
                        latency3.add(l);
                    }
                }
                if (seen.firstAudioNanos > 0) {
                    firstAudio.add((seen.firstAudioNanos - o.firstChunkNanos) / 1e9);
                }
            } else {
                failed++;
                k[2]++;
                if (failures.size() < 5) {
                    failures.add(o.offer.id() + ": " + seen.error);
                }
            }
        }
        r.put("mixes_offered", outcomes.size());
        r.put("mixes_completed", completed);
        r.put("mixes_failed", failed);
        r.put("mixes_not_sent", sendFailed);
        r.put("mixes_without_result", lost);
        r.set("failures", failures);
        ObjectNode kinds = r.putObject("by_kind");
        byKind.forEach((kind, c) -> kinds.putObject(kind.name().toLowerCase())
                .put("offered", c[0])
                .put("completed", c[1])
                .put("failed", c[2]));
        double span = Math.max(1e-9, (lastResult - t0) / 1e9);
        r.put("throughput_mixes_per_day", Math.round(completed / span * 86_400));
        // a three-minute 8-stem mix's worth of stem audio: 24 stem-minutes
        double equivalents = stemSeconds / (180.0 * 8);
        r.put("throughput_3min_8stem_equivalents_per_day", Math.round(equivalents / span * 86_400));
        r.put("audio_hours_mixed", round(audioSeconds / 3600));
        r.set("latency_last_chunk_to_result_s", quantiles(latency));
        r.set("latency_last_chunk_to_result_s_2to4min_songs", quantiles(latency3));
        r.set("first_chunk_to_first_audio_s", quantiles(firstAudio));
        // the service's CPU: the process's, less the generator's own threads (sending, WAV encoding, reading results)
        double generator = usage.seconds(LoadGenerator::generatorThread);
        double service = Math.max(0, cpuSeconds - generator);
        r.put("process_cpu_s", round(cpuSeconds));
        r.put("generator_cpu_s", round(generator));
        r.put("service_cpu_s", round(service));
        r.put("service_cpu_s_per_mix", completed == 0 ? 0 : round(service / completed));
        r.put("service_cpu_s_per_3min_8stem_equivalent", equivalents == 0 ? 0 : round(service / equivalents));
        ObjectNode byThread = r.putObject("cpu_by_thread_s");
        usage.top(CPU_GROUPS_SHOWN).forEach(byThread::put);
        r.put("peak_heap_mb", heap.peak() >> 20);
        r.put("rocksdb_mb_at_start", rocksAtStart >> 20);
        r.put("rocksdb_mb_at_end", sizeOf(rocksdb) >> 20);
        r.put("rocksdb_log_mb_at_end", sizeOf(rocksdb, true) >> 20);
        r.put("max_chunk_lag", maxLag);
        r.set("samples", samples);
        // cost: CPU at the price of a vCPU-hour, plus the audio kept in Kafka for the retention at a GB-month price
        double cpuDollars = service / 3600 * s.pricePerVcpuHour();
        double gb = bytesKept * (double) s.replicas() / 1e9;
        double months = s.retention().toSeconds() / (30.0 * 86_400);
        double storageDollars = gb * months * s.pricePerGbMonth();
        ObjectNode cost = r.putObject("cost");
        cost.put("price_per_vcpu_hour", s.pricePerVcpuHour());
        cost.put("price_per_gb_month", s.pricePerGbMonth());
        cost.put("retention_hours", s.retention().toHours());
        cost.put("replicas", s.replicas());
        cost.put("cpu_dollars_per_mix", completed == 0 ? 0 : cpuDollars / completed);
        cost.put("storage_dollars_per_mix", completed == 0 ? 0 : storageDollars / completed);
        cost.put("dollars_per_mix", completed == 0 ? 0 : (cpuDollars + storageDollars) / completed);
        r.put("checkpoint_interval_ms", stack.config().getString("execution.checkpointing.interval", ""));
        return r;
    }

    private static ObjectNode quantiles(List<Double> values) {
        ObjectNode n = JSON.createObjectNode();
        n.put("n", values.size());
        if (values.isEmpty()) {
            return n;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            n.put("p" + Math.round(q * 100), round(sorted.get(Math.max(0, i))));
        }
        n.put("max", round(sorted.get(sorted.size() - 1)));
        return n;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
