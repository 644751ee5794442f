package ai.aimix.jobs.registry;

import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.Descriptors;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.RegistryEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

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
        List<RegistryEntry> changes = RegistryChanges.bootstrap(view, shipped, ModelStore.SHIPPED_CHAMPION,
                clock.millis());
        registry.publish(changes);
        view.applyAll(changes);
        return view;
    }

    /** Stores a new model and registers it as a candidate. */
    public ModelDescriptor publish(String id, byte[] onnx, ModelLineage lineage, Map<String, Double> metrics)
            throws IOException, UnsupportedModelFormatException, RegistryException {
        RegistryView view = registry.read();
        if (view.model(id).isPresent()) {
            throw new RegistryException("model '" + id + "' is already registered");
        }
        ModelDescriptor d = store.publish(id, onnx, lineage, metrics);
        registry.publish(RegistryChanges.publish(view, d));
        return d;
    }

    public List<RegistryEntry> promote(String id, String league, String reason) throws IOException, RegistryException {
        List<RegistryEntry> changes = RegistryChanges.promote(registry.read(), id, league, clock.millis(), reason);
        registry.publish(changes);
        return changes;
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
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
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
     * Registers a model from a bundle written by {@link #export} (its lineage and metrics are kept, its SHA-256
     * checked) or from a bare ONNX file, under {@code id} (default: the bundle's id, or the file name).
     */
    public ModelDescriptor importBundle(Path file, String id)
            throws IOException, UnsupportedModelFormatException, RegistryException {
        byte[] raw = Files.readAllBytes(file);
        Bundle b = Bundle.read(raw);
        String name = file.getFileName().toString();
        String newId = id != null ? id : b.descriptor.map(ModelDescriptor::getModelId)
                .orElse(name.replaceAll("\\.(onnx|zip|aimix-model)$", ""));
        ModelLineage lineage;
        Map<String, Double> metrics = Map.of();
        if (b.descriptor.isPresent()) {
            ModelDescriptor old = b.descriptor.get();
            if (!Descriptors.sha256(b.onnx).equals(old.getSha256())) {
                throw new IOException(file + ": the model does not match its descriptor's sha256");
            }
            lineage = new ModelLineage("import", old.getLineage().getParents(), old.getLineage().getSeed(),
                    "imported from " + name + " (exported as " + old.getModelId() + ", made by "
                            + old.getLineage().getOperation() + ")");
            metrics = old.getMetrics();
        } else {
            lineage = new ModelLineage("import", List.of(), null, "imported from " + name);
        }
        return publish(newId, b.onnx, lineage, metrics);
    }

    /** A bundle's contents. */
    static final class Bundle {
        final byte[] onnx;
        final Optional<ModelDescriptor> descriptor;

        private Bundle(byte[] onnx, Optional<ModelDescriptor> descriptor) {
            this.onnx = onnx;
            this.descriptor = descriptor;
        }

        static Bundle read(byte[] raw) throws IOException {
            boolean zip = raw.length > 4 && raw[0] == 'P' && raw[1] == 'K' && raw[2] == 3 && raw[3] == 4;
            if (!zip) {
                return new Bundle(raw, Optional.empty());
            }
            byte[] onnx = null;
            ModelDescriptor d = null;
            try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(raw))) {
                ZipEntry e;
                while ((e = in.getNextEntry()) != null) {
                    byte[] data = readAll(in);
                    if (e.getName().equals(BUNDLE_MODEL)) {
                        onnx = data;
                    } else if (e.getName().equals(BUNDLE_DESCRIPTOR)) {
                        d = Descriptors.fromJson(new String(data, StandardCharsets.UTF_8));
                    }
                }
            }
            if (onnx == null) {
                throw new IOException("the bundle has no " + BUNDLE_MODEL);
            }
            return new Bundle(onnx, Optional.ofNullable(d));
        }

        private static byte[] readAll(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
