package ai.aimix.gateway.arena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Named accounts of the arena, for listeners who want their votes, taste and experiments to follow them to another
 * browser. An account is a name, a password hash (PBKDF2-HMAC-SHA256, a random salt, {@link #ITERATIONS} rounds) and
 * the listener id it stands for — the id of the anonymous listener who created it, so nothing voted before is lost. It
 * is a file in the replicas' shared store ({@code accounts/<name>.json}), created with an atomic move that fails when
 * the name is taken. Signing in sets the listener cookie to the account's id; anonymous listening stays the default.
 */
public final class Accounts {
    /** Names: 3-32 lower-case letters, digits, '-' and '_' (the file name is the name). */
    static final Pattern NAME = Pattern.compile("[a-z0-9_-]{3,32}");

    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 200;
    /** PBKDF2 rounds: about 50 ms per sign-in here, a slow guess for whoever steals the store. */
    static final int ITERATIONS = 100_000;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why an account could not be made or opened. */
    public static final class Refused extends Exception {
        public final boolean taken;

        Refused(String message, boolean taken) {
            super(message);
            this.taken = taken;
        }
    }

    private final Path dir;

    public Accounts(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** Creates account {@code name} for {@code listener}; refused when the name or password is not valid or taken. */
    public void create(String name, String password, String listener) throws Refused, IOException {
        check(name, password);
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        ObjectNode a = JSON.createObjectNode();
        a.put("name", name);
        a.put("listener", listener);
        a.put("salt", Base64.getEncoder().encodeToString(salt));
        a.put("iterations", ITERATIONS);
        a.put("hash", Base64.getEncoder().encodeToString(hash(password, salt, ITERATIONS)));
        Path tmp = Files.createTempFile(dir, ".account-", ".json");
        Files.writeString(tmp, a.toString(), StandardCharsets.UTF_8);
        try {
            // a hard link is made whole or not at all, and never over an existing name: the first to take it keeps it
            Files.createLink(dir.resolve(name + ".json"), tmp);
            return;
        } catch (FileAlreadyExistsException e) {
            // taken
        } finally {
            Files.deleteIfExists(tmp);
        }
        throw new Refused("the name '" + name + "' is taken", true);
    }

    /** The listener id of account {@code name} when {@code password} is its password; refused otherwise. */
    public String signIn(String name, String password) throws Refused, IOException {
        Path f = name == null || !NAME.matcher(name).matches() ? null : dir.resolve(name + ".json");
        if (f == null || !Files.exists(f) || password == null) {
            throw new Refused("no such name and password", false);
        }
        JsonNode a = JSON.readTree(f.toFile());
        byte[] expected = Base64.getDecoder().decode(a.path("hash").asText());
        byte[] given = hash(
                password,
                Base64.getDecoder().decode(a.path("salt").asText()),
                a.path("iterations").asInt());
        if (!MessageDigest.isEqual(expected, given)) {
            throw new Refused("no such name and password", false);
        }
        return a.path("listener").asText();
    }

    private static void check(String name, String password) throws Refused {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new Refused("a name is 3-32 lower-case letters, digits, '-' or '_'", false);
        }
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new Refused("a password has " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters", false);
        }
    }

    private static byte[] hash(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS))
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
        }
    }
}
