package ai.aimix.clients.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.Wav;
import ai.aimix.clients.kafka.StemInput;
import ai.aimix.schema.StemRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StemFolderTest {

    @Test
    void rolesComeFromFileNames() {
        assertEquals(StemRole.VOCALS, StemFolder.roleOf("vocals"));
        assertEquals(StemRole.VOCALS, StemFolder.roleOf("Lead Vox"));
        assertEquals(StemRole.VOCALS, StemFolder.roleOf("lead-vocal_take3"));
        assertEquals(StemRole.LEAD, StemFolder.roleOf("lead synth"));
        assertEquals(StemRole.GUITAR, StemFolder.roleOf("guitar-2"));
        assertEquals(StemRole.DRUMS, StemFolder.roleOf("Kick In"));
        assertEquals(StemRole.BACKING_VOCALS, StemFolder.roleOf("bgv_left"));
        assertEquals(StemRole.KEYS, StemFolder.roleOf("02 piano"));
        assertEquals(StemRole.OTHER, StemFolder.roleOf("track 7"));
    }

    static void wav(Path dir, String name, int rate, int channels, int frames) throws Exception {
        Wav.write(dir.resolve(name), new Audio(rate, channels, new float[frames * channels]), Wav.Encoding.PCM_16);
    }

    @Test
    void readsAFolderInNameOrder(@TempDir Path dir) throws Exception {
        wav(dir, "vocals.wav", 44100, 1, 100);
        wav(dir, "bass.WAV", 44100, 2, 200);
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        List<StemInput> stems = StemFolder.read(dir);
        assertEquals(List.of("bass", "vocals"), stems.stream().map(s -> s.name).toList());
        assertEquals(StemRole.BASS, stems.get(0).role);
        assertEquals(2, stems.get(0).channels());
    }

    @Test
    void problemsAreOneLineErrors(@TempDir Path dir) throws Exception {
        assertTrue(message(dir.resolve("missing")).endsWith("not a directory"));
        assertTrue(message(dir).endsWith("no .wav files"));

        wav(dir, "a.wav", 44100, 1, 10);
        wav(dir, "b.wav", 48000, 1, 10);
        assertEquals("b.wav is 48000 Hz but a.wav is 44100 Hz; all stems need the same rate", message(dir));

        Files.delete(dir.resolve("b.wav"));
        wav(dir, "surround.wav", 44100, 6, 10);
        assertEquals("surround.wav: 6 channels; stems must be mono or stereo", message(dir));

        Files.delete(dir.resolve("surround.wav"));
        Files.writeString(dir.resolve("broken.wav"), "RIFF....nonsense");
        String m = message(dir);
        assertTrue(m.contains("broken.wav") && m.contains("not a RIFF/WAVE file"), m);

        Files.delete(dir.resolve("broken.wav"));
        wav(dir, "empty.wav", 44100, 1, 0);
        assertEquals("empty.wav: no audio in the file", message(dir));
    }

    private static String message(Path dir) {
        String m = assertThrows(StemFolder.BadInputException.class, () -> StemFolder.read(dir))
                .getMessage();
        assertTrue(!m.contains("\n"), m);
        return m;
    }
}
