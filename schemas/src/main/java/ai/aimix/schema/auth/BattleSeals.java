package ai.aimix.schema.auth;

import ai.aimix.schema.Battle;
import ai.aimix.schema.VoteOutcome;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sealed attention checks: a battle's expected verdict (or that it has none) travels encrypted in the battle itself,
 * so listeners who read battles cannot tell a check from a real battle, let alone its answer, while the tournament job
 * (which holds the key) can. AES-256-GCM with a fresh 96-bit nonce and, as associated data, everything else the
 * battle says (id, league, song, mix, both models, audio length, times, voters): a seal cannot be moved to another
 * battle, nor its battle changed, by anyone without the key; {@code v1.KEYID.BASE64URL(nonce || ciphertext+tag)}, the
 * same length for every battle. Seal every battle, checks or not: a battle without a seal stands out.
 */
public final class BattleSeals {
    static final String PURPOSE = "battle seal v1";
    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Plaintext byte of "no expected verdict"; a verdict is 1 + its ordinal. */
    private static final byte NONE = 0;

    private BattleSeals() {}

    /** Why a seal does not open. */
    public static final class BrokenSeal extends Exception {
        private static final long serialVersionUID = 1L;

        BrokenSeal(String message) {
            super(message);
        }
    }

    /**
     * {@code battle} sealed: its {@code check} holds its expected verdict when it is an attention check ({@code
     * expected}), else none; {@code expectedOutcome} stays null (the answer never travels in the clear).
     */
    public static Battle sealed(TournamentKeys keys, Battle battle, VoteOutcome expected) {
        return Battle.newBuilder(battle)
                .setExpectedOutcome(null)
                .setCheck(seal(keys, battle, expected))
                .build();
    }

    /** The seal of {@code battle} (its {@code check} and {@code expectedOutcome} aside). */
    public static String seal(TournamentKeys keys, Battle battle, VoteOutcome expected) {
        String id = keys.signingId();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] plain = {expected == null ? NONE : (byte) (1 + expected.ordinal())};
        byte[] sealed = cipher(Cipher.ENCRYPT_MODE, keys, id, nonce, associatedData(battle), plain);
        byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return VERSION + "." + id + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** The expected verdict inside a battle's seal (empty: not an attention check). */
    public static Optional<VoteOutcome> open(TournamentKeys keys, Battle battle) throws BrokenSeal {
        String seal = battle.getCheck();
        if (seal == null) {
            throw new BrokenSeal("the battle has no seal");
        }
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
            plain = cipher(
                    Cipher.DECRYPT_MODE,
                    keys,
                    parts[1],
                    Arrays.copyOf(all, NONCE_BYTES),
                    associatedData(battle),
                    Arrays.copyOfRange(all, NONCE_BYTES, all.length));
        } catch (IllegalStateException e) {
            throw new BrokenSeal("the battle's seal does not open with its key (forged, made for another battle, or "
                    + "the battle was changed)");
        }
        if (plain.length != 1 || plain[0] < 0 || plain[0] > VoteOutcome.values().length) {
            throw new BrokenSeal("the battle's seal holds no verdict");
        }
        return plain[0] == NONE ? Optional.empty() : Optional.of(VoteOutcome.values()[plain[0] - 1]);
    }

    /**
     * What the seal authenticates: every field of the battle but {@code expectedOutcome} and {@code check}, each
     * string length-prefixed (so that no two battles share an encoding).
     */
    static byte[] associatedData(Battle b) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String s : new String[] {
                b.getBattleId(), b.getLeague(), b.getSongId(), b.getMixId(), b.getModelA(), b.getModelB()
            }) {
                string(out, s);
            }
            out.writeLong(b.getAudioMillis());
            out.writeLong(b.getCreatedAtMillis());
            out.writeBoolean(b.getClosesAtMillis() != null);
            out.writeLong(b.getClosesAtMillis() == null ? 0 : b.getClosesAtMillis());
            out.writeInt(b.getVoters().size());
            for (String voter : b.getVoters()) {
                string(out, voter);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = String.valueOf(s).getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static byte[] cipher(
            int mode, TournamentKeys keys, String keyId, byte[] nonce, byte[] associated, byte[] input) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(keys.subkey(keyId, PURPOSE), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associated);
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM: " + e.getMessage(), e);
        }
    }
}
