package ai.aimix.model.store;

import ai.aimix.model.MixNetArchitecture;
import ai.aimix.model.MixNetWeights;
import ai.aimix.model.onnx.MixNetOnnx;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Versioned model files in a directory:
 * <pre>
 * root/champion                         the version used when a request asks for the champion
 * root/versions/&lt;version&gt;/model.onnx
 * root/versions/&lt;version&gt;/descriptor.json
 * </pre>
 * A version is written once (to a temporary folder, then renamed into place) and never changed; its file's
 * SHA-256 is checked on every load.
 */
public final class ModelStore {
    /** The version every fresh store starts with: the neutral mixnet of {@link #FIRST_SEED}. */
    public static final String FIRST_VERSION = "mixnet-v1";
    /** Seed of the first version's initialisation (see {@link MixNetWeights#neutral(long)}). */
    public static final long FIRST_SEED = 20261124L;

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Clock clock;

    public ModelStore(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    public ModelStore(Path root) {
        this(root, Clock.systemUTC());
    }

    /** Opens the store at {@code root}, creating it with the first (neutral) version as champion when empty. */
    public static ModelStore openOrBootstrap(Path root) throws IOException {
        ModelStore store = new ModelStore(root);
        store.bootstrap();
        return store;
    }

    public Path root() {
        return root;
    }

    public synchronized void bootstrap() throws IOException {
        Files.createDirectories(root.resolve("versions"));
        if (describe(FIRST_VERSION).isEmpty()) {
            try {
                publish(FIRST_VERSION, MixNetOnnx.build(MixNetWeights.neutral(FIRST_SEED), FIRST_VERSION), List.of(),
                        "neutral initialisation, seed " + FIRST_SEED + ": unity gain, centre pan, flat EQ, no compression");
            } catch (FileAlreadyExistsException raced) {
                // another process bootstrapped the same store
            }
        }
        if (!Files.exists(root.resolve("champion"))) {
            setChampion(FIRST_VERSION);
        }
    }

    public static boolean isValidVersion(String version) {
        return version != null && VERSION.matcher(version).matches();
    }

    /** Stores a new version; fails if the version exists. */
    public synchronized ModelDescriptor publish(String version, byte[] onnx, List<String> parents, String note)
            throws IOException {
        if (!isValidVersion(version)) {
            throw new IllegalArgumentException("invalid model version '" + version + "'");
        }
        Path target = versionDir(version);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "model version exists");
        }
        String architecture = MixNetOnnx.metadata(onnx, MixNetOnnx.META_ARCHITECTURE);
        ModelDescriptor d = new ModelDescriptor(version, architecture == null ? MixNetArchitecture.NAME : architecture,
                clock.millis(), parents, sha256(onnx), onnx.length, note);
        Path tmp = root.resolve("versions").resolve(".tmp-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        Files.write(tmp.resolve("model.onnx"), onnx);
        Files.write(tmp.resolve("descriptor.json"), JSON.writeValueAsBytes(d));
        moveAtomically(tmp, target);
        return d;
    }

    public Optional<ModelDescriptor> describe(String version) throws IOException {
        if (!isValidVersion(version)) {
            return Optional.empty();
        }
        Path file = versionDir(version).resolve("descriptor.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(file.toFile(), ModelDescriptor.class));
    }

    public boolean exists(String version) throws IOException {
        return describe(version).isPresent();
    }

    /** The ONNX bytes of a version, verified against the descriptor's SHA-256. */
    public byte[] load(String version) throws IOException {
        ModelDescriptor d = describe(version).orElseThrow(() -> new UnknownModelVersionException(version));
        byte[] onnx = Files.readAllBytes(versionDir(version).resolve("model.onnx"));
        String actual = sha256(onnx);
        if (!actual.equals(d.sha256())) {
            throw new IOException("model " + version + " is corrupt: sha256 " + actual + ", descriptor says " + d.sha256());
        }
        return onnx;
    }

    public List<ModelDescriptor> list() throws IOException {
        List<ModelDescriptor> out = new ArrayList<>();
        Path versions = root.resolve("versions");
        if (!Files.isDirectory(versions)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(versions)) {
            for (Path dir : dirs) {
                describe(dir.getFileName().toString()).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparingLong(ModelDescriptor::createdAtMillis).thenComparing(ModelDescriptor::version));
        return out;
    }

    public String champion() throws IOException {
        Path file = root.resolve("champion");
        if (!Files.exists(file)) {
            throw new IOException("model store " + root + " has no champion (not bootstrapped)");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    public synchronized void setChampion(String version) throws IOException {
        if (!exists(version)) {
            throw new UnknownModelVersionException(version);
        }
        Path tmp = root.resolve(".champion-" + UUID.randomUUID());
        Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
        moveAtomically(tmp, root.resolve("champion"));
    }

    private Path versionDir(String version) {
        return root.resolve("versions").resolve(version);
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
