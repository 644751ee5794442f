package ai.aimix.clients.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a running {@code ./aimix serve} can be reached: written to ~/.aimix/serve.json (or $AIMIX_HOME) when it is
 * ready and removed when it stops, so {@code ./aimix mix} finds it without --bootstrap.
 */
public final class ServeInfo {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public final String bootstrap;
    public final String ui;
    public final long pid;
    /** The model store's root URI (null when the serve that wrote the file did not say). */
    public final String models;
    /** Topic names by role (requests, chunks, ..., registry); empty when unknown. */
    public final Map<String, String> topics;

    public ServeInfo(String bootstrap, String ui, long pid) {
        this(bootstrap, ui, pid, null, Map.of());
    }

    public ServeInfo(String bootstrap, String ui, long pid, String models, Map<String, String> topics) {
        this.bootstrap = bootstrap;
        this.ui = ui;
        this.pid = pid;
        this.models = models;
        this.topics = topics;
    }

    public static Path home() {
        String env = System.getenv("AIMIX_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".aimix");
    }

    public static Path file() {
        return home().resolve("serve.json");
    }

    public void write(Map<String, String> topics) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bootstrap", bootstrap);
        m.put("ui", ui);
        m.put("pid", pid);
        m.put("models", models);
        m.put("topics", topics);
        Files.createDirectories(home());
        Files.write(file(), JSON.writeValueAsBytes(m));
    }

    /** The running serve, or null when there is none (or the file is stale). */
    public static ServeInfo find() {
        Path f = file();
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            Map<?, ?> m = JSON.readValue(f.toFile(), Map.class);
            long pid = ((Number) m.get("pid")).longValue();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Map<String, String> topics = new LinkedHashMap<>();
                if (m.get("topics") instanceof Map) {
                    ((Map<?, ?>) m.get("topics")).forEach((k, v) -> topics.put(String.valueOf(k), String.valueOf(v)));
                }
                return new ServeInfo(
                        (String) m.get("bootstrap"), (String) m.get("ui"), pid, (String) m.get("models"), topics);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    public static void remove(long pid) {
        ServeInfo current = find();
        try {
            if (current == null || current.pid == pid) {
                Files.deleteIfExists(file());
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
