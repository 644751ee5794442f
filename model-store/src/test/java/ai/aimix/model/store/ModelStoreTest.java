package ai.aimix.model.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.genome.Genome;
import ai.aimix.model.onnx.MixNet2Onnx;
import ai.aimix.model.onnx.MixNetOnnx;
import ai.aimix.model.onnx.OnnxModelInfo;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.testing.Allocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    static ModelLineage lineage(String op, String... parents) {
        return new ModelLineage(op, List.of(parents), null, null);
    }

    @Test
    void bootstrapWritesTheNeutralFirstVersionOnce(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString(), CLOCK);
        ModelDescriptor d = store.bootstrap();
        assertEquals(ModelStore.FIRST_VERSION, d.getModelId());
        assertEquals("seed", d.getLineage().getOperation());
        assertEquals(ModelStore.FIRST_SEED, d.getLineage().getSeed());
        assertEquals(ModelPrecision.FP32, d.getPrecision());
        assertEquals(2, d.getFormatVersion());
        assertEquals(7, d.getParameters().size());
        assertEquals("GAIN_DB", d.getParameters().get(0).getName());
        assertEquals(
                List.of("batch", "1", "128", "frames"), d.getInputs().get(0).getDimensions());
        MixNetWeights w = MixNetOnnx.readWeights(store.load(d));
        assertArrayEquals(MixNetWeights.neutral(ModelStore.FIRST_SEED).get("conv1.weight"), w.get("conv1.weight"));
        assertEquals(d, new ModelStore(dir.toUri().toString(), CLOCK).bootstrap(), "idempotent, by path or URI");
        assertEquals(1, store.scan().size());
    }

    /** Round trip: the descriptor names where the bytes are, their size and hash, and the store keeps a copy. */
    @Test
    void publishLoadAndScan(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString(), CLOCK);
        byte[] v2 = MixNetOnnx.build(MixNetWeights.random(2, 0.1f), "v2");
        ModelDescriptor d = store.publish("v2", v2, lineage("train", "mixnet-v1"), Map.of("loss", 0.5));
        assertEquals(ModelStatus.CANDIDATE, d.getStatus());
        assertEquals(dir.toUri().toString().replaceAll("/$", "") + "/versions/v2/model.onnx", d.getUri());
        assertEquals(v2.length, d.getSizeBytes());
        assertEquals(Descriptors.sha256(v2), d.getSha256());
        assertEquals(List.of("mixnet-v1"), d.getLineage().getParents());
        assertEquals(0.5, d.getMetrics().get("loss"));
        assertEquals(CLOCK.millis(), d.getCreatedAtMillis());
        assertArrayEquals(v2, store.load(d));
        assertEquals(d, store.stored("v2").orElseThrow());
        assertEquals(d, Descriptors.fromJson(Descriptors.toJson(d)));
        assertEquals(
                List.of("v2"),
                store.scan().stream().map(ModelDescriptor::getModelId).toList());
        assertThrows(ModelExistsException.class, () -> store.publish("v2", v2, lineage("again"), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> store.publish("../escape", v2, lineage("x"), Map.of()));
        assertFalse(store.stored("../escape").isPresent());
    }

    /** Nothing half-written is ever at a version's path, and nothing is left behind. */
    @Test
    void writesAreAtomicAndLeaveNoTemporaryFiles(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString(), CLOCK);
        store.publish("a", MixNetOnnx.build(MixNetWeights.random(3, 0.1f), "a"), lineage("x"), Map.of());
        try (var files = Files.list(dir.resolve("versions"))) {
            assertEquals(
                    List.of("a"), files.map(p -> p.getFileName().toString()).toList());
        }
        // a file that is not a model is refused before anything is written
        assertThrows(
                IllegalArgumentException.class,
                () -> store.publish("junk", "not onnx".getBytes(), lineage("x"), Map.of()));
        // a model of a format this version cannot serve is refused too
        byte[] odd = MixNetOnnx.build(MixNetWeights.random(3, 0.1f), "odd");
        byte[] renamedInput = new String(odd, StandardCharsets.ISO_8859_1)
                .replace("role", "rolX")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(
                UnsupportedModelFormatException.class,
                () -> store.publish("odd", renamedInput, lineage("x"), Map.of()));
        assertFalse(Files.exists(dir.resolve("versions").resolve("junk")));
        assertFalse(Files.exists(dir.resolve("versions").resolve("odd")));
        try (var files = Files.list(dir.resolve("versions"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp")));
        }
    }

    /** A corrupted, truncated or missing file is never served. */
    @Test
    void corruptFilesAreRefused(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString(), CLOCK);
        ModelDescriptor d = store.bootstrap();
        Path file = dir.resolve("versions").resolve(ModelStore.FIRST_VERSION).resolve("model.onnx");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);
        CorruptModelException flipped = assertThrows(CorruptModelException.class, () -> store.load(d));
        assertTrue(flipped.getMessage().contains("sha256"), flipped.getMessage());
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
        CorruptModelException cut = assertThrows(CorruptModelException.class, () -> store.load(d));
        assertTrue(cut.getMessage().contains("bytes"), cut.getMessage());
        Files.delete(file);
        assertThrows(IOException.class, () -> store.load(d));
    }

    /**
     * A descriptor is a record anyone with access to the registry topic can write: the store reads only its own file
     * for the descriptor's id, whatever URI the descriptor names, and never more than the declared size, itself
     * bounded (issue 14, finding 3).
     */
    @Test
    void onlyTheStoresOwnFileForTheIdIsReadAndNeverMoreThanDeclared(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store").toString(), CLOCK, 1 << 20);
        ModelDescriptor d = store.bootstrap();
        Path outside = dir.resolve("outside.onnx");
        Files.write(outside, "a secret outside the store".getBytes());
        ModelDescriptor elsewhere =
                ModelDescriptor.newBuilder(d).setUri(outside.toUri().toString()).build();
        assertArrayEquals(store.load(d), store.load(elsewhere), "the URI is ignored: the store's file is read");

        ModelDescriptor foreignId =
                ModelDescriptor.newBuilder(d).setModelId("../../outside").build();
        assertThrows(CorruptModelException.class, () -> store.load(foreignId));

        ModelDescriptor huge =
                ModelDescriptor.newBuilder(d).setSizeBytes(3_000_000_000L).build();
        CorruptModelException tooBig = assertThrows(CorruptModelException.class, () -> store.load(huge));
        assertTrue(tooBig.getMessage().contains("at most 1048576"), tooBig.getMessage());

        // a file grown far beyond its descriptor is refused by its length, before it is read
        Path file = dir.resolve("store")
                .resolve("versions")
                .resolve(ModelStore.FIRST_VERSION)
                .resolve("model.onnx");
        try (var ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), 900L << 20); // a sparse file of 900 MB
        }
        long before = Allocation.ofThisThread();
        CorruptModelException grown = assertThrows(CorruptModelException.class, () -> store.load(d));
        assertTrue(grown.getMessage().contains("the descriptor says " + d.getSizeBytes()), grown.getMessage());
        assertTrue(Allocation.ofThisThread() - before < 1 << 20, "nothing read");

        byte[] big = MixNetOnnx.build(MixNetWeights.random(4, 0.1f), "big");
        ModelStore tiny = new ModelStore(dir.resolve("tiny").toString(), CLOCK, 1000);
        assertThrows(UnsupportedModelFormatException.class, () -> tiny.publish("big", big, lineage("x"), Map.of()));
    }

    /**
     * Through a Flink file system plugin (here {@code faulty://}, found like Flink's S3 plugin) the store works the
     * same; when the storage corrupts a write, fails mid-upload or cannot rename, publishing fails with an exception,
     * no file is at the version's path, nothing temporary is left, and the id stays free for a retry.
     */
    @Test
    void storageFaultsNeverLeaveAServableFile(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore("faulty://" + dir.toAbsolutePath(), CLOCK);
        assertTrue(store.root().startsWith("faulty:///"), store.root());
        byte[] onnx = MixNetOnnx.build(MixNetWeights.random(8, 0.1f), "m");
        try {
            for (FaultyFileSystem.Mode fault : List.of(
                    FaultyFileSystem.Mode.CORRUPT_WRITES,
                    FaultyFileSystem.Mode.FAIL_MIDWAY,
                    FaultyFileSystem.Mode.FAIL_RENAMES)) {
                FaultyFileSystem.mode = fault;
                IOException e = assertThrows(
                        IOException.class, () -> store.publish("m", onnx, lineage("x"), Map.of()), fault.name());
                if (fault == FaultyFileSystem.Mode.CORRUPT_WRITES) {
                    assertTrue(e.getMessage().contains("read back differently"), e.getMessage());
                }
                FaultyFileSystem.mode = FaultyFileSystem.Mode.OK;
                assertFalse(Files.exists(dir.resolve("versions").resolve("m").resolve("model.onnx")), fault.name());
                assertFalse(store.stored("m").isPresent(), fault.name());
                try (var files = Files.list(dir.resolve("versions"))) {
                    assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp")), fault.name());
                }
            }
            FaultyFileSystem.mode = FaultyFileSystem.Mode.OK;
            ModelDescriptor d = store.publish("m", onnx, lineage("x"), Map.of());
            assertTrue(d.getUri().startsWith("faulty:///"), d.getUri());
            assertArrayEquals(onnx, store.load(d));
            assertEquals(
                    List.of("m"),
                    store.scan().stream().map(ModelDescriptor::getModelId).toList());
        } finally {
            FaultyFileSystem.mode = FaultyFileSystem.Mode.OK;
        }
    }

    /**
     * The trained models ship with the code: stored once, with their lineage and benchmark figures, servable; the
     * champion is a mixnet-2 whose JSON records the quality gate it passed against the champion before it.
     */
    @Test
    void theShippedModelsAreBootstrappedOnce(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir.toString(), CLOCK);
        List<ModelDescriptor> shipped = store.bootstrapShipped();
        assertEquals(
                List.of(ModelStore.FIRST_VERSION, ModelStore.SHIPPED_PREVIOUS, ModelStore.SHIPPED_CHAMPION),
                shipped.stream().map(ModelDescriptor::getModelId).toList());
        for (ModelDescriptor trained : shipped.subList(1, shipped.size())) {
            assertEquals("train", trained.getLineage().getOperation());
            assertTrue(
                    trained.getMetrics().containsKey("quality_mix_distance"),
                    trained.getMetrics().toString());
            assertTrue(ModelStore.isShipped(trained));
            byte[] onnx = store.load(trained);
            assertEquals(trained.getModelId(), OnnxModelInfo.of(onnx).declaredId);
            // it has opinions: its output layer is not the neutral zero of the first version
            float[] fc2 = Genome.fromOnnx(onnx).get("fc2.weight");
            double norm = 0;
            for (float v : fc2) {
                norm += v * v;
            }
            assertTrue(norm > 0.1, "fc2 norm " + norm);
        }
        assertEquals(shipped, store.bootstrapShipped(), "idempotent");
        ModelDescriptor champion = shipped.get(2);
        assertTrue(MixNet2Onnx.isMixNet2(store.load(champion)));
        assertEquals(ModelFormat.V3.number(), champion.getFormatVersion());
        assertEquals(1.0, champion.getMetrics().get("quality_gate_passed"));
        assertTrue(
                champion.getMetrics().get("quality_gate_candidate_distance")
                        <= champion.getMetrics().get("quality_gate_champion_distance")
                                * (1 + QUALITY_GATE_DISTANCE_TOLERANCE),
                champion.getMetrics().toString());
    }

    /** The quality gate's relative distance tolerance (training's QualityGate, not a dependency of this module). */
    private static final double QUALITY_GATE_DISTANCE_TOLERANCE = 0.02;
}
