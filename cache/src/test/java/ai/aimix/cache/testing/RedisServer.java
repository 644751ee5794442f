package ai.aimix.cache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} on loopback for a test: a free port, no persistence, a memory bound with the LRU
 * policy the service expects, a log file under the test's directory. {@code .ci/run} installs Debian's
 * {@code redis-server} when it is missing.
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    public RedisServer(Path dir, long maxMemoryBytes) throws IOException, InterruptedException {
        this(dir, maxMemoryBytes, freePort());
    }

    /** A server on a given port (a restart where the last one was). */
    public RedisServer(Path dir, long maxMemoryBytes, int port) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        this.port = port;
        start(maxMemoryBytes);
    }

    private void start(long maxMemoryBytes) throws IOException, InterruptedException {
        List<String> command = List.of(
                binary(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory",
                Long.toString(maxMemoryBytes),
                "--maxmemory-policy",
                "allkeys-lru",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString());
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"+PONG".equals(command("PING"))) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.out")));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("redis-server did not answer on port " + port);
            }
            Thread.sleep(50);
        }
    }

    /** The redis-server binary: on the PATH or in /usr/bin (Debian's package). */
    static String binary() {
        for (String dirName : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dirName, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("redis-server is not installed (apt-get install redis-server; .ci/run does)");
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** One inline command over RESP; its first reply line, or null when the server does not answer. */
    public String command(String inline) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
