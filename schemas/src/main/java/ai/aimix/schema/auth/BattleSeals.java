package ai.aimix.schema.auth;

import ai.aimix.schema.VoteOutcome;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Sealed attention checks: a battle's expected verdict (or that it has none) travels encrypted in the battle itself,
 * so listeners who read battles cannot tell a check from a real battle, let alone its answer, while the tournament job
 * (which holds the key) can. AES-256-GCM with a fresh 96-bit nonce, the battle id as associated data (a seal cannot be
 * moved to another battle); {@code v1.KEYID.BASE64URL(nonce || ciphertext+tag)}, the same length for every battle.
 * Seal every battle, checks or not: a battle without a seal stands out.
 */
public final class BattleSeals {
    static final String PURPOSE = "battle seal v1";
    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Plaintext byte of "no expected verdict"; a verdict is 1 + its ordinal. */
    private static final byte NONE = 0;

    private BattleSeals() {
    }

    /** Why a seal does not open. */
    public static final class BrokenSeal extends Exception {
        private static final long serialVersionUID = 1L;

        BrokenSeal(String message) {
            super(message);
        }
    }

    /** The seal of battle {@code battleId}: its expected verdict when it is an attention check, else none. */
    public static String seal(TournamentKeys keys, String battleId, VoteOutcome expected) {
        String id = keys.signingId();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] plain = {expected == null ? NONE : (byte) (1 + expected.ordinal())};
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, keys, id, nonce, battleId, plain);
        byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return VERSION + "." + id + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** The expected verdict inside a battle's seal (empty: not an attention check). */
    public static Optional<VoteOutcome> open(TournamentKeys keys, String battleId, String seal) throws BrokenSeal {
        String[] parts = seal.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION) || parts[2].length() > 256) {
            throw new BrokenSeal("the battle's seal is malformed");
        }
        if (!keys.has(parts[1])) {
            throw new BrokenSeal("the battle's seal names an unknown key");
        }
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new BrokenSeal("the battle's seal is malformed");
        }
        if (all.length <= NONCE_BYTES + TAG_BITS / 8) {
            throw new BrokenSeal("the battle's seal is malformed");
        }
        byte[] plain;
        try {
            plain = cipher(Cipher.DECRYPT_MODE, keys, parts[1], Arrays.copyOf(all, NONCE_BYTES), battleId,
                    Arrays.copyOfRange(all, NONCE_BYTES, all.length));
        } catch (IllegalStateException e) {
            throw new BrokenSeal("the battle's seal does not open with its key (forged, or made for another battle)");
        }
        if (plain.length != 1 || plain[0] < 0 || plain[0] > VoteOutcome.values().length) {
            throw new BrokenSeal("the battle's seal holds no verdict");
        }
        return plain[0] == NONE ? Optional.empty() : Optional.of(VoteOutcome.values()[plain[0] - 1]);
    }

    private static byte[] cipher(int mode, TournamentKeys keys, String keyId, byte[] nonce, String battleId,
                                 byte[] input) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(keys.subkey(keyId, PURPOSE), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(battleId.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM: " + e.getMessage(), e);
        }
    }
}
