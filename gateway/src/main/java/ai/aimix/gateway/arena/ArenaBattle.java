package ai.aimix.gateway.arena;

import ai.aimix.schema.Battle;
import ai.aimix.schema.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A battle on offer: as published on tournament.battles (its check sealed), and its two mixes loudness-matched in WAV
 * files of the same length, so a page can switch between them at the same position. What it is (a battle between
 * models, an attention check, a taste probe, a for-you battle) is never told to a listener before they vote.
 */
public final class ArenaBattle {
    final Battle battle;
    final Path a;
    final Path b;
    /**
     * A taste probe's role offsets of A and B from the model's mix (dB, in the taste profile's role order); null for a
     * battle between models. A probe is not published: its votes are the listener's taste answers.
     */
    final double[] probeA;

    final double[] probeB;
    /**
     * A for-you battle's listener (it is offered to them alone), and the side that is their personalised mix; null and
     * null for every other battle.
     */
    final String only;

    final Variant forYou;
    private final Set<String> voters = new HashSet<>();
    private long fullAtMillis = -1;

    private ArenaBattle(Battle battle, Path a, Path b, double[] probeA, double[] probeB, String only, Variant forYou) {
        this.battle = battle;
        this.a = a;
        this.b = b;
        this.probeA = probeA;
        this.probeB = probeB;
        this.only = only;
        this.forYou = forYou;
    }

    /** A battle between models, or an attention check: published, offered to everyone. */
    static ArenaBattle published(Battle battle, Path a, Path b) {
        return new ArenaBattle(battle, a, b, null, null, null, null);
    }

    /** A taste probe: sides {@code probeA} and {@code probeB} dB from the model's mix. */
    static ArenaBattle probe(Battle battle, Path a, Path b, double[] probeA, double[] probeB) {
        return new ArenaBattle(battle, a, b, probeA, probeB, null, null);
    }

    /** {@code listener}'s for-you battle, their personalised mix on side {@code mine}. */
    static ArenaBattle forYou(Battle battle, Path a, Path b, String listener, Variant mine) {
        return new ArenaBattle(battle, a, b, null, null, listener, mine);
    }

    public String id() {
        return battle.getBattleId();
    }

    public String league() {
        return battle.getLeague();
    }

    /** Each mix's length. */
    public long audioMillis() {
        return battle.getAudioMillis();
    }

    /** What side A was: a model version (an attention check's sides are "intact" and "damaged"). */
    public String modelA() {
        return battle.getModelA();
    }

    public String modelB() {
        return battle.getModelB();
    }

    /** Whether it is a taste probe (the same mix at two levels of one role). */
    public boolean probe() {
        return probeA != null;
    }

    /** Whether it is a for-you battle: the listener's personalised mix against the model's. */
    public boolean forYou() {
        return only != null;
    }

    public String song() {
        return battle.getSongId();
    }

    /** Counts {@code voter}'s vote; false when they voted on it before. */
    synchronized boolean voted(String voter, int votesPerBattle, long nowMillis) {
        if (!voters.add(voter)) {
            return false;
        }
        if (voters.size() >= votesPerBattle && fullAtMillis < 0) {
            fullAtMillis = nowMillis;
        }
        return true;
    }

    synchronized boolean hasVoted(String voter) {
        return voters.contains(voter);
    }

    synchronized int votes() {
        return voters.size();
    }

    /** It has its votes: offered to nobody new. */
    synchronized boolean full() {
        return fullAtMillis >= 0;
    }

    synchronized long fullAtMillis() {
        return fullAtMillis;
    }

    boolean closed(long nowMillis) {
        return battle.getClosesAtMillis() != null && nowMillis > battle.getClosesAtMillis();
    }

    void delete() throws IOException {
        Files.deleteIfExists(a);
        Files.deleteIfExists(b);
    }
}
