package ai.aimix.launcher.registry;

import ai.aimix.jobs.registry.RegistryClient;
import ai.aimix.launcher.quantize.ModelQuantization;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.Descriptors;
import ai.aimix.model.store.ModelStore;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.quality.QualityGate;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.codec.ContractLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.flink.configuration.Configuration;

/**
 * Model administration over the store (bytes) and the registry topic (what exists, which is champion): what the
 * {@code ./aimix models} commands and the embedded stack do. Every change is computed against the registry as it
 * is now and checked before anything is written; bytes are stored before their descriptor is published.
 */
public final class ModelAdmin {
    static final String BUNDLE_MODEL = "model.onnx";
    static final String BUNDLE_DESCRIPTOR = "descriptor.json";

    private final ModelStore store;
    private final RegistryClient registry;
    private final Clock clock;

    public ModelAdmin(ModelStore store, RegistryClient registry, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
    }

    public RegistryClient registry() {
        return registry;
    }

    public ModelStore store() {
        return store;
    }

    public RegistryView view() throws IOException {
        return registry.read();
    }

    /**
     * A fresh deployment: the shipped models in the store and the registry, the trained one champion of the main
     * league. Idempotent; an existing deployment keeps its champion and learns about shipped models it lacks.
     */
    public RegistryView bootstrap() throws IOException {
        List<ModelDescriptor> shipped = store.bootstrapShipped();
        RegistryView view = registry.read();
        List<RegistryEntry> changes =
                RegistryChanges.bootstrap(view, shipped, ModelStore.SHIPPED_CHAMPION, clock.millis());
        registry.publish(changes);
        view.applyAll(changes);
        return view;
    }

    /** Stores a new model and registers it as a candidate. */
    public ModelDescriptor publish(String id, byte[] onnx, ModelLineage lineage, Map<String, Double> metrics)
            throws IOException, UnsupportedModelFormatException, RegistryException {
        return registry.publishCandidate(store, id, onnx, lineage, metrics);
    }

    /** A promotion: what was published, which gate the model passed, and the quality verdict when it ran. */
    public record Promotion(
            List<RegistryEntry> changes, PromotionGates.Gate gate, Optional<QualityGate.Verdict> verdict) {}

    /**
     * Makes a model the champion of {@code league} once it has passed the gate of its kind ({@link PromotionGates}):
     * none for the shipped models, the quantization bounds for quantized models of a vetted parent, the quality gate
     * on {@code bench}'s test songs for every other model ({@code bench} null: such a model is refused).
     */
    public Promotion promote(String id, String league, String reason, QualityBenchmark bench) throws Exception {
        String l = league == null ? RegistryView.DEFAULT_LEAGUE : league;
        RegistryView view = registry.read();
        ModelDescriptor d = view.model(id).orElseThrow(() -> new RegistryException("no model '" + id + "'"));
        PromotionGates.Gate gate = PromotionGates.gateFor(d, view);
        Optional<QualityGate.Verdict> verdict = Optional.empty();
        RegistryChanges.checkQuantizationGate(d); // the cheap check first
        if (gate.needsQuality()
                && !view.champion(l).map(a -> a.getModelId().equals(id)).orElse(false)) {
            verdict = PromotionGates.requireQuality(this, view, d, l, bench);
        }
        // the quantization gate is the registry's own check of the measured metrics (RegistryChanges.promote)
        List<RegistryEntry> changes = RegistryChanges.promote(view, id, l, clock.millis(), reason);
        registry.publish(changes);
        return new Promotion(changes, gate, verdict);
    }

    public List<RegistryEntry> rollback(String league, String reason) throws IOException, RegistryException {
        List<RegistryEntry> changes = RegistryChanges.rollback(registry.read(), league, clock.millis(), reason);
        registry.publish(changes);
        return changes;
    }

    public List<RegistryEntry> retire(String id) throws IOException, RegistryException {
        List<RegistryEntry> changes = RegistryChanges.retire(registry.read(), id, clock.millis());
        registry.publish(changes);
        return changes;
    }

    /** A registered model's bytes, from this store's file for its id (checked against the descriptor). */
    public byte[] bytes(ModelDescriptor d) throws IOException {
        return requireStore().load(d);
    }

    private ModelStore requireStore() {
        if (store == null) {
            throw new IllegalArgumentException("no model store: pass --store (or run ./aimix serve)");
        }
        return store;
    }

    /** Writes a bundle (a zip with model.onnx and descriptor.json) that {@link #importBundle} reads back. */
    public ModelDescriptor export(String id, Path file) throws IOException, RegistryException {
        ModelDescriptor d = registry.read().model(id).orElseThrow(() -> new RegistryException("no model '" + id + "'"));
        byte[] onnx = bytes(d);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(BUNDLE_MODEL));
            zip.write(onnx);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(BUNDLE_DESCRIPTOR));
            zip.write(Descriptors.toJson(d).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return d;
    }

    /**
     * Registers a model from a bundle written by {@link #export} or from a bare ONNX file, under {@code id} (default:
     * the bundle's id, or the file name), as a candidate. Nothing the bundle claims about the model is trusted: its
     * SHA-256 is checked, its metrics are dropped, and a quantized model's deviation from its fp32 parent is measured
     * again here when the bundle names a parent this registry holds (otherwise it has no metrics, and the
     * quantization gate refuses to promote it).
     */
    public ModelDescriptor importBundle(Path file, String id)
            throws IOException, UnsupportedModelFormatException, RegistryException {
        Bundle b = Bundle.read(file, store == null ? ModelStore.DEFAULT_MAX_MODEL_BYTES : store.maxModelBytes());
        String name = file.getFileName().toString();
        String newId = id != null
                ? id
                : b.descriptor
                        .map(ModelDescriptor::getModelId)
                        .orElse(name.replaceAll("\\.(onnx|zip|aimix-model)$", ""));
        Descriptors.requireValidId(newId);
        ModelLineage lineage;
        List<String> parents = List.of();
        if (b.descriptor.isPresent()) {
            ModelDescriptor old = b.descriptor.get();
            if (!Descriptors.sha256(b.onnx).equals(old.getSha256())) {
                throw new IOException(file + ": the model does not match its descriptor's sha256");
            }
            parents = old.getLineage().getParents().stream()
                    .filter(Descriptors::isValidId)
                    .toList();
            lineage = new ModelLineage(
                    "import",
                    parents,
                    old.getLineage().getSeed(),
                    "imported from " + name + " (exported as " + ContractLimits.preview(old.getModelId())
                            + ", made by "
                            + ContractLimits.preview(old.getLineage().getOperation())
                            + "; its metrics were not kept)");
        } else {
            lineage = new ModelLineage("import", List.of(), null, "imported from " + name);
        }
        return publish(newId, b.onnx, lineage, remeasure(b.onnx, parents));
    }

    /**
     * Metrics measured here for an imported model: for a quantized one whose first parent is a registered fp32
     * model, its deviation from that parent (what {@code models quantize} records); none otherwise.
     */
    private Map<String, Double> remeasure(byte[] onnx, List<String> parents) throws IOException {
        ModelPrecision precision = OnnxModelInfo.of(onnx).precision;
        if (precision == ModelPrecision.FP32 || parents.isEmpty()) {
            return Map.of();
        }
        Optional<ModelDescriptor> parent = registry.read().model(parents.get(0));
        if (parent.isEmpty() || parent.get().getPrecision() != ModelPrecision.FP32) {
            return Map.of();
        }
        try {
            return new ModelQuantization(new Configuration(), ModelQuantization.Settings.defaults())
                    .evaluate(bytes(parent.get()), onnx, precision)
                    .metrics();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(
                    "cannot measure the imported model against " + parents.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** A file {@code models import} refuses, and why (bad input: exit 2 at the command line). */
    public static final class BundleException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BundleException(String message) {
            super(message);
        }
    }

    /** A bundle's contents. */
    static final class Bundle {
        final byte[] onnx;
        final Optional<ModelDescriptor> descriptor;

        private Bundle(byte[] onnx, Optional<ModelDescriptor> descriptor) {
            this.onnx = onnx;
            this.descriptor = descriptor;
        }

        /** Largest descriptor.json in a bundle. */
        static final int MAX_DESCRIPTOR_BYTES = 1 << 20;

        /**
         * Reads a bundle (a zip holding model.onnx and, optionally, descriptor.json; any other entry is ignored
         * unread) or a bare ONNX file. Only regular files are read (not devices, FIFOs or directories); the file,
         * and each entry as it inflates, is bounded by {@code maxModelBytes}.
         *
         * @throws NoSuchFileException when there is no such file
         * @throws BundleException     for every other reason a file is refused, in one line
         */
        static Bundle read(Path file, long maxModelBytes) throws IOException {
            if (!Files.isRegularFile(file)) {
                if (!Files.exists(file)) {
                    throw new NoSuchFileException(file.toString());
                }
                throw new BundleException(file + ": not a regular file");
            }
            long size = Files.size(file);
            if (size > maxModelBytes + MAX_DESCRIPTOR_BYTES) {
                throw new BundleException(file + ": " + size + " bytes; a model may have at most " + maxModelBytes);
            }
            byte[] head = new byte[4];
            try (InputStream in = Files.newInputStream(file)) {
                if (in.readNBytes(head, 0, 4) < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
                    byte[] onnx = readBounded(Files.newInputStream(file), maxModelBytes);
                    if (onnx == null) {
                        throw new BundleException(file + " holds more than " + maxModelBytes + " bytes");
                    }
                    return new Bundle(onnx, Optional.empty());
                }
            }
            byte[] onnx;
            ModelDescriptor d = null;
            try (ZipFile zip = new ZipFile(file.toFile())) {
                ZipEntry model = zip.getEntry(BUNDLE_MODEL);
                if (model == null) {
                    throw new BundleException(file + ": the bundle has no " + BUNDLE_MODEL);
                }
                onnx = readEntry(zip, model, maxModelBytes, size, file + "!" + BUNDLE_MODEL);
                ZipEntry descriptor = zip.getEntry(BUNDLE_DESCRIPTOR);
                if (descriptor != null) {
                    byte[] json =
                            readEntry(zip, descriptor, MAX_DESCRIPTOR_BYTES, size, file + "!" + BUNDLE_DESCRIPTOR);
                    d = Descriptors.fromJson(new String(json, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // a damaged archive: ZipException, or an EOFException without a message (found by BundleFuzzTest)
                throw new BundleException(file + ": not a readable zip bundle ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
            return new Bundle(onnx, Optional.ofNullable(d));
        }

        /**
         * How far an entry may inflate: its limit, and at most {@value #MAX_INFLATION} times its compressed size (a
         * model or descriptor compresses a few times at most; a zip bomb a thousand times: found by BundleFuzzTest,
         * an entry of 9 KB inflated to the 4 MB limit).
         */
        private static byte[] readEntry(ZipFile zip, ZipEntry e, long limit, long fileSize, String what)
                throws IOException {
            long compressed = Math.min(e.getCompressedSize() >= 0 ? e.getCompressedSize() : fileSize, fileSize);
            long inflation = MAX_INFLATION * compressed + INFLATION_SLACK;
            byte[] data = readBounded(zip.getInputStream(e), Math.min(limit, inflation));
            if (data == null) {
                throw new BundleException(what
                        + (inflation < limit
                                ? " inflates beyond " + inflation + " bytes, " + MAX_INFLATION
                                        + " times its compressed size (a zip bomb?)"
                                : " holds more than " + limit + " bytes"));
            }
            // ZipFile does not check an entry's checksum: a damaged entry would inflate to wrong bytes silently
            CRC32 crc = new CRC32();
            crc.update(data);
            if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
                throw new BundleException(what + " is damaged: its CRC-32 does not match");
            }
            return data;
        }

        /** Most an entry inflates relative to its compressed size. */
        static final long MAX_INFLATION = 32;
        /** Inflated bytes every entry may have regardless of its compressed size. */
        static final long INFLATION_SLACK = 64 << 10;

        /**
         * All of a stream, or null once it passes {@code max} bytes (read no further: an entry inflating to gigabytes
         * stops early).
         */
        private static byte[] readBounded(InputStream stream, long max) throws IOException {
            try (InputStream in = stream) {
                byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
                return data.length > max ? null : data;
            }
        }
    }
}
