package ai.aimix.schema.auth;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secrets the tournament job shares with whoever authenticates listeners and schedules battles (the gateway; in
 * the embedded default and the simulation, the launcher): each has an id, so keys can be rotated (the first one signs
 * and seals; every one listed is accepted). Written as {@code ID:BASE64} (at least 32 random bytes). From each secret
 * a subkey per purpose is derived (HMAC-SHA256 of the purpose's name), so one secret never serves two algorithms.
 */
public final class TournamentKeys implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Fewest secret bytes accepted. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, byte[]> secrets;
    /** Keyed MACs per subkey and thread, made on first use (not serialised: a job's copy makes its own). */
    private transient volatile Map<String, ThreadLocal<Mac>> macs;

    private TournamentKeys(Map<String, byte[]> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no tournament key");
        }
        this.secrets = secrets;
    }

    /**
     * Keys from their specs, the signing one first.
     *
     * @throws IllegalArgumentException naming the bad entry (never its secret)
     */
    public static TournamentKeys parse(List<String> specs) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i).strip();
            int colon = spec.indexOf(':');
            String id = colon < 0 ? "" : spec.substring(0, colon);
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("tournament key " + (i + 1) + " must be ID:BASE64 with an id of "
                        + "1-32 letters, digits, '_' or '-'");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(spec.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tournament key '" + id + "' is not valid base64");
            }
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("tournament key '" + id + "' has " + secret.length
                        + " bytes; at least " + MIN_SECRET_BYTES + " random bytes are needed");
            }
            if (out.put(id, secret) != null) {
                throw new IllegalArgumentException("tournament key '" + id + "' is listed twice");
            }
        }
        return new TournamentKeys(out);
    }

    /** A new random key with this id (for an embedded stack that was given none). */
    public static TournamentKeys generate(String id) {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return parse(List.of(id + ":" + Base64.getEncoder().encodeToString(secret)));
    }

    /** The keys as specs, the signing one first (to hand to the job's configuration). */
    public List<String> specs() {
        List<String> out = new ArrayList<>();
        secrets.forEach((id, s) -> out.add(id + ":" + Base64.getEncoder().encodeToString(s)));
        return out;
    }

    /** The id of the key that signs and seals. */
    public String signingId() {
        return secrets.keySet().iterator().next();
    }

    public boolean has(String id) {
        return secrets.containsKey(id);
    }

    /**
     * HMAC-SHA256 of {@code data} with the subkey of key {@code id} for {@code purpose}. The tournament job verifies a
     * token per vote: each thread keeps a {@link Mac} per subkey, keyed once (measured: 0.26-0.38 us a token, against
     * 0.9-2.1 us when the algorithm was looked up and keyed twice per token).
     */
    byte[] mac(String id, String purpose, byte[] data) {
        return macs().computeIfAbsent(id + "\n" + purpose, k -> {
                    byte[] subkey = subkey(id, purpose);
                    return ThreadLocal.withInitial(() -> keyed(subkey));
                })
                .get()
                .doFinal(data);
    }

    private Map<String, ThreadLocal<Mac>> macs() {
        Map<String, ThreadLocal<Mac>> m = macs;
        if (m == null) {
            synchronized (this) {
                if (macs == null) {
                    macs = new ConcurrentHashMap<>();
                }
                m = macs;
            }
        }
        return m;
    }

    /** The subkey of key {@code id} for {@code purpose}. */
    byte[] subkey(String id, String purpose) {
        byte[] secret = secrets.get(id);
        if (secret == null) {
            throw new IllegalArgumentException("no tournament key '" + id + "'");
        }
        return hmac(secret, ("aimix " + purpose).getBytes(StandardCharsets.UTF_8));
    }

    private static Mac keyed(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return keyed(key).doFinal(data);
    }

    @Override
    public String toString() {
        return "TournamentKeys" + secrets.keySet(); // never the secrets
    }
}
