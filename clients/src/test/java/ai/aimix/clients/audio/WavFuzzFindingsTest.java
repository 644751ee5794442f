package ai.aimix.clients.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.testing.Allocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link WavFuzzTest} found, kept as regression seeds (docs/SECURITY.md, Fuzzing). */
class WavFuzzFindingsTest {

    /**
     * 2026-12-06: a 44-byte header of 32 channels of 8-bit audio and no frames made the reader allocate a block buffer
     * of 8,192 frames of every channel (1 MB; 2 GB at the 65,535 channels a header may declare).
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "524946462400000057415645666d742010000000010020000100000000000000200008006461746100000000",
                "524946462400000057415645666d7420100000000100ffff0100000000000000ffff08006461746100000000"
            })
    void manyChannelsAndNoFramesCostNoMemory(String hex, @TempDir Path dir) throws Exception {
        Path f = dir.resolve("f.wav");
        Files.write(f, HexFormat.of().parseHex(hex));
        WavFile.open(f).readAll(Long.MAX_VALUE); // warm
        long before = Allocation.ofThisThread();
        WavFile w = WavFile.open(f);
        w.readAll(Long.MAX_VALUE);
        w.verifySamples();
        assertTrue(Allocation.ofThisThread() - before < 256 << 10, "allocated " + (Allocation.ofThisThread() - before));
    }
}
