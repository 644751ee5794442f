package ai.aimix.schema.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Upload tokens: the secret a producer puts in its request and in every chunk of the mix, so that only it can add
 * audio to the mix (docs/SECURITY.md). 128 random bits from a {@link SecureRandom}, as 32 hex digits.
 */
public final class UploadTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private UploadTokens() {}

    /** A new token. */
    public static String random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return HexFormat.of().formatHex(bits);
    }

    /** Whether a chunk's token is the request's (both absent counts as a match), in time independent of the content. */
    public static boolean matches(String expected, String actual) {
        if (expected == null || actual == null) {
            return expected == null && actual == null;
        }
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
