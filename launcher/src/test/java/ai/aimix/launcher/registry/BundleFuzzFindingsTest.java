package ai.aimix.launcher.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.model.store.ModelStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link BundleFuzzTest} found (2026-12-06), kept as regression seeds (docs/SECURITY.md, Fuzzing). */
class BundleFuzzFindingsTest {

    /** A 9 KB entry inflating to 8 MB was read up to the model size limit before it was refused. */
    @Test
    void anEntryInflatingFarBeyondItsCompressedSizeStopsEarly(@TempDir Path dir) throws Exception {
        Path bomb = dir.resolve("bomb.aimix-model");
        Files.write(bomb, BundleFuzzTest.zip(true, false, 0, 8));
        assertTrue(Files.size(bomb) < 16 << 10, "a small file");
        ModelAdmin.BundleException e = assertThrows(
                ModelAdmin.BundleException.class,
                () -> ModelAdmin.Bundle.read(bomb, ModelStore.DEFAULT_MAX_MODEL_BYTES));
        assertTrue(e.getMessage().contains("inflates beyond"), e.getMessage());
    }

    /**
     * A damaged archive failed with an EOFException without a message ("error: java.io.EOFException", exit 1); and a
     * flipped bit inside a deflated entry was read silently as other bytes (ZipFile checks no CRC-32; found in review).
     */
    @Test
    void aDamagedArchiveIsBadInputWithAReason(@TempDir Path dir) throws Exception {
        byte[] zip = BundleFuzzTest.zip(true, true, 0, 0);
        Path cut = dir.resolve("cut.aimix-model");
        Files.write(cut, Arrays.copyOf(zip, zip.length - 200));
        byte[] damaged = zip.clone();
        damaged[damaged.length / 3] ^= 0x5A;
        Path flipped = dir.resolve("flipped.aimix-model");
        Files.write(flipped, damaged);
        ModelAdmin.BundleException refused = assertThrows(
                ModelAdmin.BundleException.class,
                () -> ModelAdmin.Bundle.read(cut, ModelStore.DEFAULT_MAX_MODEL_BYTES));
        assertTrue(refused.getMessage().contains("not a readable zip bundle"), refused.getMessage());
        for (Path f : new Path[] {cut, flipped}) {
            ModelAdmin.BundleException e = assertThrows(
                    ModelAdmin.BundleException.class,
                    () -> ModelAdmin.Bundle.read(f, ModelStore.DEFAULT_MAX_MODEL_BYTES));
            assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        }
    }

    /**
     * A descriptor that is not JSON was refused with Jackson's message, which spans two lines (found by a 50,000-try
     * run, seed 7832242511647964985, try 6603: a bit flip inside the deflated descriptor). Both that input and a
     * hand-written one.
     */
    @Test
    void aDescriptorThatIsNotJsonIsRefusedOnOneLine(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(ModelAdmin.BUNDLE_DESCRIPTOR));
            z.write("{\n  \"modelId\": Oeratcision\n}\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry(ModelAdmin.BUNDLE_MODEL));
            z.write(BundleFuzzTest.MODEL);
            z.closeEntry();
        }
        Path handWritten = dir.resolve("hand.aimix-model");
        Files.write(handWritten, out.toByteArray());
        ModelAdmin.BundleException e = assertThrows(
                ModelAdmin.BundleException.class,
                () -> ModelAdmin.Bundle.read(handWritten, ModelStore.DEFAULT_MAX_MODEL_BYTES));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("descriptor") && e.getMessage().contains("line 2"), e.getMessage());

        BundleFuzzTest.readOrRefused(dir, BundleFuzzTest.bundle(new SplittableRandom(-7408930967743270005L)));
    }
}
