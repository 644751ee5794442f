package ai.aimix.jobs.tournament;

import ai.aimix.jobs.JobArguments;
import ai.aimix.jobs.kafka.KafkaConnectors;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.operators.tournament.EvolutionFunction;
import ai.aimix.operators.tournament.LeagueRatingsOperator;
import ai.aimix.operators.tournament.Outbound;
import ai.aimix.operators.tournament.VoteGate;
import ai.aimix.operators.tournament.VoterRateLimit;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.internal.CountedVote;
import ai.aimix.schema.internal.EvolutionInput;
import ai.aimix.schema.internal.TournamentInbound;
import ai.aimix.schema.internal.TournamentOutbound;
import ai.aimix.tournament.VoteChecks;
import java.util.HashSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The tournament job: battles and votes from Kafka; per battle the votes are checked and de-duplicated
 * ({@link VoteGate}), per voter rate-limited ({@link VoterRateLimit}), per league folded into exact counts with the
 * voter screen and turned into Bradley-Terry standings on a timer ({@link LeagueRatingsOperator}); standings and refused
 * records go back to Kafka in one exactly-once sink. Leagues that evolve ({@link TournamentJobOptions#EVOLUTION_LEAGUES})
 * breed new model versions from their best rated members ({@link EvolutionFunction}): the children are written to
 * the model store and published on the registry topic in the same sink, with the evolution events; the registry is
 * read back (broadcast) for descriptors and champion changes.
 */
public final class TournamentJob {
    private final ReadableConfig config;
    private final Source<TournamentInbound, ?, ?> source;
    private final Sink<TournamentOutbound> sink;
    private MapFunction<TournamentOutbound, TournamentOutbound> outputTap;

    /** A function every outbound record passes just before the sink (tests inject failures here). */
    public TournamentJob withOutputTap(MapFunction<TournamentOutbound, TournamentOutbound> tap) {
        this.outputTap = tap;
        return this;
    }

    public TournamentJob(ReadableConfig config, Source<TournamentInbound, ?, ?> source, Sink<TournamentOutbound> sink) {
        TournamentJobOptions.validate(config);
        this.config = config;
        this.source = source;
        this.sink = sink;
    }

    public static TournamentJob onKafka(ReadableConfig c) {
        KafkaSource<TournamentInbound> source = KafkaConnectors.<TournamentInbound>source(c)
                .setTopics(
                        c.get(TournamentJobOptions.TOPIC_BATTLES),
                        c.get(TournamentJobOptions.TOPIC_VOTES),
                        c.get(KafkaOptions.TOPIC_REGISTRY))
                .setGroupId(c.get(TournamentJobOptions.GROUP_ID))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new TournamentCodecs.Inbound(
                        c.get(TournamentJobOptions.TOPIC_BATTLES),
                        c.get(TournamentJobOptions.TOPIC_VOTES),
                        c.get(KafkaOptions.TOPIC_REGISTRY),
                        c.get(TournamentJobOptions.AUTHENTICATE) ? TournamentJobOptions.keys(c) : null))
                .build();
        KafkaSink<TournamentOutbound> sink = KafkaConnectors.transactionalSink(
                c,
                new TournamentCodecs.Outbound(
                        c.get(TournamentJobOptions.TOPIC_STANDINGS),
                        c.get(TournamentJobOptions.TOPIC_ERRORS),
                        c.get(KafkaOptions.TOPIC_REGISTRY),
                        c.get(TournamentJobOptions.TOPIC_EVOLUTION)),
                c.get(TournamentJobOptions.GROUP_ID) + "-tx");
        return new TournamentJob(c, source, sink);
    }

    public void build(StreamExecutionEnvironment env) {
        if (!config.get(TournamentJobOptions.EVOLUTION_LEAGUES).isEmpty()
                && !config.getOptional(ModelStoreOptions.MODEL_STORE).isPresent()) {
            throw new IllegalArgumentException(TournamentJobOptions.EVOLUTION_LEAGUES.key() + " needs "
                    + ModelStoreOptions.MODEL_STORE.key() + " (where children are written)");
        }
        DataStream<TournamentInbound> inbound = env.fromSource(
                        source, WatermarkStrategy.noWatermarks(), "Kafka: tournament.battles + tournament.votes")
                .uid("tournament-source");
        DataStream<TournamentOutbound> undecodable = inbound.filter(r -> r.getError() != null)
                .name("Undecodable records")
                .uid("tournament-undecodable")
                .map(r -> Outbound.of(r.getError()))
                .returns(TournamentOutbound.class)
                .name("As errors")
                .uid("tournament-undecodable-errors");
        VoteChecks.Settings checks = new VoteChecks.Settings();
        checks.minListenShare = config.get(TournamentJobOptions.MIN_LISTEN_SHARE);
        checks.defaultLifetimeMillis =
                config.get(TournamentJobOptions.BATTLE_LIFETIME).toMillis();
        DataStream<RegistryEntry> registry = inbound.filter(r -> r.getRegistry() != null)
                .name("Registry entries")
                .uid("tournament-registry")
                .map(TournamentInbound::getRegistry)
                .returns(RegistryEntry.class)
                .name("As registry entries")
                .uid("tournament-registry-entries");
        SingleOutputStreamOperator<CountedVote> counted = inbound.filter(
                        r -> r.getError() == null && r.getRegistry() == null)
                .name("Battles and votes")
                .uid("tournament-decoded")
                .keyBy(r -> r.getBattle() != null
                        ? r.getBattle().getBattleId()
                        : r.getVote().getBattleId())
                .process(new VoteGate(
                        checks,
                        config.get(TournamentJobOptions.BATTLE_RETENTION).toMillis(),
                        config.get(TournamentJobOptions.UNKNOWN_BATTLE_WAIT).toMillis()))
                .name("Vote gate (per battle)")
                .uid("vote-gate");
        SingleOutputStreamOperator<CountedVote> limited = counted.keyBy(CountedVote::getVoterId)
                .process(new VoterRateLimit(
                        config.get(TournamentJobOptions.RATE_BURST), config.get(TournamentJobOptions.RATE_PER_MINUTE)))
                .name("Rate limit (per voter)")
                .uid("voter-rate-limit");
        SingleOutputStreamOperator<TournamentOutbound> standings = limited.keyBy(CountedVote::getLeague)
                .transform(
                        "League ratings",
                        TypeInformation.of(TournamentOutbound.class),
                        new LeagueRatingsOperator(
                                config.get(TournamentJobOptions.SCREEN_ALPHA),
                                config.get(TournamentJobOptions.SCREEN_MIN_VOTES),
                                config.get(TournamentJobOptions.REFRESH).toMillis()))
                .uid("league-ratings");
        DataStream<EvolutionInput> evolutionInput = standings
                .map(o -> new EvolutionInput(o.getStandings(), null))
                .returns(EvolutionInput.class)
                .name("Standings for evolution")
                .uid("evolution-standings")
                .union(registry.filter(e -> e.getPayload() instanceof ChampionAlias)
                        .name("Champion changes")
                        .uid("evolution-champion-filter")
                        .map(e -> new EvolutionInput(null, (ChampionAlias) e.getPayload()))
                        .returns(EvolutionInput.class)
                        .name("Champion changes for evolution")
                        .uid("evolution-champions"));
        SingleOutputStreamOperator<TournamentOutbound> evolution = evolutionInput
                .keyBy(EvolutionFunction::league)
                .connect(registry.broadcast(EvolutionFunction.REGISTRY))
                .process(new EvolutionFunction(
                        TournamentJobOptions.evolution(config),
                        TournamentJobOptions.gate(config),
                        config.get(ModelStoreOptions.MODEL_STORE),
                        new HashSet<>(config.get(TournamentJobOptions.EVOLUTION_LEAGUES)),
                        config.get(TournamentJobOptions.EVOLUTION_RETRY).toMillis()))
                .returns(TournamentOutbound.class)
                .name("League evolution")
                .uid("league-evolution");
        DataStream<TournamentOutbound> outbound = standings.union(
                counted.getSideOutput(VoteGate.ERRORS), limited.getSideOutput(VoteGate.ERRORS), undecodable, evolution);
        if (outputTap != null) {
            outbound = outbound.map(outputTap)
                    .returns(TournamentOutbound.class)
                    .name("Output tap")
                    .uid("tournament-output-tap");
        }
        outbound.sinkTo(sink)
                .name("Kafka: tournament.standings, tournament.errors")
                .uid("tournament-sink");
    }

    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(config.get(TournamentJobOptions.JOB_NAME));
    }

    /**
     * Runs the job on a cluster ({@code flink run -c ai.aimix.jobs.tournament.TournamentJob aimix-jobs.jar}) with
     * the cluster's configuration and {@code --key value} arguments on top ({@link JobArguments}).
     */
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = JobArguments.configure(env, args);
        onKafka(conf).build(env);
        env.execute(conf.get(TournamentJobOptions.JOB_NAME));
    }
}
