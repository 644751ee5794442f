package ai.aimix.schema.codec;

import ai.aimix.schema.AudioChunk;
import ai.aimix.schema.Battle;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.MixError;
import ai.aimix.schema.MixOutputChunk;
import ai.aimix.schema.MixProgress;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.Standings;
import ai.aimix.schema.TournamentError;
import ai.aimix.schema.Vote;

/** The topics of the streaming contract, their record types and codecs (see docs/STREAMING_CONTRACT.md). */
public final class Contract {
    public static final String MIX_REQUESTS = "mix.requests";
    public static final String AUDIO_CHUNKS = "audio.chunks";
    public static final String MIX_OUTPUT = "mix.output";
    public static final String MIX_PROGRESS = "mix.progress";
    public static final String MIX_RESULTS = "mix.results";
    public static final String MIX_ERRORS = "mix.errors";
    /** Compacted: model descriptors (key model/ID) and champion aliases (key champion/LEAGUE). */
    public static final String MODELS_REGISTRY = "models.registry";

    /** Largest chunk payload the job accepts by default; stays under Kafka's default 1 MiB message limit. */
    public static final int DEFAULT_MAX_CHUNK_BYTES = 1_000_000;

    public static final ContractCodec<MixRequest> REQUEST = new ContractCodec<>(MixRequest.class);
    public static final ContractCodec<AudioChunk> CHUNK = new ContractCodec<>(AudioChunk.class);
    public static final ContractCodec<MixOutputChunk> OUTPUT = new ContractCodec<>(MixOutputChunk.class);
    public static final ContractCodec<MixProgress> PROGRESS = new ContractCodec<>(MixProgress.class);
    public static final ContractCodec<MixResult> RESULT = new ContractCodec<>(MixResult.class);
    public static final ContractCodec<MixError> ERROR = new ContractCodec<>(MixError.class);
    public static final String TOURNAMENT_BATTLES = "tournament.battles";
    public static final String TOURNAMENT_VOTES = "tournament.votes";
    public static final String TOURNAMENT_STANDINGS = "tournament.standings";
    public static final String TOURNAMENT_ERRORS = "tournament.errors";
    public static final String TOURNAMENT_EVOLUTION = "tournament.evolution";
    public static final ContractCodec<Battle> BATTLE = new ContractCodec<>(Battle.class);
    public static final ContractCodec<Vote> VOTE = new ContractCodec<>(Vote.class);
    public static final ContractCodec<Standings> STANDINGS = new ContractCodec<>(Standings.class);
    public static final ContractCodec<TournamentError> TOURNAMENT_ERROR = new ContractCodec<>(TournamentError.class);
    public static final ContractCodec<EvolutionEvent> EVOLUTION = new ContractCodec<>(EvolutionEvent.class);
    public static final ContractCodec<RegistryEntry> REGISTRY = new ContractCodec<>(RegistryEntry.class);

    private Contract() {}
}
