package ai.aimix.operators.tournament;

import ai.aimix.evolution.Evolution;
import ai.aimix.evolution.StoredChildren;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.EvolutionEvent;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.internal.ChildParents;
import ai.aimix.schema.internal.EvolutionInput;
import ai.aimix.schema.internal.EvolutionState;
import ai.aimix.schema.internal.TournamentOutbound;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A league's evolution in the tournament job (keyed by league): its champion changes and fresh standings in, the
 * registry broadcast alongside (every descriptor and alias, as the job has read them back from the registry topic).
 * The decisions are {@link Evolution}'s; this function keeps its state, stores children through {@link StoredChildren}
 * and emits the registry entries (bred children, promotions) and evolution events; promotions pass the
 * {@link BenchmarkGate} first. Only leagues in
 * {@code leagues} evolve ("*": all). A founding waits for the champion's descriptor, retrying on a timer.
 */
public class EvolutionFunction
        extends KeyedBroadcastProcessFunction<String, EvolutionInput, RegistryEntry, TournamentOutbound> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EvolutionFunction.class);
    /** The highest generation this subtask has bred or continued since it started (a gauge). */
    private transient volatile int generation;

    /** The registry as read from its topic, by key (model/ID, champion/LEAGUE). */
    public static final MapStateDescriptor<String, RegistryEntry> REGISTRY =
            new MapStateDescriptor<>("registry", Types.STRING, TypeInformation.of(RegistryEntry.class));

    /** What the function is keyed by: the league of the standings or of the champion change. */
    public static String league(EvolutionInput in) {
        return in.getStandings() != null
                ? in.getStandings().getLeague()
                : in.getChampion().getLeague();
    }

    private final Evolution.Settings settings;
    private final BenchmarkGate.Settings gate;
    private final String storeRoot;
    private final Set<String> leagues;
    private final long retryMillis;
    private transient Evolution evolution;
    private transient ValueState<EvolutionState> state;
    /** Before founding: the league's counted votes in its latest standings (where its first generation starts). */
    private transient ValueState<Long> votesBefore;

    public EvolutionFunction(
            Evolution.Settings settings,
            BenchmarkGate.Settings gate,
            String storeRoot,
            Set<String> leagues,
            long retryMillis) {
        this.settings = settings;
        this.gate = gate;
        this.storeRoot = storeRoot;
        this.leagues = leagues;
        this.retryMillis = retryMillis;
    }

    @Override
    public void open(OpenContext ctx) {
        if (leagues.isEmpty()) {
            evolution = null; // ratings only: no model store is needed (nor configured)
        } else {
            ModelStore store = new ModelStore(storeRoot);
            evolution = new Evolution(settings, new StoredChildren(store), new BenchmarkGate(gate, store));
        }
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("evolution", EvolutionState.class));
        votesBefore = getRuntimeContext().getState(new ValueStateDescriptor<>("votes-before", Types.LONG));
        getRuntimeContext().getMetricGroup().gauge("generation", (Gauge<Integer>) () -> generation);
    }

    private boolean evolves(String league) {
        return evolution != null && (leagues.contains("*") || leagues.contains(league));
    }

    @Override
    public void processBroadcastElement(RegistryEntry e, Context ctx, Collector<TournamentOutbound> out)
            throws Exception {
        ctx.getBroadcastState(REGISTRY).put(RegistryView.key(e), e);
    }

    private static RegistryView view(ReadOnlyContext ctx) throws Exception {
        RegistryView view = new RegistryView();
        for (Map.Entry<String, RegistryEntry> e :
                ctx.getBroadcastState(REGISTRY).immutableEntries()) {
            view.apply(e.getValue());
        }
        return view;
    }

    @Override
    public void processElement(EvolutionInput in, ReadOnlyContext ctx, Collector<TournamentOutbound> out)
            throws Exception {
        String league = ctx.getCurrentKey();
        if (!evolves(league)) {
            return;
        }
        EvolutionState s = state.value();
        long now = ctx.timerService().currentProcessingTime();
        if (in.getChampion() != null) {
            ChampionAlias a = in.getChampion();
            if (s == null) {
                found(league, a.getModelId(), a.getChangedAtMillis(), now, ctx, out);
            } else {
                state.update(toState(evolution.adopt(fromState(s), a.getModelId(), a.getChangedAtMillis())));
            }
        } else if (in.getStandings() != null) {
            if (s == null) {
                votesBefore.update(in.getStandings().getVotes());
            } else {
                emit(evolution.onStandings(league, fromState(s), in.getStandings(), now, view(ctx)), out);
            }
        }
    }

    private void found(
            String league,
            String champion,
            long since,
            long now,
            ReadOnlyContext ctx,
            Collector<TournamentOutbound> out)
            throws Exception {
        Long votes = votesBefore.value();
        Evolution.Step step = evolution.found(league, champion, since, votes == null ? 0 : votes, now, view(ctx));
        if (step == null) {
            ctx.timerService().registerProcessingTimeTimer(now + retryMillis);
            return;
        }
        if (step.events().isEmpty()) {
            LOG.warn(
                    "League {} does not evolve: its champion {} is not a full-precision version, and only those breed",
                    league,
                    champion);
        }
        emit(step, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TournamentOutbound> out) throws Exception {
        if (state.value() != null) {
            return;
        }
        RegistryView view = view(ctx);
        ChampionAlias a = view.champion(ctx.getCurrentKey()).orElse(null);
        if (a != null) {
            found(ctx.getCurrentKey(), a.getModelId(), a.getChangedAtMillis(), timestamp, ctx, out);
        }
    }

    private void emit(Evolution.Step step, Collector<TournamentOutbound> out) throws Exception {
        state.update(toState(step.state()));
        generation = Math.max(generation, step.state().generation());
        votesBefore.clear();
        for (RegistryEntry e : step.registry()) {
            out.collect(Outbound.of(e));
        }
        for (EvolutionEvent e : step.events()) {
            out.collect(Outbound.of(e));
        }
    }

    static EvolutionState toState(Evolution.State s) {
        List<ChildParents> children = new ArrayList<>();
        s.childParents().forEach((c, p) -> children.add(new ChildParents(c, new ArrayList<>(p))));
        return new EvolutionState(
                s.generation(),
                new ArrayList<>(s.members()),
                s.votesAtStart(),
                s.sigma(),
                children,
                s.champion(),
                s.championSince());
    }

    static Evolution.State fromState(EvolutionState s) {
        Map<String, List<String>> children = new LinkedHashMap<>();
        for (ChildParents c : s.getChildren()) {
            children.put(c.getModelId(), List.copyOf(c.getParents()));
        }
        return new Evolution.State(
                s.getGeneration(),
                List.copyOf(s.getMembers()),
                s.getVotesAtStart(),
                s.getSigma(),
                children,
                s.getChampion(),
                s.getChampionSince());
    }
}
