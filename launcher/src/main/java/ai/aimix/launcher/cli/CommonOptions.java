package ai.aimix.launcher.cli;

import ai.aimix.launcher.embedded.FlinkConfigs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** Options every embedded command shares. */
final class CommonOptions {
    @Option(
            names = "--flink-conf",
            description = "Directory with the config.yaml to use (default: flink-conf/embedded).")
    Path flinkConf;

    @Option(
            names = "--gpu",
            description = "Ask ONNX Runtime for CUDA (needs a build with -Pgpu and CUDA 12); "
                    + "falls back to CPU with one log line.")
    boolean gpu;

    @Option(
            names = "-D",
            paramLabel = "key=value",
            description = "Set a Flink or aimix.* option, e.g. -Daimix.inference.batch-segments=32.")
    Map<String, String> properties = new LinkedHashMap<>();

    Configuration config(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(extra);
        if (gpu) {
            all.put("aimix.inference.device", "CUDA");
        }
        all.putAll(properties);
        Path dir = flinkConf;
        if (dir == null && System.getProperty("aimix.flink.conf") != null) {
            dir = Path.of(System.getProperty("aimix.flink.conf"));
        }
        return FlinkConfigs.load(dir, "embedded", all);
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
