package ai.aimix.launcher.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/** Loads flink-conf/&lt;name&gt;/config.yaml from a directory, or the copy packaged on the class path. */
public final class FlinkConfigs {
    private FlinkConfigs() {}

    /**
     * The configuration in {@code dir}/config.yaml when {@code dir} is given, else the packaged
     * flink-conf/{@code name}/config.yaml; then {@code overrides} on top.
     */
    public static Configuration load(Path dir, String name, Map<String, String> overrides) {
        Configuration conf;
        if (dir != null) {
            if (!Files.isRegularFile(dir.resolve("config.yaml"))) {
                throw new IllegalArgumentException("no config.yaml in " + dir);
            }
            conf = GlobalConfiguration.loadConfiguration(dir.toString());
        } else {
            conf = fromClasspath("flink-conf/" + name + "/config.yaml");
        }
        overrides.forEach(conf::setString);
        return conf;
    }

    private static Configuration fromClasspath(String resource) {
        try (InputStream in = FlinkConfigs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            Path tmp = Files.createTempDirectory("aimix-conf-");
            Files.copy(in, tmp.resolve("config.yaml"), StandardCopyOption.REPLACE_EXISTING);
            Configuration conf = GlobalConfiguration.loadConfiguration(tmp.toString());
            Files.delete(tmp.resolve("config.yaml"));
            Files.delete(tmp);
            return conf;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
