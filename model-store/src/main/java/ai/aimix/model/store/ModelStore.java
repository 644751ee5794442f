package ai.aimix.model.store;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The bytes of model versions, on any Flink file system ({@code file://} embedded and in tests, {@code s3://} with
 * Flink's S3 plugin on a cluster):
 * <pre>
 * root/versions/&lt;id&gt;/model.onnx         the ONNX file, written once
 * root/versions/&lt;id&gt;/descriptor.json    its descriptor as published (Avro JSON), for export and recovery
 * root/versions/.tmp-*                   writes in progress
 * </pre>
 * A write goes to a temporary file, is read back and checked against its SHA-256, and only then renamed into place
 * (one object appearing whole, on object stores too): a partial or corrupt file is never at a version's path, and
 * every load checks size and SHA-256 against the descriptor anyway. What exists and which version is champion is
 * not kept here but on the registry topic (see {@code RegistryView}).
 *
 * <p>A load reads only this store's own file for the descriptor's model id ({@code versions/<id>/model.onnx}),
 * whatever {@code uri} the descriptor names (a registry record can be written by anyone with access to the topic),
 * and reads at most the declared size, itself at most {@link #maxModelBytes()}: its length is checked before a
 * byte is read.
 */
public final class ModelStore implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The version every fresh store starts with: the neutral mixnet of {@link #FIRST_SEED}. */
    public static final String FIRST_VERSION = "mixnet-v1";
    /**
     * The trained model every fresh registry starts with as champion of the main league: a mixnet-2 that passed the
     * quality gate against the champion before it, {@link #SHIPPED_PREVIOUS} (its resource's JSON records the
     * verdict; ShippedChampionGateTest runs the gate again).
     */
    public static final String SHIPPED_CHAMPION = "mixnet-v3";
    /**
     * The champion shipped before {@link #SHIPPED_CHAMPION} (a mixnet-1), still shipped: a candidate on a fresh
     * deployment (promote it to go back to it), and the champion an existing deployment keeps until it promotes the new
     * one (then {@code models rollback} returns to it).
     */
    public static final String SHIPPED_PREVIOUS = "mixnet-v2";
    /** The trained models shipped with the code, oldest first. */
    public static final List<String> SHIPPED_TRAINED = List.of(SHIPPED_PREVIOUS, SHIPPED_CHAMPION);
    /** Seed of the first version's initialisation (see {@link MixNetWeights#neutral(long)}). */
    public static final long FIRST_SEED = 20261124L;
    /** Largest model file a store accepts by default (the mixnet files are about 80 KB). */
    public static final long DEFAULT_MAX_MODEL_BYTES = 64L << 20;
    /** Largest descriptor.json read back. */
    private static final int MAX_DESCRIPTOR_BYTES = 1 << 20;

    private final String root;
    private final Clock clock;
    private final long maxModelBytes;

    /**
     * @param root          a URI ({@code file:///...}, {@code s3://bucket/prefix}) or a local path
     * @param maxModelBytes the largest model file written or read
     */
    public ModelStore(String root, Clock clock, long maxModelBytes) {
        this.root = normalise(root);
        this.clock = clock;
        this.maxModelBytes = maxModelBytes;
    }

    public ModelStore(String root, Clock clock) {
        this(root, clock, DEFAULT_MAX_MODEL_BYTES);
    }

    public ModelStore(String root) {
        this(root, Clock.systemUTC());
    }

    /** The largest model file this store writes or reads. */
    public long maxModelBytes() {
        return maxModelBytes;
    }

    private static String normalise(String root) {
        if (root.contains("://")) {
            return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        }
        return java.nio.file.Path.of(root)
                .toAbsolutePath()
                .normalize()
                .toUri()
                .toString()
                .replaceAll("/$", "");
    }

    /** The store's root URI. */
    public String root() {
        return root;
    }

    private Path path(String relative) {
        return new Path(root + "/" + relative);
    }

    private FileSystem fs() throws IOException {
        return path("").getFileSystem();
    }

    /** The URI a version's file has (or will have). */
    public String uriOf(String id) {
        Descriptors.requireValidId(id);
        return root + "/versions/" + id + "/model.onnx";
    }

    /**
     * Writes a new version atomically and returns its descriptor (status CANDIDATE).
     *
     * @throws ModelExistsException when the id is taken
     * @throws UnsupportedModelFormatException when the file is not a model this version can serve
     */
    public ModelDescriptor publish(String id, byte[] onnx, ModelLineage lineage, Map<String, Double> metrics)
            throws IOException, UnsupportedModelFormatException {
        if (onnx.length > maxModelBytes) {
            throw new UnsupportedModelFormatException("model " + id + " has " + onnx.length + " bytes; this store "
                    + "takes models of at most " + maxModelBytes);
        }
        ModelDescriptor d =
                Descriptors.describe(id, onnx, uriOf(id), lineage, metrics, ModelStatus.CANDIDATE, clock.millis());
        FileSystem fs = fs();
        Path file = new Path(d.getUri());
        Path descriptor = path("versions/" + id + "/descriptor.json");
        if (fs.exists(file) || fs.exists(descriptor)) {
            throw new ModelExistsException(id);
        }
        Path tmpModel = path("versions/.tmp-" + UUID.randomUUID() + ".onnx");
        Path tmpDescriptor = path("versions/.tmp-" + UUID.randomUUID() + ".json");
        try {
            write(fs, tmpModel, onnx);
            byte[] back = read(fs, tmpModel, onnx.length);
            if (back.length != onnx.length || !Descriptors.sha256(back).equals(d.getSha256())) {
                throw new CorruptModelException("model " + id + " read back differently from what was written to "
                        + tmpModel + "; not published");
            }
            write(fs, tmpDescriptor, Descriptors.toJson(d).getBytes(StandardCharsets.UTF_8));
            fs.mkdirs(file.getParent());
            if (!fs.rename(tmpModel, file)) {
                throw new IOException("cannot move " + tmpModel + " to " + file);
            }
            if (!fs.rename(tmpDescriptor, descriptor)) {
                fs.delete(file, false); // not published: the id stays free
                throw new IOException("cannot move " + tmpDescriptor + " to " + descriptor);
            }
        } finally {
            fs.delete(tmpModel, false);
            fs.delete(tmpDescriptor, false);
        }
        return d;
    }

    /**
     * The versions every deployment starts with: the neutral first version and the trained models shipped with the
     * code ({@link #SHIPPED_TRAINED}: resources of this module, made by the commands in their JSON notes and
     * docs/TRAINING.md). Writes those that are missing; returns them all, the champion last.
     */
    public List<ModelDescriptor> bootstrapShipped() throws IOException {
        List<ModelDescriptor> out = new ArrayList<>();
        out.add(bootstrap());
        for (String id : SHIPPED_TRAINED) {
            out.add(bootstrapShipped(id));
        }
        return out;
    }

    private ModelDescriptor bootstrapShipped(String id) throws IOException {
        Optional<ModelDescriptor> existing = stored(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        ShippedModel shipped = ShippedModel.load(id);
        try {
            return publish(id, shipped.onnx, shipped.lineage, shipped.metrics);
        } catch (ModelExistsException raced) {
            return stored(id).orElseThrow(() -> raced);
        } catch (UnsupportedModelFormatException e) {
            throw new IllegalStateException("the shipped model " + id + " does not fit its own format", e);
        }
    }

    /** SHA-256 of the shipped models' bytes, by id, computed once. */
    private static volatile Map<String, String> shippedHashes;

    /**
     * Whether a descriptor is one of the models shipped with the code ({@value #FIRST_VERSION} and
     * {@link #SHIPPED_TRAINED}): its id and its SHA-256 both those of the shipped bytes.
     */
    public static boolean isShipped(ModelDescriptor d) throws IOException {
        Map<String, String> hashes = shippedHashes;
        if (hashes == null) {
            Map<String, String> h = new HashMap<>();
            h.put(
                    FIRST_VERSION,
                    Descriptors.sha256(MixNetOnnx.build(MixNetWeights.neutral(FIRST_SEED), FIRST_VERSION)));
            for (String id : SHIPPED_TRAINED) {
                h.put(id, Descriptors.sha256(ShippedModel.load(id).onnx));
            }
            hashes = Map.copyOf(h);
            shippedHashes = hashes;
        }
        return d.getSha256().equals(hashes.get(d.getModelId()));
    }

    /** Whether {@code id} names a trained model shipped with the code ({@link #SHIPPED_TRAINED}). */
    public static boolean isShippedTrained(String id) {
        return SHIPPED_TRAINED.contains(id);
    }

    /** The ONNX file of a trained model shipped with the code ({@link #SHIPPED_TRAINED}). */
    public static byte[] shippedOnnx(String id) throws IOException {
        return ShippedModel.load(id).onnx;
    }

    /** Writes the first, neutral version unless it is there; returns its descriptor. */
    public ModelDescriptor bootstrap() throws IOException {
        Optional<ModelDescriptor> existing = stored(FIRST_VERSION);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return publish(
                    FIRST_VERSION,
                    MixNetOnnx.build(MixNetWeights.neutral(FIRST_SEED), FIRST_VERSION),
                    new ModelLineage(
                            "seed",
                            List.of(),
                            FIRST_SEED,
                            "neutral initialisation: unity gain, centre pan, flat EQ, no compression"),
                    Map.of());
        } catch (ModelExistsException raced) {
            return stored(FIRST_VERSION).orElseThrow(() -> raced);
        } catch (UnsupportedModelFormatException e) {
            throw new IllegalStateException("the built-in first model does not fit its own format", e);
        }
    }

    /**
     * The ONNX bytes of a descriptor's model: this store's file for its id, of the declared size (checked before it is
     * read, and at most {@link #maxModelBytes()}), matching the declared SHA-256.
     *
     * @throws CorruptModelException when the file is not what the descriptor declares
     */
    public byte[] load(ModelDescriptor d) throws IOException {
        String id = d.getModelId();
        if (!Descriptors.isValidId(id)) {
            throw new CorruptModelException("the descriptor names an invalid model id; nothing read");
        }
        long declared = d.getSizeBytes();
        if (declared < 0 || declared > maxModelBytes) {
            throw new CorruptModelException("model " + id + " declares " + declared + " bytes; this store serves "
                    + "models of at most " + maxModelBytes);
        }
        Path file = path("versions/" + id + "/model.onnx");
        FileSystem fs = fs();
        FileStatus status;
        try {
            status = fs.getFileStatus(file);
        } catch (FileNotFoundException e) {
            throw new IOException("model " + id + ": no file at " + file);
        }
        if (status.isDir() || status.getLen() != declared) {
            throw new CorruptModelException("model " + id + " is corrupt: " + file + " has " + status.getLen()
                    + " bytes, the descriptor says " + declared);
        }
        byte[] onnx;
        try (FSDataInputStream in = fs.open(file)) {
            onnx = in.readNBytes((int) declared);
            if (onnx.length != declared || in.read() >= 0) {
                throw new CorruptModelException(
                        "model " + id + " is corrupt: " + file + " changed size while it " + "was read");
            }
        }
        String actual = Descriptors.sha256(onnx);
        if (!actual.equals(d.getSha256())) {
            throw new CorruptModelException(
                    "model " + id + " is corrupt: sha256 " + actual + ", the descriptor says " + d.getSha256());
        }
        return onnx;
    }

    /** The descriptor stored with a version when it was published (its status then), or empty. */
    public Optional<ModelDescriptor> stored(String id) throws IOException {
        if (!Descriptors.isValidId(id)) {
            return Optional.empty();
        }
        Path file = path("versions/" + id + "/descriptor.json");
        FileSystem fs = fs();
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        byte[] json;
        try (FSDataInputStream in = fs.open(file)) {
            json = in.readNBytes(MAX_DESCRIPTOR_BYTES + 1);
        }
        if (json.length > MAX_DESCRIPTOR_BYTES) {
            throw new IOException(file + " is larger than " + MAX_DESCRIPTOR_BYTES + " bytes: not a descriptor");
        }
        return Optional.of(Descriptors.fromJson(new String(json, StandardCharsets.UTF_8)));
    }

    /** Every version in the store, oldest first (what was published, whatever the registry says since). */
    public List<ModelDescriptor> scan() throws IOException {
        List<ModelDescriptor> out = new ArrayList<>();
        FileSystem fs = fs();
        Path versions = path("versions");
        if (!fs.exists(versions)) {
            return out;
        }
        FileStatus[] entries = fs.listStatus(versions);
        if (entries != null) {
            for (FileStatus s : entries) {
                String name = s.getPath().getName();
                if (s.isDir() && !name.startsWith(".")) {
                    stored(name).ifPresent(out::add);
                }
            }
        }
        out.sort(Comparator.comparingLong(ModelDescriptor::getCreatedAtMillis).thenComparing(d -> d.getModelId()));
        return out;
    }

    private static void write(FileSystem fs, Path file, byte[] data) throws IOException {
        fs.mkdirs(file.getParent());
        try (FSDataOutputStream out = fs.create(file, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write(data);
            out.flush();
            out.sync();
        }
    }

    /** Reads back a file this store just wrote, expecting {@code expected} bytes. */
    private static byte[] read(FileSystem fs, Path file, int expected) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readNBytes(expected + 1);
        }
    }
}
