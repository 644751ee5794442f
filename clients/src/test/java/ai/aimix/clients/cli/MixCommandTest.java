package ai.aimix.clients.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.HostileWavFiles;
import ai.aimix.clients.audio.Wav;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The mix command's error paths: one line on stderr and a non-zero exit, before anything is sent. */
class MixCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private int run(String... args) {
        return new CommandLine(new MixCommand()).execute(args);
    }

    private String errLines() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void aFolderWithABadFileIsRejectedInOneLine(@TempDir Path dir) throws Exception {
        Wav.write(dir.resolve("drums.wav"), new Audio(44100, 2, new float[200]), Wav.Encoding.PCM_16);
        Files.writeString(dir.resolve("vocals.wav"), "this is not audio");
        int code = run(
                "--stems", dir.toString(), "--out", dir.resolve("mix.wav").toString(), "--bootstrap", "127.0.0.1:1");
        assertEquals(MixCommand.EXIT_BAD_INPUT, code);
        assertEquals(1, errLines().lines().count(), errLines());
        assertTrue(errLines().startsWith("aimix mix: error: ") && errLines().contains("vocals.wav"), errLines());
    }

    /** Issue 14: refused from the headers, before a connection is tried (the broker address here is dead). */
    @Test
    void hostileFilesAreRefusedBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"two hours", "7200 s long; the service takes tracks of at most 1200 s"},
            {"a device", "not a regular file"},
            {"a fast rate", "1000000000 Hz; the service takes 8000 to 192000 Hz"},
            {"a huge float", "outside the range of a 32-bit float"}
        };
        for (String[] c : cases) {
            Path folder = Files.createDirectories(dir.resolve(c[0].replace(' ', '-')));
            switch (c[0]) {
                case "two hours":
                    HostileWavFiles.sparseWav(folder.resolve("vocals.wav"), 1, 2, 8000, 16, 2L * 3600 * 8000 * 4);
                    break;
                case "a device":
                    Files.createSymbolicLink(folder.resolve("zero.wav"), Path.of("/dev/zero"));
                    break;
                case "a fast rate":
                    HostileWavFiles.sparseWav(folder.resolve("drums.wav"), 1, 1, 1_000_000_000, 16, 200);
                    break;
                default:
                    Path f = HostileWavFiles.sparseWav(folder.resolve("bass.wav"), 3, 1, 44100, 64, 80);
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.write(
                                ByteBuffer.allocate(8)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putDouble(0, -1e300),
                                44 + 16);
                    }
            }
            err.reset();
            assertEquals(
                    MixCommand.EXIT_BAD_INPUT,
                    run(
                            "--stems",
                            folder.toString(),
                            "--out",
                            dir.resolve("mix.wav").toString(),
                            "--bootstrap",
                            "127.0.0.1:1"),
                    c[0]);
            assertEquals(1, errLines().lines().count(), errLines());
            assertTrue(errLines().startsWith("aimix mix: error: ") && errLines().contains(c[1]), errLines());
        }
        assertTrue(!Files.exists(dir.resolve("mix.wav")));
    }

    /**
     * Names the service refuses are refused here, as bad input, before anything is sent (found in review: the CLI
     * pushed every stem, then waited out its timeout for a mix the job could not attribute).
     */
    @Test
    void idsAndStemNamesTheServiceRefusesAreBadInput(@TempDir Path dir) throws Exception {
        Path good = Files.createDirectories(dir.resolve("good"));
        Wav.write(good.resolve("drums.wav"), new Audio(44100, 2, new float[200]), Wav.Encoding.PCM_16);
        assertEquals(
                MixCommand.EXIT_BAD_INPUT,
                run(
                        "--stems",
                        good.toString(),
                        "--out",
                        dir.resolve("mix.wav").toString(),
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--mix-id",
                        "m".repeat(300)));
        assertEquals("aimix mix: error: the mix id has 300 characters; at most 200", errLines());
        err.reset();
        assertEquals(
                MixCommand.EXIT_BAD_INPUT,
                run(
                        "--stems",
                        good.toString(),
                        "--out",
                        dir.resolve("mix.wav").toString(),
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--mix-id",
                        "a\u0007b"));
        assertTrue(errLines().contains("the mix id contains a control character at position 1"), errLines());

        Path longName = Files.createDirectories(dir.resolve("long"));
        Wav.write(
                longName.resolve("vocals-" + "x".repeat(240) + ".wav"),
                new Audio(44100, 2, new float[200]),
                Wav.Encoding.PCM_16);
        Path control = Files.createDirectories(dir.resolve("control"));
        Wav.write(control.resolve("lead\nvocal.wav"), new Audio(44100, 2, new float[200]), Wav.Encoding.PCM_16);
        for (Path folder : List.of(longName, control)) {
            err.reset();
            assertEquals(
                    MixCommand.EXIT_BAD_INPUT,
                    run(
                            "--stems",
                            folder.toString(),
                            "--out",
                            dir.resolve("mix.wav").toString(),
                            "--bootstrap",
                            "127.0.0.1:1"),
                    folder.toString());
            assertEquals(1, errLines().lines().count(), errLines());
            assertTrue(
                    errLines().contains("247 characters; at most 200")
                            || errLines().contains("contains a control character at position 4"),
                    errLines());
        }
        assertTrue(!Files.exists(dir.resolve("mix.wav")));

        // a Kafka client setting the service owns, in --kafka-config
        Path config = dir.resolve("kafka.properties");
        Files.writeString(config, "security.protocol=SASL_SSL\ngroup.id=mine\n");
        err.reset();
        assertEquals(
                MixCommand.EXIT_BAD_INPUT,
                run(
                        "--stems",
                        good.toString(),
                        "--out",
                        dir.resolve("mix.wav").toString(),
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--kafka-config",
                        config.toString()));
        assertEquals(
                "aimix mix: error: --kafka-config: the Kafka client setting group.id is set by the service "
                        + "itself and cannot be passed through",
                errLines());
    }

    @Test
    void missingFolderAndBadOptionsAreOneLine(@TempDir Path dir) {
        assertEquals(
                MixCommand.EXIT_BAD_INPUT, run("--stems", dir.resolve("nope").toString(), "--out", "x.wav"));
        assertEquals("aimix mix: error: " + dir.resolve("nope") + ": not a directory", errLines());
        err.reset();
        assertEquals(MixCommand.EXIT_BAD_INPUT, run("--stems", dir.toString(), "--out", "x.wav", "--bits", "12"));
        assertEquals("aimix mix: error: --bits must be 16, 24 or 32, not 12", errLines());
    }

    @Test
    void withoutARunningServeItSaysSo(@TempDir Path dir) throws Exception {
        Wav.write(dir.resolve("bass.wav"), new Audio(44100, 1, new float[100]), Wav.Encoding.PCM_16);
        String home = System.getProperty("user.home");
        // no serve.json under an empty AIMIX home: the environment cannot be changed here, so point user.home
        System.setProperty("user.home", dir.resolve("home").toString());
        try {
            if (System.getenv("AIMIX_HOME") == null) {
                assertEquals(MixCommand.EXIT_UNREACHABLE, run("--stems", dir.toString(), "--out", "x.wav"));
                assertTrue(errLines().contains("no running './aimix serve' found"), errLines());
            }
        } finally {
            System.setProperty("user.home", home);
        }
    }
}
