package ai.aimix.gateway.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.SampleEncoding;
import ai.aimix.schema.Variant;
import ai.aimix.schema.codec.Checksums;
import ai.aimix.schema.codec.Pcm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished mix's files stay in the store for downloads but are open only while read: a gateway that kept every
 * stored file open until its retention ended held ~10 descriptors per mix of the last hour under load.
 */
class OpenFilesTest {
    @Test
    void aMixsFilesAreOpenWhileItArrivesAndClosedWhenItHasEnded(@TempDir Path tmp) throws Exception {
        float[] x = WavDownloadTest.music(20000, 3);
        try (AudioStore store = new AudioStore(tmp.resolve("store"))) {
            MixAudio m = store.create("mix_t");
            StemAudio stem = m.stem(0, 2, SampleEncoding.PCM_F32LE);
            stem.append(Pcm.encode(x, 0, 20000, SampleEncoding.PCM_F32LE));
            assertEquals(1, m.openFiles(), "a stem being uploaded is open");
            stem.append(Pcm.encode(x, 20000, 20000, SampleEncoding.PCM_F32LE));
            stem.uploaded();
            assertEquals(0, m.openFiles(), "an uploaded stem is closed");

            // the mixed audio: the last chunk settles it
            MixAudio done = WavDownloadTest.stored(store, x, 4096, SampleEncoding.PCM_F32LE);
            assertEquals(0, done.openFiles(), "complete mixed audio is closed");

            // and both read as written: opened for the read, closed after it
            float[] back = new float[x.length];
            stem.read(0, back, 20000);
            assertArrayEquals(x, back);
            VariantAudio a = done.variant(Variant.MAIN);
            float[] mixed = new float[x.length];
            assertEquals(x.length, a.read(0, mixed, x.length));
            assertArrayEquals(x, mixed);
            assertEquals(0, m.openFiles() + done.openFiles());
        }
    }

    @Test
    void aMixThatEndsBeforeItsFilesAreCompleteClosesThemAndTheyStillTakeWhatComes(@TempDir Path tmp) throws Exception {
        float[] x = WavDownloadTest.music(8000, 4);
        try (AudioStore store = new AudioStore(tmp.resolve("store"))) {
            MixAudio m = store.create("mix_t");
            StemAudio stem = m.stem(1, 2, SampleEncoding.PCM_F32LE);
            stem.append(Pcm.encode(x, 0, 8000, SampleEncoding.PCM_F32LE));
            m.settle(); // the mix failed while its stem was still arriving
            assertEquals(0, m.openFiles());
            stem.append(Pcm.encode(x, 8000, 8000, SampleEncoding.PCM_F32LE));
            assertEquals(0, m.openFiles(), "a late write reopens the file and closes it again");
            float[] back = new float[x.length];
            stem.read(0, back, 8000);
            assertArrayEquals(x, back, "the reopened file was not truncated");
        }
    }

    @Test
    void filesMadeAfterTheMixEndedAreSettledFromTheStart(@TempDir Path tmp) throws Exception {
        float[] x = WavDownloadTest.music(4096, 5);
        try (AudioStore store = new AudioStore(tmp.resolve("store"))) {
            MixAudio m = store.create("mix_t");
            m.settle(); // a failed result read before the mix's output and before a late stem's first chunk
            ByteBuffer data = Pcm.encode(x, 0, 2 * 4096, SampleEncoding.PCM_F32LE);
            m.append(new MixOutputChunk(
                    "mix_t",
                    Variant.MAIN,
                    "m1",
                    0L,
                    0L,
                    WavDownloadTest.RATE,
                    2,
                    SampleEncoding.PCM_F32LE,
                    data,
                    false,
                    Checksums.crc32c(data)));
            m.stem(2, 2, SampleEncoding.PCM_F32LE).append(Pcm.encode(x, 0, 2 * 4096, SampleEncoding.PCM_F32LE));
            assertEquals(0, m.openFiles(), "nothing stays open for the retention hour");
            float[] back = new float[x.length];
            assertEquals(x.length, m.variant(Variant.MAIN).read(0, back, x.length));
            assertArrayEquals(x, back);
        }
    }

    @Test
    void concurrentReadsShareTheFileAndTheLastOneClosesIt(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("f.bin");
        byte[] bytes = new byte[1 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + (i >> 8));
        }
        Files.write(file, bytes);
        StoreChannel c = StoreChannel.readOnly(file, StandardOpenOption.READ);
        assertFalse(c.isOpen());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int at = t * 4096;
                reads.add(pool.submit(() -> {
                    ByteBuffer b = ByteBuffer.allocate(65536);
                    c.read(b, at);
                    return b.array();
                }));
            }
            for (int t = 0; t < reads.size(); t++) {
                assertArrayEquals(
                        Arrays.copyOfRange(bytes, t * 4096, t * 4096 + 65536),
                        reads.get(t).get(),
                        "read " + t);
            }
        } finally {
            pool.shutdown();
        }
        assertFalse(c.isOpen(), "no read is running: the file is closed");
        c.close();
        assertThrows(IOException.class, () -> c.read(ByteBuffer.allocate(4), 0), "a removed file is not reopened");
        assertTrue(Files.exists(file));
    }
}
