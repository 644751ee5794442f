package ai.aimix.schema.auth;

import ai.aimix.schema.Vote;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Voter tokens: whoever authenticates a listener (the gateway; in the simulation, the launcher) signs each of their
 * votes, and the tournament job counts only votes whose token verifies. The token is
 * {@code v1.KEYID.MAC}, MAC being HMAC-SHA256 (base64url) over the vote's battle, voter, outcome, listening time
 * and time: a client can neither vote under another voter's id nor change what was measured (how long it listened),
 * and a token cannot be moved to another vote.
 */
public final class VoterTokens {
    static final String PURPOSE = "voter token v1";
    private static final String VERSION = "v1";

    private VoterTokens() {}

    /** The token of {@code vote} (its own token field is ignored), signed with the signing key. */
    public static String sign(TournamentKeys keys, Vote vote) {
        String id = keys.signingId();
        return VERSION + "." + id + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(keys.mac(id, PURPOSE, canonical(vote)));
    }

    /** A copy of {@code vote} carrying its token. */
    public static Vote signed(TournamentKeys keys, Vote vote) {
        return Vote.newBuilder(vote).setVoterToken(sign(keys, vote)).build();
    }

    /** Null when the vote's token verifies with one of {@code keys}, else why not (one line, no secrets). */
    public static String problem(TournamentKeys keys, Vote vote) {
        String token = vote.getVoterToken();
        if (token == null) {
            return "the vote carries no voter token";
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION) || parts[2].length() > 64) {
            return "the voter token is malformed";
        }
        if (!keys.has(parts[1])) {
            return "the voter token names an unknown key";
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return "the voter token is malformed";
        }
        byte[] expected = keys.mac(parts[1], PURPOSE, canonical(vote));
        return MessageDigest.isEqual(expected, given)
                ? null
                : "the voter token does not match this vote (another voter, battle, outcome or listening time)";
    }

    /** The signed fields, one per line (ids hold no control characters, so the lines cannot be confused). */
    static byte[] canonical(Vote v) {
        return ("aimix vote v1\n" + v.getBattleId() + "\n" + v.getVoterId() + "\n" + v.getOutcome() + "\n"
                        + v.getListenedMillis() + "\n" + v.getVotedAtMillis())
                .getBytes(StandardCharsets.UTF_8);
    }
}
