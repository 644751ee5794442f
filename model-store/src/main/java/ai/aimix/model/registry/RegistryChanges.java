package ai.aimix.model.registry;

import ai.aimix.model.store.Descriptors;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.RegistryEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry operations, as the entries to publish for them (computed from a view, so they can be checked before
 * anything is written, and tested without Kafka). Statuses follow the aliases: a league's champion is CHAMPION; a
 * model that stops being champion everywhere goes back to CANDIDATE, or to RETIRED when it was rolled back.
 */
public final class RegistryChanges {
    /**
     * Largest difference of any predicted parameter from the fp32 parent's on the same inputs, as a fraction of that
     * parameter's range (0.01 = 0.36 dB of gain, 0.24 dB of EQ, 0.02 of pan).
     */
    public static final String METRIC_MAX_PARAM_DEVIATION = "max_param_deviation";
    /** MR-STFT distance between the quantized model's mix and the fp32 parent's mix of the same song. */
    public static final String METRIC_MIX_DISTANCE = "mix_distance_vs_parent";
    /**
     * Promotion bound on {@link #METRIC_MAX_PARAM_DEVIATION}: 3 % of any parameter's range (1.1 dB of gain, 0.7 dB of
     * EQ, 0.06 of pan), below the ~1 dB just-noticeable level difference. Measured int8: 0.018, fp16: 0.0004.
     */
    public static final double MAX_PARAM_DEVIATION = 0.03;
    /**
     * Promotion bound on {@link #METRIC_MIX_DISTANCE}: what a random +-0.25 dB error in every stem's level does to
     * the mix (measured 0.055). Measured int8: 0.017, fp16: 0.002. Both bounds: docs/MODELS.md.
     */
    public static final double MAX_MIX_DISTANCE = 0.05;

    /** Former champions a league remembers for rollback; older ones are forgotten (they stay registered). */
    public static final int CHAMPION_HISTORY = 32;

    private RegistryChanges() {}

    /** A new model (its descriptor as the store returned it). */
    public static List<RegistryEntry> publish(RegistryView view, ModelDescriptor d) throws RegistryException {
        if (view.model(d.getModelId()).isPresent()) {
            throw new RegistryException("model '" + d.getModelId() + "' is already registered");
        }
        return List.of(RegistryView.entry(d));
    }

    /**
     * An empty registry's first state: the first model, champion of the default league. Nothing when the league has
     * a champion already.
     */
    public static List<RegistryEntry> bootstrap(RegistryView view, ModelDescriptor first, long now) {
        return bootstrap(view, List.of(first), first.getModelId(), now);
    }

    /**
     * An empty registry's first state, or what a deployment adds to an existing one: every model of {@code models}
     * the registry does not know yet, and {@code champion} as champion of the default league unless it has one (an
     * existing deployment keeps its champion).
     */
    public static List<RegistryEntry> bootstrap(
            RegistryView view, List<ModelDescriptor> models, String champion, long now) {
        boolean crown = view.champion(RegistryView.DEFAULT_LEAGUE).isEmpty();
        List<RegistryEntry> out = new ArrayList<>();
        for (ModelDescriptor d : models) {
            boolean isChampion = crown && d.getModelId().equals(champion);
            if (view.model(d.getModelId()).isPresent() && !isChampion) {
                continue;
            }
            ModelDescriptor known = view.model(d.getModelId()).orElse(d);
            out.add(RegistryView.entry(
                    Descriptors.withStatus(known, isChampion ? ModelStatus.CHAMPION : known.getStatus(), now)));
        }
        if (crown) {
            out.add(RegistryView.entry(
                    new ChampionAlias(RegistryView.DEFAULT_LEAGUE, champion, List.of(), now, "bootstrap")));
        }
        return out;
    }

    /** Makes {@code id} the champion of {@code league}; the former champion is remembered for rollback. */
    public static List<RegistryEntry> promote(RegistryView view, String id, String league, long now, String reason)
            throws RegistryException {
        String l = league == null ? RegistryView.DEFAULT_LEAGUE : league;
        ModelDescriptor d = view.model(id).orElseThrow(() -> new RegistryException("no model '" + id + "'"));
        if (d.getStatus() == ModelStatus.RETIRED) {
            throw new RegistryException("model '" + id + "' is retired and cannot be promoted");
        }
        checkQuantizationGate(d);
        ChampionAlias current = view.champion(l).orElse(null);
        if (current != null && current.getModelId().equals(id)) {
            throw new RegistryException("model '" + id + "' is already the champion of league '" + l + "'");
        }
        List<String> previous = new ArrayList<>();
        if (current != null) {
            previous.addAll(current.getPrevious());
            previous.add(current.getModelId());
            if (previous.size() > CHAMPION_HISTORY) {
                previous = new ArrayList<>(previous.subList(previous.size() - CHAMPION_HISTORY, previous.size()));
            }
        }
        List<RegistryEntry> out = new ArrayList<>();
        out.add(RegistryView.entry(Descriptors.withStatus(d, ModelStatus.CHAMPION, now)));
        if (current != null) {
            demote(view, current.getModelId(), l, ModelStatus.CANDIDATE, now, out);
        }
        out.add(RegistryView.entry(new ChampionAlias(l, id, previous, now, reason)));
        return out;
    }

    /**
     * Makes the previous champion of {@code league} current again; the rolled-back model is retired (unless it is
     * still the champion of another league), so requests naming it are refused from then on.
     */
    public static List<RegistryEntry> rollback(RegistryView view, String league, long now, String reason)
            throws RegistryException {
        String l = league == null ? RegistryView.DEFAULT_LEAGUE : league;
        ChampionAlias current =
                view.champion(l).orElseThrow(() -> new RegistryException("league '" + l + "' has no champion"));
        List<String> previous = new ArrayList<>(current.getPrevious());
        String back = null;
        while (!previous.isEmpty() && back == null) {
            String candidate = previous.remove(previous.size() - 1);
            ModelDescriptor d = view.model(candidate).orElse(null);
            if (d != null && d.getStatus() != ModelStatus.RETIRED) {
                back = candidate;
            }
        }
        if (back == null) {
            throw new RegistryException("league '" + l + "' has no earlier champion to roll back to");
        }
        List<RegistryEntry> out = new ArrayList<>();
        out.add(RegistryView.entry(Descriptors.withStatus(view.model(back).get(), ModelStatus.CHAMPION, now)));
        demote(view, current.getModelId(), l, ModelStatus.RETIRED, now, out);
        out.add(RegistryView.entry(new ChampionAlias(l, back, previous, now, reason)));
        return out;
    }

    /** Retires a model that is not a champion: requests naming it are refused. */
    public static List<RegistryEntry> retire(RegistryView view, String id, long now) throws RegistryException {
        ModelDescriptor d = view.model(id).orElseThrow(() -> new RegistryException("no model '" + id + "'"));
        List<String> leagues = view.leaguesChampionedBy(id);
        if (!leagues.isEmpty()) {
            throw new RegistryException(
                    "model '" + id + "' is the champion of " + leagues + ": promote another model or roll back first");
        }
        return List.of(RegistryView.entry(Descriptors.withStatus(d, ModelStatus.RETIRED, now)));
    }

    /** The demoted model's new status, unless it stays champion of another league. */
    private static void demote(
            RegistryView view, String id, String league, ModelStatus status, long now, List<RegistryEntry> out) {
        ModelDescriptor d = view.model(id).orElse(null);
        if (d == null) {
            return;
        }
        List<String> leagues = view.leaguesChampionedBy(id);
        leagues.remove(league);
        if (leagues.isEmpty()) {
            out.add(RegistryView.entry(Descriptors.withStatus(d, status, now)));
        }
    }

    /**
     * A quantized model is promoted only when its recorded deviation from its fp32 parent is within the bounds:
     * {@link #MAX_PARAM_DEVIATION} for the parameters and {@link #MAX_MIX_DISTANCE} for the mix.
     */
    public static void checkQuantizationGate(ModelDescriptor d) throws RegistryException {
        if (d.getPrecision() == ModelPrecision.FP32) {
            return;
        }
        Double dev = d.getMetrics().get(METRIC_MAX_PARAM_DEVIATION);
        Double mix = d.getMetrics().get(METRIC_MIX_DISTANCE);
        if (dev == null || mix == null) {
            throw new RegistryException("model '" + d.getModelId() + "' is " + d.getPrecision() + " but has no "
                    + METRIC_MAX_PARAM_DEVIATION + " / " + METRIC_MIX_DISTANCE + " measured against its fp32 parent");
        }
        if (dev > MAX_PARAM_DEVIATION || mix > MAX_MIX_DISTANCE) {
            throw new RegistryException(String.format(
                    "model '%s' (%s) deviates too far from its fp32 parent: "
                            + "parameters by %.4f of their range (bound %.2f), mix distance %.4f (bound %.2f)",
                    d.getModelId(), d.getPrecision(), dev, MAX_PARAM_DEVIATION, mix, MAX_MIX_DISTANCE));
        }
    }
}
