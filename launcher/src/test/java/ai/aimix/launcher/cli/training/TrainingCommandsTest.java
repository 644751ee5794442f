package ai.aimix.launcher.cli.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.launcher.cli.CliRun;
import ai.aimix.model.onnx.OnnxModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** corpus build, train and quality as a user runs them, at a small scale; one-line errors and exit codes. */
class TrainingCommandsTest {
    @Test
    void buildTrainAndBenchmark(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("corpus");
        CliRun build = CliRun.run(
                "corpus",
                "build",
                "--songs",
                "12",
                "--bars",
                "6",
                "--soundfont",
                "builtin",
                "--out",
                corpus.toString());
        assertEquals(0, build.code, build.toString());
        assertTrue(build.out.contains("corpus: 12 songs (train 7, validation 3, test 2, unseen 0)"), build.out);
        assertTrue(build.out.contains("instruments: gervill-builtin"), build.out);
        assertTrue(build.out.matches("(?s).*features: .* smaller.*"), build.out);

        CliRun again = CliRun.run("corpus", "build", "--songs", "1", "--out", corpus.toString());
        assertEquals(2, again.code, again.toString());
        assertTrue(again.err.contains("already holds a feature store"), again.err);

        Path model = dir.resolve("m.onnx");
        CliRun train = CliRun.run(
                "train", "--features", corpus.toString(), "--out", model.toString(), "--epochs", "3", "--id", "small");
        assertEquals(0, train.code, train.toString());
        assertTrue(train.out.contains("epoch   3  train loss"), train.out);
        assertEquals("small", OnnxModelInfo.of(Files.readAllBytes(model)).declaredId);
        assertTrue(Files.exists(dir.resolve("m.onnx.json")) && Files.exists(dir.resolve("m.onnx.checkpoint")));
        // started again, the run finds its checkpoint complete and writes the same model
        byte[] first = Files.readAllBytes(model);
        assertEquals(
                0,
                CliRun.run(
                                "train",
                                "--features",
                                corpus.toString(),
                                "--out",
                                model.toString(),
                                "--epochs",
                                "3",
                                "--id",
                                "small")
                        .code);
        assertTrue(Arrays.equals(first, Files.readAllBytes(model)));

        CliRun quality = CliRun.run("quality", "--features", corpus.toString(), "--model", model.toString(), "--json");
        assertEquals(0, quality.code, quality.toString());
        JsonNode q = quality.json();
        assertEquals(2, q.path("songs").asInt());
        assertEquals("m.onnx", q.path("model_version").asText());
        assertTrue(
                q.path("plain_sum").path("mix_distance").asDouble()
                        > q.path("model").path("mix_distance").asDouble(),
                q.toString());
        assertEquals(2, q.path("per_song").size());

        // mixnet-2: the whole network, trained in this process; the quality benchmark measures its descriptors
        Path m2 = dir.resolve("m2.onnx");
        CliRun train2 = CliRun.run(
                "train",
                "--architecture",
                "mixnet-2",
                "--width",
                "4,8,16,32",
                "--features",
                corpus.toString(),
                "--out",
                m2.toString(),
                "--epochs",
                "3",
                "--id",
                "small2");
        assertEquals(0, train2.code, train2.toString());
        assertTrue(train2.out.contains("epoch   3  train loss"), train2.out);
        assertEquals("mixnet-2", OnnxModelInfo.of(Files.readAllBytes(m2)).architecture);
        CliRun quality2 = CliRun.run("quality", "--features", corpus.toString(), "--model", m2.toString(), "--json");
        assertEquals(0, quality2.code, quality2.toString());
        JsonNode q2 = quality2.json();
        assertTrue(
                q2.path("plain_sum").path("mix_distance").asDouble()
                        > q2.path("model").path("mix_distance").asDouble(),
                q2.toString());
        assertTrue(q2.path("role_average").path("eq_error_db").path("low").asDouble() > 0, q2.toString());
        CliRun width = CliRun.run(
                "train",
                "--architecture",
                "mixnet-2",
                "--width",
                "4,8",
                "--features",
                corpus.toString(),
                "--out",
                dir.resolve("w.onnx").toString());
        assertEquals(2, width.code, width.toString());
        assertTrue(width.err.contains("--width takes four numbers"), width.err);

        CliRun v1 = CliRun.run("quality", "--features", corpus.toString(), "--model", "mixnet-v1", "--songs", "1");
        assertEquals(0, v1.code, v1.toString());
        assertTrue(v1.out.contains("mix distance 0% below the plain sum"), v1.out);
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) {
        CliRun noStore = CliRun.run(
                "train",
                "--features",
                dir.resolve("none").toString(),
                "--out",
                dir.resolve("m.onnx").toString());
        assertEquals(2, noStore.code, noStore.toString());
        assertTrue(noStore.err.startsWith("aimix train: error: ") && noStore.err.contains("corpus build"), noStore.err);
        CliRun quality = CliRun.run("quality", "--features", dir.resolve("none").toString());
        assertEquals(2, quality.code, quality.toString());
        assertEquals(1, quality.err.strip().lines().count(), quality.err);
        CliRun songs = CliRun.run("corpus", "build", "--songs", "0", "--out", dir.toString());
        assertEquals(2, songs.code, songs.toString());
        CliRun genre = CliRun.run(
                "corpus",
                "build",
                "--unseen-genre",
                "polka",
                "--out",
                dir.resolve("g").toString());
        assertEquals(2, genre.code, genre.toString());
        assertTrue(genre.err.startsWith("aimix corpus build: error: no genre polka"), genre.err);
        CliRun bank = CliRun.run(
                "corpus",
                "build",
                "--soundfonts",
                "builtin",
                "--unseen-genre",
                "funk",
                "--unseen-bank",
                "gervill-builtin",
                "--out",
                dir.resolve("b").toString());
        assertEquals(2, bank.code, bank.toString());
        assertTrue(bank.err.contains("is the only one"), bank.err);
        CliRun perturbation = CliRun.run(
                "corpus",
                "build",
                "--perturbation",
                "loud",
                "--out",
                dir.resolve("p").toString());
        assertEquals(2, perturbation.code, perturbation.toString());
        assertEquals(
                "aimix corpus build: error: --perturbation is level-tilt or wide, not loud", perturbation.err.strip());
        CliRun file = CliRun.run(
                "corpus",
                "build",
                "--soundfonts",
                "builtin,/no/such.sf2",
                "--out",
                dir.resolve("f").toString());
        assertEquals(2, file.code, file.toString());
        assertEquals("aimix corpus build: error: no such sound font: /no/such.sf2", file.err.strip());
    }
}
