package ai.aimix.gateway.mix;

import ai.aimix.gateway.audio.AudioStore;
import ai.aimix.schema.codec.UploadTokens;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The mixes this gateway process knows, by id: those created here, and those other replicas created (adopted from
 * the mixes topic, {@link #adopt}), so any replica answers for any of them. Created with a server-chosen id and upload token, kept while
 * they run and for a retention time after they end (or after their creation, when no upload ever started), then
 * forgotten (the job's results stay on mix.results).
 */
public final class MixBook {
    /** Random bytes of a mix id (128 bits: ids cannot be guessed). */
    static final int ID_BYTES = 16;

    private final Map<String, MixState> mixes = new ConcurrentHashMap<>();
    /** The ids of the mixes other replicas created. */
    private final Set<String> adopted = ConcurrentHashMap.newKeySet();

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration retention;
    private final AudioStore audio;
    private final Consumer<MixState> onEnd;
    private final MixState.StemWatcher stems;

    /** @param onEnd told once of each mix that ends (completed with its audio in, or failed) */
    public MixBook(Clock clock, Duration retention, AudioStore audio, Consumer<MixState> onEnd) {
        this(clock, retention, audio, onEnd, MixState.StemWatcher.NONE);
    }

    /** @param stems told of each move of a stem's upload made here (for the other replicas) */
    public MixBook(
            Clock clock, Duration retention, AudioStore audio, Consumer<MixState> onEnd, MixState.StemWatcher stems) {
        this.clock = clock;
        this.retention = retention;
        this.audio = audio;
        this.onEnd = onEnd;
        this.stems = stems;
    }

    /** A new mix of {@code owner} (an API key's id). */
    public MixState create(MixSpec spec, String owner) {
        byte[] b = new byte[ID_BYTES];
        random.nextBytes(b);
        String id = "mix_" + HexFormat.of().formatHex(b);
        MixState m =
                new MixState(id, owner, spec, UploadTokens.random(), clock.millis(), audio.create(id), onEnd, stems);
        mixes.put(id, m);
        return m;
    }

    /**
     * A mix another replica created, from its record: known here from now on as if made here (its events, audio and
     * state from the job's topics, uploads taken here too), except that its webhook is the creating replica's to
     * send. A mix this book knows already is left as it is.
     */
    public MixState adopt(MixRecord r) {
        // the creating replica checked the body against the key's limits
        MixSpec spec = MixSpec.parse(r.body(), Integer.MAX_VALUE, Integer.MAX_VALUE);
        return mixes.computeIfAbsent(r.id(), id -> {
            adopted.add(id);
            return new MixState(
                    id, r.owner(), spec, r.uploadToken(), r.createdAtMillis(), audio.create(id), onEnd, stems);
        });
    }

    /** Whether another replica created the mix (this one adopted it). */
    public boolean adopted(String id) {
        return adopted.contains(id);
    }

    /** The mix, or null when this gateway does not know it (never created here, or forgotten). */
    public MixState get(String id) {
        return mixes.get(id);
    }

    /** Forgets a mix at once (one whose creation could not be completed). */
    public void discard(String id) {
        MixState m = mixes.remove(id);
        if (m != null) {
            m.forget();
        }
        adopted.remove(id);
    }

    /** How many of {@code owner}'s mixes run (neither completed nor failed). */
    public int running(String owner) {
        int n = 0;
        for (MixState m : mixes.values()) {
            if (m.owner.equals(owner)) {
                MixState.Status s = m.status();
                n += s == MixState.Status.COMPLETED || s == MixState.Status.FAILED ? 0 : 1;
            }
        }
        return n;
    }

    public int size() {
        return mixes.size();
    }

    /** Forgets the mixes that ended more than the retention time ago; returns how many. */
    public int expire() {
        long cutoff = clock.millis() - retention.toMillis();
        int[] n = {0};
        mixes.values().removeIf(m -> {
            long ended = m.endedAtMillis();
            boolean old = ended != 0 && ended < cutoff
                    // created and never uploaded to: abandoned
                    || ended == 0 && m.createdAtMillis < cutoff && m.status() == MixState.Status.AWAITING_UPLOAD;
            if (old) {
                n[0]++;
                m.forget();
                adopted.remove(m.id);
            }
            return old;
        });
        return n[0];
    }
}
