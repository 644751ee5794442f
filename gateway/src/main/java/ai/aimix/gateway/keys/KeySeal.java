package ai.aimix.gateway.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's own secret (a Kubernetes Secret on a cluster, {@value #ENV} in the environment), from which two keys
 * are derived: one hashes API-key secrets (HMAC-SHA256, so the keys topic alone does not even let one test a guess)
 * and one seals each key's webhook signing secret (AES-256-GCM), which the topic would otherwise hold in the clear.
 * Every gateway replica and {@code aimix keys} use the same secret; records written before it (plain SHA-256, a
 * webhook secret in the clear) are still read.
 */
public final class KeySeal {
    /** The environment variable that holds the secret. */
    public static final String ENV = "AIMIX_GATEWAY_SECRET";
    /** Shortest secret accepted, characters (a generated one has 43: 256 random bits, base64url). */
    public static final int MIN_LENGTH = 32;

    private static final String SEALED_PREFIX = "v1.";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec sealKey;
    /** Keyed once per thread (a request's key check is one hash, not a key schedule as well). */
    private final ThreadLocal<Mac> hashMac;

    private final ThreadLocal<Mac> shareMac;

    private final ThreadLocal<Mac> recordMac;

    private final ThreadLocal<Mac> listenerMac;

    private KeySeal(String secret) {
        byte[] master = secret.getBytes(StandardCharsets.UTF_8);
        byte[] hashKey = hmac(master, "aimix api-key hash");
        byte[] shareKey = hmac(master, "aimix share link");
        this.hashMac = ThreadLocal.withInitial(() -> mac(hashKey));
        this.shareMac = ThreadLocal.withInitial(() -> mac(shareKey));
        byte[] recordKey = hmac(master, "aimix gateway record");
        this.recordMac = ThreadLocal.withInitial(() -> mac(recordKey));
        byte[] listenerKey = hmac(master, "aimix arena listener");
        this.listenerMac = ThreadLocal.withInitial(() -> mac(listenerKey));
        this.sealKey = new SecretKeySpec(hmac(master, "aimix webhook-secret seal"), "AES");
    }

    /** The seal of {@code secret}; refused when shorter than {@link #MIN_LENGTH}. */
    public static KeySeal of(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the gateway secret (" + ENV + ") must have at least " + MIN_LENGTH
                    + " characters; make one with: head -c 32 /dev/urandom | base64");
        }
        return new KeySeal(secret);
    }

    /**
     * The secret from {@value #ENV}, else from {@code file}; when neither has one and {@code create}, a new random
     * secret written to {@code file}, readable by its owner only (the embedded stack's: every {@code ./aimix serve} and
     * {@code ./aimix keys} of one home share it, so keys made by one are opened by the next).
     */
    public static KeySeal load(Path file, boolean create) throws IOException {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return of(env.strip());
        }
        if (file != null && Files.exists(file)) {
            return of(Files.readString(file, StandardCharsets.UTF_8).strip());
        }
        if (file == null || !create) {
            throw new IllegalArgumentException(
                    "no gateway secret: set " + ENV + (file == null ? "" : " or write one to " + file));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        String secret = randomSecret();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system
        }
        Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return of(secret);
    }

    /** A new random secret, as text. */
    public static String randomSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The keyed hash of an API key's secret, hex. */
    String hash(String apiSecret) {
        return HexFormat.of().formatHex(hashMac.get().doFinal(apiSecret.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The token of a read-only share link to mix {@code mixId}: the id and its keyed hash, so any gateway with the same
     * secret can check it without storing anything. It opens the mix as long as the mix is kept.
     */
    public String shareToken(String mixId) {
        return SHARE_PREFIX + mixId + "." + shareTag(mixId);
    }

    /** The mix id a share token opens, or null when the token is not one this secret made. */
    public String sharedMix(String token) {
        if (token == null || !token.startsWith(SHARE_PREFIX)) {
            return null;
        }
        int dot = token.lastIndexOf('.');
        if (dot <= SHARE_PREFIX.length()) {
            return null;
        }
        String mixId = token.substring(SHARE_PREFIX.length(), dot);
        byte[] expected = shareTag(mixId).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? mixId : null;
    }

    private String shareTag(String mixId) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(shareMac.get().doFinal(mixId.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String SHARE_PREFIX = "shr_";

    /**
     * The arena's session cookie for listener {@code voterId}: the id and its keyed hash, so every replica knows the
     * listener without a session store, and nobody can vote under an id the gateway did not give them.
     */
    public String listenerToken(String voterId) {
        return voterId + "." + tag(listenerMac, voterId);
    }

    /** The listener a {@link #listenerToken} names, or null when this secret did not make it. */
    public String listener(String token) {
        if (token == null) {
            return null;
        }
        int dot = token.lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        String id = token.substring(0, dot);
        byte[] expected = tag(listenerMac, id).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? id : null;
    }

    private static String tag(ThreadLocal<Mac> mac, String text) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac.get().doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The keyed hash (base64url) of a record one replica writes for the others (the mixes topic): a replica with the
     * same secret takes only records that carry it, so nobody who can merely write to the topic can plant a mix.
     */
    public String recordTag(byte[] value) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(recordMac.get().doFinal(value));
    }

    /** Whether {@code tag} is {@link #recordTag} of {@code value} (compared in constant time). */
    public boolean recordTagged(byte[] value, String tag) {
        return tag != null
                && MessageDigest.isEqual(
                        recordTag(value).getBytes(StandardCharsets.US_ASCII), tag.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code plain} sealed: {@code v1.} and base64url of a random IV, the ciphertext and the tag. */
    String seal(String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, iv));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return SEALED_PREFIX
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(ByteBuffer.allocate(iv.length + ct.length)
                                    .put(iv)
                                    .put(ct)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot seal with AES-GCM", e);
        }
    }

    /** The text {@link #seal} sealed; refused when it was sealed with another secret or changed. */
    String open(String sealed) {
        if (!sealed.startsWith(SEALED_PREFIX)) {
            throw new IllegalArgumentException("not a sealed value");
        }
        try {
            byte[] all = Base64.getUrlDecoder().decode(sealed.substring(SEALED_PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            return new String(c.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "a sealed webhook secret that this gateway secret does not open (another " + ENV + "?)", e);
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        return mac(key).doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }
}
