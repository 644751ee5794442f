package ai.aimix.operators.tournament;

import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import ai.aimix.schema.TournamentError;
import ai.aimix.schema.internal.TournamentOutbound;

/** The tournament job's outbound records, one kind each. */
public final class Outbound {
    private Outbound() {}

    public static TournamentOutbound of(Standings s) {
        return new TournamentOutbound(s, null, null, null);
    }

    public static TournamentOutbound of(TournamentError e) {
        return new TournamentOutbound(null, e, null, null);
    }

    public static TournamentOutbound of(RegistryEntry r) {
        return new TournamentOutbound(null, null, r, null);
    }

    public static TournamentOutbound of(EvolutionEvent e) {
        return new TournamentOutbound(null, null, null, e);
    }
}
