package ai.aimix.schema.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.schema.Battle;
import ai.aimix.schema.Vote;
import ai.aimix.schema.VoteOutcome;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Voter tokens and sealed attention checks (issue 14, finding 9). */
class TournamentAuthTest {
    static final TournamentKeys KEYS = TournamentKeys.generate("k1");

    static Vote vote() {
        return new Vote("battle-1", "voter-7", VoteOutcome.A, 25_000L, 1_700_000_000_000L, null);
    }

    @Test
    void aSignedVoteVerifiesAndAnyChangeToItDoesNot() {
        Vote signed = VoterTokens.signed(KEYS, vote());
        assertNull(VoterTokens.problem(KEYS, signed));
        assertTrue(signed.getVoterToken().startsWith("v1.k1."), signed.getVoterToken());
        for (Vote forged : List.of(
                Vote.newBuilder(signed).setVoterId("voter-8").build(),
                Vote.newBuilder(signed).setBattleId("battle-2").build(),
                Vote.newBuilder(signed).setOutcome(VoteOutcome.B).build(),
                Vote.newBuilder(signed).setListenedMillis(99_000L).build(),
                Vote.newBuilder(signed).setVotedAtMillis(1L).build())) {
            assertNotNull(VoterTokens.problem(KEYS, forged), forged.toString());
        }
        assertEquals("the vote carries no voter token", VoterTokens.problem(KEYS, vote()));
        for (String bad : List.of("", "v1.k1", "v2.k1.abc", "v1.k1.***", "v1.k1." + "A".repeat(100))) {
            assertEquals(
                    "the voter token is malformed",
                    VoterTokens.problem(
                            KEYS, Vote.newBuilder(vote()).setVoterToken(bad).build()),
                    bad);
        }
        // another deployment's key, even under the same id, does not verify
        Vote foreign = VoterTokens.signed(TournamentKeys.generate("k1"), vote());
        assertNotNull(VoterTokens.problem(KEYS, foreign));
        Vote unknownId = VoterTokens.signed(TournamentKeys.generate("k9"), vote());
        assertEquals("the voter token names an unknown key", VoterTokens.problem(KEYS, unknownId));
    }

    @Test
    void keysRotate() {
        TournamentKeys old = TournamentKeys.generate("old");
        TournamentKeys next = TournamentKeys.parse(List.of(
                TournamentKeys.generate("new").specs().get(0), old.specs().get(0)));
        assertEquals("new", next.signingId());
        assertNull(VoterTokens.problem(next, VoterTokens.signed(old, vote())), "the old key still verifies");
        assertNull(VoterTokens.problem(next, VoterTokens.signed(next, vote())));
        assertNotNull(
                VoterTokens.problem(old, VoterTokens.signed(next, vote())), "a retired verifier knows no new key");
    }

    @Test
    void badKeySpecsAreRefusedWithoutEchoingSecrets() {
        String shortSecret = "k:" + Base64.getEncoder().encodeToString(new byte[16]);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TournamentKeys.parse(List.of(shortSecret)));
        assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TournamentKeys.parse(List.of("no-colon")));
        assertThrows(IllegalArgumentException.class, () -> TournamentKeys.parse(List.of("k:not base64!")));
        String spec = KEYS.specs().get(0);
        IllegalArgumentException twice =
                assertThrows(IllegalArgumentException.class, () -> TournamentKeys.parse(List.of(spec, spec)));
        assertFalse(twice.getMessage().contains(spec.substring(3)), "no secret in messages");
        assertThrows(IllegalArgumentException.class, () -> TournamentKeys.parse(List.of()));
        assertEquals("TournamentKeys[k1]", KEYS.toString());
    }

    static Battle battle(String id) {
        return new Battle(
                id,
                "main",
                "song-1",
                "mix-" + id,
                "model-a",
                "model-b",
                20_000L,
                1_000L,
                null,
                List.of("v1", "v2"),
                null,
                null);
    }

    @Test
    void sealsOpenOnlyForTheirBattleAndAllLookAlike() throws Exception {
        Set<Integer> lengths = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (VoteOutcome expected :
                new VoteOutcome[] {null, VoteOutcome.A, VoteOutcome.B, VoteOutcome.TIE, VoteOutcome.BOTH_BAD}) {
            Battle sealed = BattleSeals.sealed(KEYS, battle("battle-1"), expected);
            assertEquals(null, sealed.getExpectedOutcome(), "the answer never travels in the clear");
            assertEquals(Optional.ofNullable(expected), BattleSeals.open(KEYS, sealed));
            lengths.add(sealed.getCheck().length());
            assertTrue(seen.add(sealed.getCheck()));
            assertThrows(
                    BattleSeals.BrokenSeal.class,
                    () -> BattleSeals.open(
                            KEYS,
                            Battle.newBuilder(battle("battle-2"))
                                    .setCheck(sealed.getCheck())
                                    .build()),
                    "a seal moved to another battle");
        }
        assertEquals(1, lengths.size(), "checks and ordinary battles are indistinguishable by length");
        Battle sealed = BattleSeals.sealed(KEYS, battle("battle-1"), VoteOutcome.A);
        assertTrue(
                seen.add(BattleSeals.seal(KEYS, battle("battle-1"), VoteOutcome.A)),
                "the same verdict seals differently each time");
        // the battle the seal was made for, changed in any field: refused (found in review: only the id was bound)
        List<Battle> changed = List.of(
                Battle.newBuilder(sealed).setLeague("other").build(),
                Battle.newBuilder(sealed).setSongId("song-2").build(),
                Battle.newBuilder(sealed).setMixId("mix-x").build(),
                Battle.newBuilder(sealed)
                        .setModelA("model-b")
                        .setModelB("model-a")
                        .build(),
                Battle.newBuilder(sealed).setModelB("model-c").build(),
                Battle.newBuilder(sealed).setAudioMillis(1_000L).build(),
                Battle.newBuilder(sealed).setCreatedAtMillis(2_000L).build(),
                Battle.newBuilder(sealed).setClosesAtMillis(0L).build(),
                Battle.newBuilder(sealed).setVoters(List.of("v1")).build(),
                Battle.newBuilder(sealed).setVoters(List.of("v1v2")).build());
        for (Battle b : changed) {
            assertThrows(BattleSeals.BrokenSeal.class, () -> BattleSeals.open(KEYS, b), b.toString());
        }
        assertEquals(
                Optional.of(VoteOutcome.A),
                BattleSeals.open(
                        KEYS,
                        Battle.newBuilder(sealed)
                                .setExpectedOutcome(VoteOutcome.B)
                                .build()),
                "the job's own field is not part of the seal");
        char[] c = sealed.getCheck().toCharArray();
        c[c.length - 3] = c[c.length - 3] == 'A' ? 'B' : 'A';
        assertThrows(
                BattleSeals.BrokenSeal.class,
                () -> BattleSeals.open(
                        KEYS, Battle.newBuilder(sealed).setCheck(new String(c)).build()));
        assertThrows(
                BattleSeals.BrokenSeal.class,
                () -> BattleSeals.open(TournamentKeys.generate("k1"), sealed),
                "another deployment's key");
        for (String bad : List.of("", "v1.k1", "v1.k9.AAAA", "v1.k1.AAAA", "v1.k1.%%%")) {
            assertThrows(
                    BattleSeals.BrokenSeal.class,
                    () -> BattleSeals.open(
                            KEYS, Battle.newBuilder(sealed).setCheck(bad).build()),
                    bad);
        }
        assertThrows(BattleSeals.BrokenSeal.class, () -> BattleSeals.open(KEYS, battle("battle-1")), "no seal");
    }
}
