package ai.aimix.model.store;

import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {

    @Test
    void bootstrapCreatesTheNeutralFirstVersionAsChampion(@TempDir Path dir) throws Exception {
        ModelStore store = ModelStore.openOrBootstrap(dir);
        assertEquals(ModelStore.FIRST_VERSION, store.champion());
        byte[] onnx = store.load(ModelStore.FIRST_VERSION);
        MixNetWeights w = MixNetOnnx.readWeights(onnx);
        assertArrayEquals(MixNetWeights.neutral(ModelStore.FIRST_SEED).get("conv1.weight"), w.get("conv1.weight"));
        // idempotent, and a second process sees the same
        ModelStore.openOrBootstrap(dir);
        assertEquals(1, store.list().size());
    }

    @Test
    void publishLoadListAndChampion(@TempDir Path dir) throws Exception {
        ModelStore store = ModelStore.openOrBootstrap(dir);
        byte[] v2 = MixNetOnnx.build(MixNetWeights.random(2, 0.1f), "v2");
        ModelDescriptor d = store.publish("v2", v2, List.of(ModelStore.FIRST_VERSION), "test");
        assertEquals(List.of(ModelStore.FIRST_VERSION), d.parents());
        assertArrayEquals(v2, store.load("v2"));
        assertEquals(2, store.list().size());
        store.setChampion("v2");
        assertEquals("v2", store.champion());
        assertThrows(FileAlreadyExistsException.class, () -> store.publish("v2", v2, List.of(), "again"));
        assertThrows(UnknownModelVersionException.class, () -> store.setChampion("nope"));
        assertThrows(UnknownModelVersionException.class, () -> store.load("nope"));
        assertFalse(store.exists("../escape"));
        assertThrows(IllegalArgumentException.class, () -> store.publish("../escape", v2, List.of(), ""));
    }

    @Test
    void corruptFileIsDetected(@TempDir Path dir) throws Exception {
        ModelStore store = ModelStore.openOrBootstrap(dir);
        Path file = dir.resolve("versions").resolve(ModelStore.FIRST_VERSION).resolve("model.onnx");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class, () -> store.load(ModelStore.FIRST_VERSION));
        assertTrue(e.getMessage().contains("corrupt"));
    }
}
