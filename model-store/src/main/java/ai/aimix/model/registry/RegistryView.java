package ai.aimix.model.registry;

import ai.aimix.model.store.Descriptors;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelStatus;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.codec.ContractLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of {@code models.registry}: the latest descriptor of every model and the champion alias of every league,
 * built by applying the topic's entries in order (the topic is compacted, so the latest value per key is all that
 * matters and replaying it gives the same view). Not thread-safe.
 */
public final class RegistryView {
    public static final String DEFAULT_LEAGUE = "main";
    public static final String MODEL_KEY_PREFIX = "model/";
    public static final String CHAMPION_KEY_PREFIX = "champion/";
    /** Longest league name. */
    public static final int MAX_LEAGUE_LENGTH = 64;

    private final Map<String, ModelDescriptor> models = new TreeMap<>();
    private final Map<String, ChampionAlias> champions = new TreeMap<>();
    private final List<String> skipped = new ArrayList<>();

    /**
     * Null when an entry read from the topic may be applied, else why not: model ids must be valid ids, leagues 1-64
     * characters without control characters, sizes not negative, hashes 64 hex digits. Readers skip (and count) such
     * entries as they skip undecodable ones.
     */
    public static String problem(RegistryEntry e) {
        Object p = e.getPayload();
        if (p instanceof ModelDescriptor) {
            ModelDescriptor d = (ModelDescriptor) p;
            if (!Descriptors.isValidId(d.getModelId())) {
                return "model id " + ContractLimits.preview(d.getModelId()) + " is not a valid id";
            }
            if (d.getSizeBytes() < 0 || d.getSha256() == null || !d.getSha256().matches("[0-9a-f]{64}")) {
                return "model " + d.getModelId() + " has a negative size or a malformed sha256";
            }
            return null;
        }
        if (p instanceof ChampionAlias) {
            ChampionAlias a = (ChampionAlias) p;
            String league = leagueProblem(a.getLeague());
            if (league != null) {
                return league;
            }
            if (!Descriptors.isValidId(a.getModelId())) {
                return "league " + a.getLeague() + " names champion " + ContractLimits.preview(a.getModelId())
                        + ", not a valid id";
            }
            for (String prev : a.getPrevious()) {
                if (!Descriptors.isValidId(prev)) {
                    return "league " + a.getLeague() + " lists former champion " + ContractLimits.preview(prev)
                            + ", not a valid id";
                }
            }
            return null;
        }
        return "unknown registry payload";
    }

    /** Null when {@code league} is a usable league name, else why not. */
    public static String leagueProblem(String league) {
        String p = ContractLimits.checkId("league", league);
        if (p != null) {
            return p;
        }
        return league.length() > MAX_LEAGUE_LENGTH
                ? "league has " + league.length() + " characters; at most " + MAX_LEAGUE_LENGTH
                : null;
    }

    /** Notes a record of the topic that could not be applied (undecodable, or refused by {@link #problem}). */
    public void skip(String where) {
        skipped.add(where);
    }

    /** Records of the topic skipped while this view was read, each as "partition P offset O: reason". */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** The Kafka key of an entry: model/ID or champion/LEAGUE. */
    public static String key(RegistryEntry e) {
        Object p = e.getPayload();
        if (p instanceof ModelDescriptor) {
            return MODEL_KEY_PREFIX + ((ModelDescriptor) p).getModelId();
        }
        if (p instanceof ChampionAlias) {
            return CHAMPION_KEY_PREFIX + ((ChampionAlias) p).getLeague();
        }
        throw new IllegalArgumentException("unknown registry payload " + p);
    }

    public static RegistryEntry entry(ModelDescriptor d) {
        return new RegistryEntry(d);
    }

    public static RegistryEntry entry(ChampionAlias a) {
        return new RegistryEntry(a);
    }

    public void apply(RegistryEntry e) {
        Object p = e.getPayload();
        if (p instanceof ModelDescriptor) {
            ModelDescriptor d = (ModelDescriptor) p;
            models.put(d.getModelId(), d);
        } else if (p instanceof ChampionAlias) {
            ChampionAlias a = (ChampionAlias) p;
            champions.put(a.getLeague(), a);
        }
    }

    public void applyAll(Iterable<RegistryEntry> entries) {
        for (RegistryEntry e : entries) {
            apply(e);
        }
    }

    public Optional<ModelDescriptor> model(String id) {
        return Optional.ofNullable(models.get(id));
    }

    public Collection<ModelDescriptor> models() {
        return models.values();
    }

    public Optional<ChampionAlias> champion(String league) {
        return Optional.ofNullable(champions.get(league == null ? DEFAULT_LEAGUE : league));
    }

    public Collection<ChampionAlias> champions() {
        return champions.values();
    }

    /** Leagues whose champion is this model. */
    public List<String> leaguesChampionedBy(String id) {
        List<String> out = new ArrayList<>();
        for (ChampionAlias a : champions.values()) {
            if (a.getModelId().equals(id)) {
                out.add(a.getLeague());
            }
        }
        return out;
    }

    /** The outcome of resolving a request's model selection. */
    public static final class Resolution {
        public final ModelDescriptor model;
        /** Null when resolved; otherwise why not: UNKNOWN or RETIRED. */
        public final Problem problem;

        public final String message;

        private Resolution(ModelDescriptor model, Problem problem, String message) {
            this.model = model;
            this.problem = problem;
            this.message = message;
        }

        public boolean ok() {
            return problem == null;
        }
    }

    public enum Problem {
        UNKNOWN,
        RETIRED
    }

    /**
     * The model that serves a selection: {@code modelId} when given (it must exist and not be retired), else the
     * champion of {@code league} (the default league when null).
     */
    public Resolution resolve(String modelId, String league) {
        if (modelId == null) {
            String l = league == null ? DEFAULT_LEAGUE : league;
            ChampionAlias a = champions.get(l);
            if (a == null) {
                return new Resolution(null, Problem.UNKNOWN, "league '" + l + "' has no champion");
            }
            ModelDescriptor d = models.get(a.getModelId());
            if (d == null) {
                return new Resolution(
                        null,
                        Problem.UNKNOWN,
                        "league '" + l + "' names champion '" + a.getModelId() + "', which has no descriptor");
            }
            return new Resolution(d, null, null);
        }
        ModelDescriptor d = models.get(modelId);
        if (d == null) {
            return new Resolution(null, Problem.UNKNOWN, "no model version '" + modelId + "' in the registry");
        }
        if (d.getStatus() == ModelStatus.RETIRED) {
            return new Resolution(null, Problem.RETIRED, "model version '" + modelId + "' is retired");
        }
        return new Resolution(d, null, null);
    }
}
