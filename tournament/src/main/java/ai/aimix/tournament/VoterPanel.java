package ai.aimix.tournament;

import ai.aimix.schema.StemRole;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A panel of simulated voters for tournaments: honest {@link SimulatedListener}s with personal tastes (a third want
 * the song's reference mix, the others vocals, drums or bass 3 dB louder or softer: tastes that cancel out over the
 * panel, so the crowd's favourite is the reference-like mix; seven tastes in all, so a battle's distances are
 * computed seven times at most, not once per voter) and bad actors of three kinds, in equal
 * numbers: always A, random, and adversarial (the worse mix on purpose). Bad actors listen as long as honest voters do
 * (a faster vote would be refused as too fast, a different defence). The panel is a function of its seed; what
 * a battle's voters do is a function of the random source the caller passes per battle, so battles can be judged on
 * several threads (an honest listener's own noise is drawn under the listener's lock).
 */
public final class VoterPanel {
    /** Who a voter is. */
    public enum Kind {
        HONEST,
        ALWAYS_A,
        RANDOM,
        ADVERSARIAL
    }

    /** A voter: honest ones judge through their listener. */
    public record Voter(String id, Kind kind, SimulatedListener listener) {}

    /** The distance of both mixes of a battle to the reference as a taste wants it. */
    public interface Distances {
        double[] of(StemRole tasteRole, float tasteDb) throws Exception;
    }

    /** Roles a taste picks from: the ones most songs have. */
    static final StemRole[] TASTE_ROLES = {StemRole.VOCALS, StemRole.DRUMS, StemRole.BASS};

    static final float TASTE_DB = 3f;

    /** How the screen did against the panel's known bad actors. */
    public record Screening(int flaggedBad, int flaggedHonest, int bad, int honest) {
        /** Share of flagged voters that are bad actors (1 when none is flagged). */
        @JsonProperty
        public double precision() {
            int flagged = flaggedBad + flaggedHonest;
            return flagged == 0 ? 1 : (double) flaggedBad / flagged;
        }

        /** Share of bad actors flagged (1 when there are none). */
        @JsonProperty
        public double recall() {
            return bad == 0 ? 1 : (double) flaggedBad / bad;
        }
    }

    private final List<Voter> voters = new ArrayList<>();

    /**
     * @param sensitivity how sharply an honest voter prefers the closer mix (a distance difference of this is odds
     *                    of e : 1)
     */
    public VoterPanel(int size, double badShare, double sensitivity, long seed) {
        if (size < 1 || badShare < 0 || badShare > 1) {
            throw new IllegalArgumentException("a panel needs at least one voter and a bad share in [0, 1]");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int bad = (int) Math.round(size * badShare);
        for (int i = 0; i < size - bad; i++) {
            StemRole role = null;
            float db = 0;
            if (random.nextInt(3) > 0) {
                role = TASTE_ROLES[random.nextInt(TASTE_ROLES.length)];
                db = random.nextBoolean() ? TASTE_DB : -TASTE_DB;
            }
            String id = String.format("honest-%03d", i);
            voters.add(new Voter(
                    id, Kind.HONEST, new SimulatedListener(id, role, db, sensitivity, 0.01, 10, random.nextLong())));
        }
        Kind[] kinds = {Kind.ALWAYS_A, Kind.RANDOM, Kind.ADVERSARIAL};
        for (int i = 0; i < bad; i++) {
            Kind k = kinds[i % 3];
            String id =
                    String.format("%s-%03d", k.name().toLowerCase(Locale.ROOT).replace('_', '-'), i);
            voters.add(new Voter(id, k, new SimulatedListener(id, null, 0f, sensitivity, 0.01, 10, random.nextLong())));
        }
    }

    public List<Voter> voters() {
        return Collections.unmodifiableList(voters);
    }

    /** The bad actors' ids. */
    public Set<String> bad() {
        Set<String> out = new TreeSet<>();
        voters.stream().filter(v -> v.kind() != Kind.HONEST).forEach(v -> out.add(v.id()));
        return out;
    }

    /** {@code k} different voters, at random. */
    public List<Voter> sample(int k, SplittableRandom random) {
        List<Voter> copy = new ArrayList<>(voters);
        for (int i = copy.size() - 1; i > 0; i--) {
            Collections.swap(copy, i, random.nextInt(i + 1));
        }
        return copy.subList(0, Math.min(k, copy.size()));
    }

    /**
     * A voter's verdict on a battle whose mixes are {@code audioMillis} long.
     *
     * @param distances the two mixes' distances to a taste's reference (honest voters; adversarial ones use the
     *                  neutral reference to pick the worse mix)
     */
    public SimulatedListener.Judgement judge(Voter v, Distances distances, long audioMillis, SplittableRandom random)
            throws Exception {
        SimulatedListener l = v.listener();
        if (v.kind() == Kind.HONEST) {
            double[] d = distances.of(l.tasteRole, l.tasteDb);
            return l.judge(d[0], d[1], audioMillis);
        }
        long listened = audioMillis + (long) (random.nextDouble() * audioMillis);
        PairCounts.Outcome o;
        switch (v.kind()) {
            case ALWAYS_A:
                o = PairCounts.Outcome.FIRST;
                break;
            case RANDOM:
                o = random.nextBoolean() ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND;
                break;
            default:
                double[] d = distances.of(null, 0f);
                o = d[0] > d[1] ? PairCounts.Outcome.FIRST : PairCounts.Outcome.SECOND;
        }
        return new SimulatedListener.Judgement(o, listened, Double.NaN, Double.NaN);
    }

    /** The screen's flags against the panel's bad actors. */
    public Screening screening(Set<String> flagged) {
        Set<String> bad = bad();
        int hit = (int) flagged.stream().filter(bad::contains).count();
        return new Screening(hit, flagged.size() - hit, bad.size(), voters.size() - bad.size());
    }
}
