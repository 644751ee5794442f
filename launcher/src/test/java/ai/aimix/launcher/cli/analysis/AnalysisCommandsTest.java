package ai.aimix.launcher.cli.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.clients.audio.Audio;
import ai.aimix.clients.audio.HostileWavFiles;
import ai.aimix.clients.audio.Wav;
import ai.aimix.dsp.io.Npy;
import ai.aimix.dsp.io.NpyArray;
import ai.aimix.dsp.metrics.Degradations;
import ai.aimix.dsp.metrics.TestMusic;
import ai.aimix.dsp.resample.Resampler;
import ai.aimix.launcher.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** analyze, mel and compare as a user runs them: WAV files in, JSON / .npy out, one-line errors and exit codes. */
class AnalysisCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static CliRun run(String... args) {
        return CliRun.run(args);
    }

    /** Interleaved 1 kHz sines, one peak level (dBFS) per channel, NaN for a silent channel. */
    static Audio tones(int rate, double seconds, int mask, double... dbfs) {
        int n = (int) Math.round(seconds * rate);
        int ch = dbfs.length;
        float[] s = new float[n * ch];
        for (int c = 0; c < ch; c++) {
            double a = Double.isNaN(dbfs[c]) ? 0 : Math.pow(10, dbfs[c] / 20);
            for (int i = 0; i < n; i++) {
                s[i * ch + c] = (float) (a * Math.sin(2 * Math.PI * 1000 * i / rate));
            }
        }
        return new Audio(rate, ch, s, mask);
    }

    static Path write(Path dir, String name, Audio a, Wav.Encoding e) throws Exception {
        Path f = dir.resolve(name);
        Wav.write(f, a, e);
        return f;
    }

    @Test
    void analyzeMeasuresCommonFormatsAndLayouts(@TempDir Path dir) throws Exception {
        // EBU Tech 3341 case 1 in 16-bit stereo at 44.1 kHz
        JsonNode st = run(
                        "analyze",
                        "--json",
                        write(dir, "st.wav", tones(44100, 20, 0, -23, -23), Wav.Encoding.PCM_16)
                                .toString())
                .json();
        assertEquals(-23.0, st.path("integrated_lufs").asDouble(), 0.1);
        assertEquals(-23.0, st.path("momentary_max_lufs").asDouble(), 0.1);
        assertEquals(-23.0, st.path("short_term_max_lufs").asDouble(), 0.1);
        assertEquals(0.0, st.path("lra_lu").asDouble(), 0.1);
        assertEquals(-23.0, st.path("sample_peak_dbfs").asDouble(), 0.05);
        assertEquals(-23.0, st.path("true_peak_dbtp").asDouble(), 0.1);
        // case 6 as 5.1 WAVE_FORMAT_EXTENSIBLE, 24-bit, 48 kHz, silent LFE
        JsonNode six = run(
                        "analyze",
                        "--json",
                        write(
                                        dir,
                                        "51.wav",
                                        tones(48000, 20, 0x3F, -28, -28, -24, Double.NaN, -30, -30),
                                        Wav.Encoding.PCM_24)
                                .toString())
                .json();
        assertEquals(-23.0, six.path("integrated_lufs").asDouble(), 0.1);
        assertEquals("L R C LFE BL BR", six.path("layout").asText());
        assertEquals(1.41, six.path("channel_weights").get(5).asDouble(), 0);
        // mono float at 22.05 kHz: one channel of weight 1, or dual mono
        Path mono = write(dir, "mono.wav", tones(22050, 10, 0, -23), Wav.Encoding.FLOAT_32);
        assertEquals(
                -26.0,
                run("analyze", "--json", mono.toString())
                        .json()
                        .path("integrated_lufs")
                        .asDouble(),
                0.1);
        assertEquals(
                -23.0,
                run("analyze", "--json", "--dual-mono", mono.toString())
                        .json()
                        .path("integrated_lufs")
                        .asDouble(),
                0.1);
        CliRun human = run("analyze", mono.toString());
        assertEquals(0, human.code);
        assertTrue(human.out.contains("integrated") && human.out.contains("LUFS"), human.out);
    }

    @Test
    void silenceIsNullWithAReason(@TempDir Path dir) throws Exception {
        CliRun r = run(
                "analyze",
                "--json",
                write(dir, "zero.wav", new Audio(48000, 2, new float[2 * 48000 * 5]), Wav.Encoding.PCM_16)
                        .toString());
        assertEquals(0, r.code);
        JsonNode j = r.json();
        for (String key : new String[] {
            "integrated_lufs",
            "lra_lu",
            "true_peak_dbtp",
            "sample_peak_dbfs",
            "momentary_max_lufs",
            "short_term_max_lufs"
        }) {
            assertTrue(j.has(key) && j.get(key).isNull(), key);
        }
        String notes = j.path("notes").toString();
        assertTrue(notes.contains("-70 LUFS absolute gate") && notes.contains("every sample is zero"), notes);
    }

    @Test
    void badFilesGiveOneLineAndExit2(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.wav");
        Files.writeString(text, "not audio");
        Path good = write(dir, "good.wav", tones(44100, 1, 0, -20, -20), Wav.Encoding.PCM_16);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.wav");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        Path empty = write(dir, "empty.wav", new Audio(44100, 2, new float[0]), Wav.Encoding.PCM_16);
        float[] nan = tones(44100, 1, 0, -20).samples();
        nan[1234] = Float.NaN;
        Path nanFile = write(dir, "nan.wav", new Audio(44100, 1, nan), Wav.Encoding.FLOAT_32);
        Path seven = write(dir, "seven.wav", new Audio(44100, 7, new float[7 * 100]), Wav.Encoding.PCM_16);
        // issue 14: judged from the header, before anything is read
        Path fast = HostileWavFiles.sparseWav(dir.resolve("fast.wav"), 1, 1, 1_000_000_000, 16, 2000);
        Path twoHours = HostileWavFiles.sparseWav(dir.resolve("two-hours.wav"), 1, 2, 8000, 8, 2L * 3600 * 8000 * 2);
        Path bytes8 = HostileWavFiles.sparseWav(dir.resolve("bytes.wav"), 1, 1, 48000, 8, 1_900_000_000L);
        Path huge = HostileWavFiles.sparseWav(dir.resolve("huge.wav"), 3, 1, 44100, 64, 8 * 4);
        try (FileChannel ch = FileChannel.open(huge, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0, 1e300), 44 + 8);
        }
        String[][] cases = {
            {fast.toString(), "1000000000 Hz; the service takes 8000 to 192000 Hz"},
            {twoHours.toString(), "(--max-seconds)"},
            {bytes8.toString(), "(--max-seconds)"},
            {huge.toString(), "is 1.0E300, outside the range of a 32-bit float"},
            {"/dev/zero", "not a regular file"},
            {text.toString(), "not a RIFF/WAVE file"},
            {cut.toString(), "truncated"},
            {empty.toString(), "zero-length audio"},
            {nanFile.toString(), "sample 1234 of channel 0 is NaN"},
            {seven.toString(), "7 channels"},
            {dir.resolve("missing.wav").toString(), "no such file"}
        };
        for (String[] c : cases) {
            CliRun r = run("analyze", "--json", c[0]);
            assertEquals(2, r.code, c[0]);
            assertTrue(r.err.startsWith("aimix analyze: error: ") && r.err.contains(c[1]), r.err);
            assertEquals(1, r.err.strip().lines().count(), r.err);
            assertEquals("", r.out);
        }
        CliRun m = run("mel", text.toString(), "--out", dir.resolve("x.npy").toString());
        assertEquals(2, m.code);
        assertTrue(m.err.startsWith("aimix mel: error: "), m.err);
        CliRun p = run("mel", good.toString(), "--out", dir.resolve("x.npy").toString(), "--pad", "wrap");
        assertEquals(2, p.code);
        assertTrue(p.err.contains("--pad must be constant or reflect"), p.err);
        CliRun fmax = run("mel", good.toString(), "--out", dir.resolve("x.npy").toString(), "--fmax", "30000");
        assertEquals(2, fmax.code);
        assertTrue(fmax.err.contains("--fmax <= 22050.0"), fmax.err);
        CliRun unknown = run("analyze", good.toString(), "--loud");
        assertEquals(2, unknown.code);
        assertEquals(1, unknown.err.strip().lines().count(), unknown.err);
        assertTrue(unknown.err.startsWith("aimix analyze: error: Unknown option: '--loud'"), unknown.err);
    }

    /** The mel command reproduces librosa's golden spectrograms from a WAV of the golden signal. */
    @Test
    void melMatchesLibrosaGoldenFiles(@TempDir Path dir) throws Exception {
        float[] y = golden(dir, "signal_sr22050.npy").floats();
        Path wav = write(dir, "sig.wav", new Audio(22050, 1, y), Wav.Encoding.FLOAT_32);
        for (String pad : new String[] {"constant", "reflect"}) {
            Path out = dir.resolve(pad + ".npy");
            CliRun r = run("mel", wav.toString(), "--out", out.toString(), "--pad", pad);
            assertEquals(0, r.code, r.err);
            assertClose(golden(dir, "melspec_sr22050_" + pad + ".npy"), Npy.read(out));
        }
        // stereo: the channel mean, here of two channels that average to the signal
        float[] inter = new float[2 * y.length];
        for (int i = 0; i < y.length; i++) {
            inter[2 * i] = y[i] * 1.5f;
            inter[2 * i + 1] = y[i] * 0.5f;
        }
        Path st = write(dir, "st.wav", new Audio(22050, 2, inter), Wav.Encoding.FLOAT_32);
        Path out = dir.resolve("st.npy");
        assertEquals(0, run("mel", st.toString(), "--out", out.toString()).code);
        assertClose(golden(dir, "melspec_sr22050_constant.npy"), Npy.read(out));
        // HTK, 40 bands, n_fft 512, hop 160 at 16 kHz
        float[] y16 = golden(dir, "signal_sr16000.npy").floats();
        Path w16 = write(dir, "s16.wav", new Audio(16000, 1, y16), Wav.Encoding.FLOAT_32);
        Path o16 = dir.resolve("o16.npy");
        assertEquals(
                0,
                run(
                                "mel",
                                w16.toString(),
                                "--out",
                                o16.toString(),
                                "--mels",
                                "40",
                                "--n-fft",
                                "512",
                                "--hop",
                                "160",
                                "--htk")
                        .code);
        assertClose(golden(dir, "melspec_sr16000_n512_hop160_m40_htk.npy"), Npy.read(o16));
    }

    private static NpyArray golden(Path dir, String name) throws Exception {
        Path f = dir.resolve("golden-" + name);
        try (InputStream in = AnalysisCommandsTest.class.getResourceAsStream("/golden/librosa/" + name)) {
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        }
        return Npy.read(f);
    }

    private static void assertClose(NpyArray expected, NpyArray actual) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()));
        assertEquals("<f4", actual.dtype());
        float[] e = expected.floats();
        float[] a = actual.floats();
        double peak = 0;
        for (float v : e) {
            peak = Math.max(peak, v);
        }
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 2e-6 * Math.abs(e[i]) + 1e-9 * peak, "value " + i);
        }
    }

    @Test
    void compareReportsEverythingAndOrdersDegradations(@TempDir Path dir) throws Exception {
        int sr = 48000;
        float[][] music = TestMusic.stereo(sr, 6, 7);
        Path ref = write(dir, "ref.wav", interleave(music, sr), Wav.Encoding.PCM_24);
        Path coded = write(
                dir,
                "coded.wav",
                interleave(Degradations.transformCoded(music, sr, 24, 16000, 256, 8), sr),
                Wav.Encoding.PCM_24);
        Path noisy =
                write(dir, "noisy.wav", interleave(Degradations.whiteNoise(music, 30, 1), sr), Wav.Encoding.PCM_24);
        JsonNode a = run("compare", ref.toString(), coded.toString(), "--json").json();
        JsonNode b = run("compare", ref.toString(), noisy.toString(), "--json").json();
        for (String key :
                new String[] {"reference", "candidate", "loudness_match_gain_db", "mr_stft", "features", "peaq", "notes"
                }) {
            assertTrue(a.has(key), key);
        }
        assertEquals(6, a.path("mr_stft").path("resolutions").size());
        assertEquals(11, a.path("peaq").path("movs").size());
        assertTrue(a.path("features")
                .path("spectral")
                .path("centroid")
                .path("mape")
                .isNumber());
        assertTrue(a.path("peaq").path("odg").asDouble()
                > b.path("peaq").path("odg").asDouble());
        assertTrue(a.path("mr_stft").path("distance").asDouble()
                < b.path("mr_stft").path("distance").asDouble());
        CliRun human = run("compare", ref.toString(), noisy.toString(), "--no-peaq");
        assertEquals(0, human.code);
        assertTrue(human.out.contains("MR-STFT") && !human.out.contains("PEAQ"), human.out);
    }

    @Test
    void compareSaysWhatItReconciledAndRefusesTheRest(@TempDir Path dir) throws Exception {
        float[][] music = TestMusic.stereo(44100, 3, 7);
        Path ref = write(dir, "ref.wav", interleave(music, 44100), Wav.Encoding.PCM_16);
        float[][] longer = {
            Arrays.copyOf(music[0], music[0].length + 44100), Arrays.copyOf(music[1], music[1].length + 44100)
        };
        Path cand = write(dir, "long.wav", interleave(longer, 44100), Wav.Encoding.PCM_16);
        JsonNode j = run("compare", ref.toString(), cand.toString(), "--json").json();
        assertTrue(j.path("notes").toString().contains("lengths differ"), j.toString());
        assertTrue(j.path("notes").toString().contains("resampled from 44100 Hz to 48000 Hz"), j.toString());
        Path mono = write(dir, "mono.wav", new Audio(44100, 1, music[0]), Wav.Encoding.PCM_16);
        CliRun r = run("compare", ref.toString(), mono.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.startsWith("aimix compare: error: channel counts differ"), r.err);
    }

    /**
     * PESQ on python-pesq's documented speech pair (dsp's test resources): its published scores, the same numbers
     * in JSON and text, what was done to a 48 kHz stereo file said in notes, and one-line refusals.
     */
    @Test
    void compareScoresSpeechWithPesq(@TempDir Path dir) throws Exception {
        Path ref = copyResource(dir, "speech.wav");
        Path deg = copyResource(dir, "speech_bab_0dB.wav");
        JsonNode wb = run("compare", ref.toString(), deg.toString(), "--pesq", "--no-peaq", "--json")
                .json()
                .path("pesq");
        assertEquals("wb", wb.path("mode").asText());
        assertEquals(16000, wb.path("sample_rate").asInt());
        assertEquals(1.083, wb.path("mos_lqo").asDouble(), 5e-4, wb.toString());
        assertEquals(1, wb.path("utterances").size());
        JsonNode nb = run("compare", ref.toString(), deg.toString(), "--pesq=nb", "--no-peaq", "--json")
                .json()
                .path("pesq");
        assertEquals(1.607, nb.path("mos_lqo").asDouble(), 5e-4, nb.toString());
        assertEquals(1.969, nb.path("raw").asDouble(), 5e-4, nb.toString());
        CliRun text = run("compare", ref.toString(), deg.toString(), "--pesq", "--no-peaq");
        assertEquals(0, text.code, text.err);
        assertTrue(text.out.contains("PESQ       MOS-LQO 1.08 (P.862.2 wideband, 16000 Hz; 1 utterance"), text.out);

        float[] speech = Wav.read(ref).planar()[0];
        float[] up = new Resampler(16000, 48000).process(speech);
        Path stereo = write(dir, "stereo48.wav", interleave(new float[][] {up, up}, 48000), Wav.Encoding.PCM_24);
        JsonNode wide = run("compare", stereo.toString(), stereo.toString(), "--pesq", "--no-peaq", "--json")
                .json();
        assertEquals(4.644, wide.path("pesq").path("mos_lqo").asDouble(), 5e-4, wide.toString());
        String notes = wide.path("notes").toString();
        assertTrue(notes.contains("channels were averaged to mono"), notes);
        assertTrue(notes.contains("resampled from 48000 to 16000 Hz"), notes);

        Path narrow = write(
                dir, "narrow.wav", new Audio(8000, 1, new Resampler(16000, 8000).process(speech)), Wav.Encoding.PCM_16);
        CliRun refused = run("compare", narrow.toString(), narrow.toString(), "--pesq=wb", "--no-peaq");
        assertEquals(2, refused.code);
        assertTrue(
                refused.err.startsWith("aimix compare: error: wideband PESQ (P.862.2) needs audio sampled at 16"),
                refused.err);
        assertEquals(1, refused.err.strip().lines().count(), refused.err);
        CliRun silent = run(
                "compare",
                write(dir, "silent.wav", new Audio(16000, 1, new float[32000]), Wav.Encoding.PCM_16)
                        .toString(),
                deg.toString(),
                "--pesq",
                "--no-peaq");
        assertEquals(2, silent.code);
        assertTrue(silent.err.contains("the reference is silent"), silent.err);
        CliRun badMode = run("compare", ref.toString(), deg.toString(), "--pesq=xb", "--no-peaq");
        assertEquals(2, badMode.code);
        assertTrue(badMode.err.contains("--pesq takes nb or wb"), badMode.err);
    }

    private static Path copyResource(Path dir, String name) throws Exception {
        Path f = dir.resolve(name);
        try (InputStream in = AnalysisCommandsTest.class.getResourceAsStream("/pesq/" + name)) {
            Files.copy(in, f);
        }
        return f;
    }

    private static Audio interleave(float[][] planar, int rate) {
        float[] s = new float[planar.length * planar[0].length];
        for (int i = 0; i < planar[0].length; i++) {
            for (int c = 0; c < planar.length; c++) {
                s[i * planar.length + c] = planar[c][i];
            }
        }
        return new Audio(rate, planar.length, s);
    }
}
