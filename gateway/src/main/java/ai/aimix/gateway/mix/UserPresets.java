package ai.aimix.gateway.mix;

import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.gateway.audio.StoreFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The presets users saved, one JSON file per API key in a directory of the store (a shared volume on a cluster, so
 * every gateway replica sees the same). Read from the file on each use, so a change made through one replica is seen
 * by the others; written whole through a part file. Changes from two replicas at the same moment: the last one wins.
 */
public final class UserPresets {
    /** Most presets one key may keep. */
    public static final int MAX_PER_KEY = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public UserPresets(Path dir) {
        try {
            this.dir = Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the presets directory " + dir, e);
        }
    }

    /** The key's presets, by name. */
    public synchronized List<UserPreset> list(String keyId) {
        Path f = file(keyId);
        if (!Files.exists(f)) {
            return List.of();
        }
        try {
            List<UserPreset> out = new ArrayList<>();
            for (JsonNode p : JSON.readTree(f.toFile())) {
                ObjectNode definition = (ObjectNode) p;
                String name = definition.path("name").asText();
                definition.remove(List.of("name", "builtIn", "atCreation"));
                out.add(UserPreset.parse(name, definition));
            }
            out.sort(Comparator.comparing(UserPreset::name));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + f, e);
        }
    }

    /** The key's preset {@code name}, or null. */
    public UserPreset get(String keyId, String name) {
        return list(keyId).stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    /** Saves the preset (replacing one of its name); true when it is new. */
    public synchronized boolean put(String keyId, UserPreset preset) {
        List<UserPreset> all = new ArrayList<>(list(keyId));
        boolean fresh = !all.removeIf(p -> p.name().equals(preset.name()));
        if (fresh && all.size() >= MAX_PER_KEY) {
            throw new ApiException(
                    ApiError.INVALID_PRESET, "a key keeps at most " + MAX_PER_KEY + " presets; delete one first");
        }
        all.add(preset);
        save(keyId, all);
        return fresh;
    }

    /** Deletes the preset; false when the key has none of that name. */
    public synchronized boolean delete(String keyId, String name) {
        List<UserPreset> all = new ArrayList<>(list(keyId));
        if (!all.removeIf(p -> p.name().equals(name))) {
            return false;
        }
        save(keyId, all);
        return true;
    }

    private void save(String keyId, List<UserPreset> all) {
        ArrayNode a = JSON.createArrayNode();
        all.forEach(p -> a.add(p.toJson()));
        try {
            StoreFile.write(file(keyId), out -> JSON.writeValue(out, a));
        } catch (IOException e) {
            throw new UncheckedIOException("saving the presets of " + keyId, e);
        }
    }

    private Path file(String keyId) {
        return dir.resolve(keyId + ".json");
    }
}
