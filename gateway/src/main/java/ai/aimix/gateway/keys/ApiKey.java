package ai.aimix.gateway.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API key as the gateway keeps it: id, name, the keyed hash of its secret ({@link KeySeal}; never the secret),
 * limits, revoked or not, its webhook signing secret (sealed on the topic) and default callback.
 * The token a client sends is {@code amx_<id>_<secret>}: the id finds the key, the secret (256 random bits, so a
 * fast hash is enough) proves it, compared in constant time. {@code callbackUrl}, when set, is where the key's mixes
 * send their webhooks unless a mix names its own.
 */
public record ApiKey(
        String id,
        String name,
        String secretHash,
        long createdAtMillis,
        boolean revoked,
        KeyLimits limits,
        String webhookSecret,
        String callbackUrl) {
    static final String PREFIX = "amx_";
    /** How a keyed hash ({@link KeySeal}) is told from a plain SHA-256 of a key made before it. */
    static final String KEYED = "hmac:";

    private static final Pattern TOKEN = Pattern.compile("amx_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key and the one token that opens it (shown once, never stored). */
    public record Issued(ApiKey key, String token) {}

    public static Issued issue(String name, KeyLimits limits, long nowMillis, KeySeal seal) {
        return issue(name, limits, nowMillis, null, seal);
    }

    /**
     * A new key whose mixes call {@code callbackUrl} (null: none) unless they name their own; its secret hashed with
     * the gateway's {@code seal}.
     */
    public static Issued issue(String name, KeyLimits limits, long nowMillis, String callbackUrl, KeySeal seal) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String idHex = HexFormat.of().formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] webhook = new byte[32];
        RANDOM.nextBytes(webhook);
        String webhookSecret =
                "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(webhook);
        ApiKey key = new ApiKey(
                idHex, name, KEYED + seal.hash(secretText), nowMillis, false, limits, webhookSecret, callbackUrl);
        return new Issued(key, PREFIX + idHex + "_" + secretText);
    }

    /** The id and secret of a token, or null when it is not one. */
    static String[] parse(String token) {
        Matcher m = token == null ? null : TOKEN.matcher(token);
        return m != null && m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }

    /** Whether {@code secret} is this key's, in time independent of where they differ. */
    boolean opens(String secret, KeySeal seal) {
        String expected = secretHash.startsWith(KEYED) ? KEYED + seal.hash(secret) : hash(secret);
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), secretHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** A plain SHA-256, as keys made before the gateway secret were hashed. */
    static String hash(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public ApiKey revoke() {
        return new ApiKey(id, name, secretHash, createdAtMillis, true, limits, webhookSecret, callbackUrl);
    }

    /** The record on the keys topic: the secret only as its hash, the webhook secret sealed with {@code seal}. */
    public ObjectNode toJson(KeySeal seal) {
        ObjectNode o = publicJson();
        if (secretHash.startsWith(KEYED)) {
            o.put("secretHmacSha256", secretHash.substring(KEYED.length()));
        } else {
            o.put("secretSha256", secretHash);
        }
        if (webhookSecret != null) {
            o.put("webhookSecretSealed", seal.seal(webhookSecret));
        }
        return o;
    }

    /** What may be shown of the key ({@code aimix keys list}): no hash, no webhook secret. */
    public ObjectNode publicJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id);
        o.put("name", name);
        o.put("createdAtMillis", createdAtMillis);
        o.put("revoked", revoked);
        o.set("limits", limits.toJson());
        if (callbackUrl != null) {
            o.put("callbackUrl", callbackUrl);
        }
        return o;
    }

    /** A record of the keys topic, its webhook secret opened with {@code seal} (or read as is from an older one). */
    public static ApiKey fromJson(JsonNode o, KeySeal seal) {
        String id = o.path("id").asText("");
        String hash = o.hasNonNull("secretHmacSha256")
                ? KEYED + o.path("secretHmacSha256").asText("")
                : o.path("secretSha256").asText("");
        if (!id.matches("[0-9a-f]{16}") || !hash.matches("(" + KEYED + ")?[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not an API key record");
        }
        String webhook = o.hasNonNull("webhookSecretSealed")
                ? seal.open(o.path("webhookSecretSealed").asText())
                : o.hasNonNull("webhookSecret") ? o.path("webhookSecret").asText() : null;
        return new ApiKey(
                id,
                o.path("name").asText(""),
                hash,
                o.path("createdAtMillis").asLong(0),
                o.path("revoked").asBoolean(false),
                KeyLimits.fromJson(o.path("limits")),
                webhook,
                o.hasNonNull("callbackUrl") ? o.path("callbackUrl").asText() : null);
    }
}
