package ai.aimix.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.mix.MixJobOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.tournament.TournamentJobOptions;
import ai.aimix.jobs.training.TrainingJobOptions;
import ai.aimix.launcher.embedded.ReadOnlyRest;
import ai.aimix.schema.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        options.addAll(TrainingJobOptions.all());
        options.addAll(TournamentJobOptions.all());
        options.add(ReadOnlyRest.READ_ONLY);
        for (ConfigOption<?> o : options) {
            assertFalse(o.description().toString().isBlank(), o.key() + " has no description");
            assertTrue(doc.contains("`" + o.key() + "`"), o.key() + " is missing from docs/CONFIGURATION.md");
        }
    }
}
