package ai.aimix.jobs.registry;

import ai.aimix.model.store.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link BundleFuzzTest} found (2026-12-06), kept as regression seeds (docs/SECURITY.md, Fuzzing). */
class BundleFuzzFindingsTest {

    /** A 9 KB entry inflating to 8 MB was read up to the model size limit before it was refused. */
    @Test
    void anEntryInflatingFarBeyondItsCompressedSizeStopsEarly(@TempDir Path dir) throws Exception {
        Path bomb = dir.resolve("bomb.aimix-model");
        Files.write(bomb, BundleFuzzTest.zip(true, false, 0, 8));
        assertTrue(Files.size(bomb) < 16 << 10, "a small file");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelAdmin.Bundle.read(bomb, ModelStore.DEFAULT_MAX_MODEL_BYTES));
        assertTrue(e.getMessage().contains("holds more than"), e.getMessage());
    }

    /** A damaged archive failed with an EOFException without a message ("error: java.io.EOFException", exit 1). */
    @Test
    void aDamagedArchiveIsBadInputWithAReason(@TempDir Path dir) throws Exception {
        BundleFuzzTest.setUp();
        byte[] zip = BundleFuzzTest.zip(true, true, 0, 0);
        Path cut = dir.resolve("cut.aimix-model");
        Files.write(cut, Arrays.copyOf(zip, zip.length - 200));
        byte[] damaged = zip.clone();
        damaged[damaged.length / 3] ^= 0x5A;
        Path flipped = dir.resolve("flipped.aimix-model");
        Files.write(flipped, damaged);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ModelAdmin.Bundle.read(cut, ModelStore.DEFAULT_MAX_MODEL_BYTES));
        assertTrue(refused.getMessage().contains("not a readable zip bundle"), refused.getMessage());
        for (Path f : new Path[] {cut, flipped}) {
            try {
                ModelAdmin.Bundle.read(f, ModelStore.DEFAULT_MAX_MODEL_BYTES);
            } catch (IllegalArgumentException | java.io.IOException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains(f.getFileName().toString()),
                        String.valueOf(e));
            }
        }
    }
}
