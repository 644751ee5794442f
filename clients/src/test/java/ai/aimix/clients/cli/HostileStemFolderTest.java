package ai.aimix.clients.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.HostileWavFiles;
import ai.aimix.schema.testing.Allocation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders of stems a careless or hostile user hands {@code aimix mix} (issue 14, finding 8): the folder reader judges
 * every file by its header, before any audio is read (the files themselves: {@code HostileWavTest}).
 */
class HostileStemFolderTest {

    @Test
    void aDeviceByANameThatLooksLikeAudioIsRefusedWithoutBeingOpened(@TempDir Path dir) throws Exception {
        Path stems = Files.createDirectories(dir.resolve("stems"));
        Files.createSymbolicLink(stems.resolve("zero.wav"), Path.of("/dev/zero"));
        StemFolder.BadInputException e = assertThrows(StemFolder.BadInputException.class, () -> StemFolder.read(stems));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    /**
     * Long files are judged by their headers: a 2-hour stereo stem, a 2-hour mono stem (8 kHz, so that the sparse
     * files stay small where a file system does not support holes) and a 1.9 GB 8-bit file are refused by the mix
     * command's folder reader before a byte of audio is read.
     */
    @Test
    void longStemsAreRefusedFromTheirHeaders(@TempDir Path dir) throws Exception {
        long twoHours = 2L * 3600 * 8000;
        for (Object[] c : new Object[][] {
            {"stereo", 2, 16, 8000, twoHours * 4},
            {"mono", 1, 16, 8000, twoHours * 2},
            {"bytes", 1, 8, 48000, 1_900_000_000L}
        }) {
            Path folder = Files.createDirectories(dir.resolve((String) c[0]));
            HostileWavFiles.sparseWav(folder.resolve("vocals.wav"), 1, (int) c[1], (int) c[3], (int) c[2], (long) c[4]);
            assertThrows(StemFolder.BadInputException.class, () -> StemFolder.read(folder)); // classes loaded
            long before = Allocation.ofThisThread();
            StemFolder.BadInputException e =
                    assertThrows(StemFolder.BadInputException.class, () -> StemFolder.read(folder));
            assertTrue(e.getMessage().contains("the service takes tracks of at most 1200 s"), e.getMessage());
            assertTrue(Allocation.ofThisThread() - before < 1 << 20, "nothing read");
        }
        // and a rate no one records at
        Path fast = Files.createDirectories(dir.resolve("fast"));
        HostileWavFiles.sparseWav(fast.resolve("drums.wav"), 1, 1, 1_000_000_000, 16, 2000);
        StemFolder.BadInputException e = assertThrows(StemFolder.BadInputException.class, () -> StemFolder.read(fast));
        assertTrue(e.getMessage().contains("1000000000 Hz; the service takes 8000 to 192000 Hz"), e.getMessage());
    }
}
