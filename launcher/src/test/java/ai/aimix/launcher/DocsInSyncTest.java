package ai.aimix.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.jobs.cache.CacheOptions;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.jobs.training.TrainingJobOptions;
import ai.aimix.launcher.embedded.ReadOnlyRest;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.codec.SchemaHistory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** The docs keep up with the code: every option in docs/CONFIGURATION.md, every error code in docs/ERRORS.md. */
class DocsInSyncTest {

    /** OPERATIONS.md describes every dashboard and each of its panels, with the panel's own description. */
    @Test
    void everyDashboardPanelIsDescribed() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "OPERATIONS.md"));
        ObjectMapper json = new ObjectMapper();
        int panels = 0;
        try (var files = Files.list(Path.of("..", "helm", "aimix", "files", "dashboards"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode d = json.readTree(f.toFile());
                String title = "**" + d.path("title").asText() + "** (" + f.getFileName() + ")";
                assertTrue(doc.contains(title), title + " is not in docs/OPERATIONS.md");
                for (JsonNode panel : d.path("panels")) {
                    String row = "| " + panel.path("title").asText() + " | "
                            + panel.path("description").asText() + " |";
                    assertTrue(doc.contains(row), f.getFileName() + ": no row " + row);
                    panels++;
                }
            }
        }
        assertTrue(panels >= 25, panels + " panels");
    }

    /** docs/API.md's error table has every code of the gateway, with its status. */
    @Test
    void everyApiErrorIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "API.md"));
        for (ApiError e : ApiError.values()) {
            String row = "| `" + e.name() + "` | " + e.status + " |";
            assertTrue(doc.contains(row), "docs/API.md has no row " + row);
        }
    }

    /** STREAMING_CONTRACT.md's fingerprint table has every released contract schema, fingerprint and wire bytes. */
    @Test
    void theFingerprintTableIsTheCodes() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "STREAMING_CONTRACT.md"));
        int rows = 0;
        for (String name : SchemaHistory.TRACKED) {
            if (name.contains(".internal.")) {
                continue; // keyed state, not on a topic
            }
            List<Schema> versions = SchemaHistory.versions(name);
            for (int v = 0; v < versions.size(); v++) {
                long fp = SchemaNormalization.parsingFingerprint64(versions.get(v));
                StringBuilder wire = new StringBuilder("C3 01");
                for (int b = 0; b < 8; b++) {
                    wire.append(String.format(" %02X", (fp >>> (8 * b)) & 0xFF));
                }
                String row = String.format(
                        "| `%s` | v%d | `%016x` | `%s` | `avro-history/%s/v%d.avsc` |",
                        name.substring(name.lastIndexOf('.') + 1), v + 1, fp, wire, name, v + 1);
                assertTrue(doc.contains(row), "docs/STREAMING_CONTRACT.md has no row " + row);
                rows++;
            }
        }
        assertTrue(rows >= 24, rows + " rows");
        assertTrue(doc.contains(String.format(
                "the canonical\n  form `\"int\"` (5 bytes, quotes included) gives `%016x`",
                SchemaNormalization.fingerprint64("\"int\"".getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void everyErrorCodeIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "ERRORS.md"));
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(doc.contains("| `" + c.name() + "` |"), c + " is missing from docs/ERRORS.md");
        }
    }

    @Test
    void everyOptionIsDescribedAndDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"));
        List<ConfigOption<?>> options = new ArrayList<>(MixJobOptions.all());
        options.addAll(KafkaOptions.all());
        options.addAll(ModelStoreOptions.all());
        options.addAll(CacheOptions.all());
        options.addAll(TrainingJobOptions.all());
        options.addAll(TournamentJobOptions.all());
        options.add(ReadOnlyRest.READ_ONLY);
        for (ConfigOption<?> o : options) {
            assertFalse(o.description().toString().isBlank(), o.key() + " has no description");
            assertTrue(doc.contains("`" + o.key() + "`"), o.key() + " is missing from docs/CONFIGURATION.md");
        }
    }
}
