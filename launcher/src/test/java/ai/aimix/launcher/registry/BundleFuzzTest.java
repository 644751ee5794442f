package ai.aimix.launcher.registry;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.store.Descriptors;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.testing.Allocation;
import ai.aimix.schema.testing.Fuzz;
import ai.aimix.schema.testing.Mutation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing of the model bundle importer (issue 14): zips with a model and a descriptor, unknown entries, entries that
 * inflate far beyond their size, garbage descriptors and models, then mutated byte by byte, and bare files. Invariant:
 * a bundle, or a typed refusal ({@link ModelAdmin.BundleException}: one line, exit 2 at the command line); never
 * another exception, and never more memory than a small multiple of the file's size.
 */
@Tag("fuzz")
class BundleFuzzTest {
    static final long BYTES_PER_INPUT_BYTE = 64;
    static final long FIXED_BYTES = 2 << 20;
    /** A limit on model files small enough that bombs reach it quickly. */
    static final long MAX_MODEL = 4 << 20;

    @TempDir
    static Path dir;
    /** A model and its descriptor to put in bundles (built once). */
    static final byte[] MODEL = MixNetOnnx.build(MixNetWeights.neutral(1), "fuzz");

    static final String DESCRIPTOR = descriptor();

    private static String descriptor() {
        try {
            return Descriptors.toJson(Descriptors.describe(
                    "fuzz",
                    MODEL,
                    "file:///x",
                    new ModelLineage("train", List.of("p"), 1L, "n"),
                    Map.of("m", 1.0),
                    ModelStatus.CANDIDATE,
                    1L));
        } catch (UnsupportedModelFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void warmUp() throws Exception {
        Path warm = dir.resolve("warm.zip");
        Files.write(warm, zip(true, true, 0, 0));
        ModelAdmin.Bundle.read(warm, MAX_MODEL);
    }

    /** A bundle: the model and the descriptor (or not), an unknown entry, and an entry inflating to {@code bomb} MiB. */
    static byte[] zip(boolean withModel, boolean withDescriptor, int unknown, int bombMiB) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            if (unknown > 0) {
                z.putNextEntry(entry("../../etc/unknown-" + unknown));
                z.write(new byte[unknown * 1024]);
                z.closeEntry();
            }
            if (withDescriptor) {
                z.putNextEntry(entry(ModelAdmin.BUNDLE_DESCRIPTOR));
                z.write(DESCRIPTOR.getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
            if (withModel) {
                z.putNextEntry(entry(ModelAdmin.BUNDLE_MODEL));
                if (bombMiB > 0) {
                    byte[] zeros = new byte[1 << 20];
                    for (int i = 0; i < bombMiB; i++) {
                        z.write(zeros);
                    }
                } else {
                    z.write(MODEL);
                }
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** An entry with a fixed time, so that a try's seed regenerates the same bytes on any day. */
    private static ZipEntry entry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTime(ENTRY_TIME);
        return e;
    }

    private static final long ENTRY_TIME = 1_796_000_000_000L;

    /** A file's bytes, for the report. */
    record Input(byte[] bytes) {
        @Override
        public String toString() {
            return Mutation.hex(bytes);
        }
    }

    static Input bundle(SplittableRandom r) {
        try {
            return new Input(Mutation.apply(
                    zip(r.nextBoolean(), r.nextBoolean(), r.nextInt(4), r.nextInt(4) == 0 ? 8 : 0),
                    Mutation.randomList(r, 3)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anyBundleReadsOrIsRefusedWithinItsMemoryBound() {
        // a bomb inflates megabytes per try: fewer tries than the other properties take
        Fuzz.check("model bundles", Fuzz.DEFAULT_TRIES / 4, BundleFuzzTest::bundle, b -> readOrRefused(dir, b));
    }

    /** Reads {@code input} as a bundle file in {@code in}: a bundle or a one-line refusal, within the bound. */
    static void readOrRefused(Path in, Input input) throws IOException {
        Path file = in.resolve("b.aimix-model");
        Files.write(file, input.bytes());
        long before = Allocation.ofThisThread();
        try {
            ModelAdmin.Bundle.read(file, MAX_MODEL);
        } catch (ModelAdmin.BundleException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new AssertionError("not one line: " + e);
            }
        }
        long allocated = Allocation.ofThisThread() - before;
        long bound = BYTES_PER_INPUT_BYTE * input.bytes().length + FIXED_BYTES;
        if (allocated > bound) {
            throw new AssertionError(
                    "reading " + input.bytes().length + " bytes allocated " + allocated + " bytes, above " + bound);
        }
    }
}
