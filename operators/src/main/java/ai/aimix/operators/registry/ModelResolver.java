package ai.aimix.operators.registry;

import ai.aimix.model.format.ModelFormat;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.operators.records.Rejection;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.internal.VariantModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a request's variants against the registry: a fixed version must exist, not be retired, and be of a format
 * the job serves; a league must have a champion. Champion-following variants get the champion's id of the moment
 * (the inference operator re-resolves them at every batch).
 */
public final class ModelResolver {
    private ModelResolver() {}

    /** The variants with champions filled in, or the rejection. */
    public static Result resolve(List<VariantModel> variants, RegistryView view) {
        List<VariantModel> out = new ArrayList<>();
        for (VariantModel vm : variants) {
            RegistryView.Resolution r =
                    view.resolve(vm.getFollowsChampion() ? null : vm.getModelVersion(), vm.getLeague());
            if (!r.ok()) {
                ErrorCode code = r.problem == RegistryView.Problem.RETIRED
                        ? ErrorCode.RETIRED_MODEL_VERSION
                        : ErrorCode.UNKNOWN_MODEL_VERSION;
                return new Result(null, new Rejection(code, true, r.message), r.problem);
            }
            Rejection format = checkFormat(r.model);
            if (format != null) {
                return new Result(null, format, null);
            }
            out.add(new VariantModel(vm.getVariant(), r.model.getModelId(), vm.getFollowsChampion(), vm.getLeague()));
        }
        if (out.size() == 2 && out.get(0).getModelVersion().equals(out.get(1).getModelVersion())) {
            return new Result(
                    null,
                    new Rejection(
                            ErrorCode.INVALID_REQUEST,
                            true,
                            "a battle needs two different " + "versions; both sides would be "
                                    + out.get(0).getModelVersion()),
                    null);
        }
        return new Result(out, null, null);
    }

    /** Null when the job serves the model's declared format. */
    public static Rejection checkFormat(ModelDescriptor d) {
        try {
            ModelFormat.of(d.getFormatVersion());
            return null;
        } catch (UnsupportedModelFormatException e) {
            return new Rejection(
                    ErrorCode.UNSUPPORTED_MODEL_FORMAT, true, "model " + d.getModelId() + ": " + e.getMessage());
        }
    }

    /** Resolved variants, or why not. */
    public static final class Result {
        public final List<VariantModel> variants;
        public final Rejection rejection;
        /** UNKNOWN when the registry may simply not have caught up yet (worth waiting for); else null. */
        public final RegistryView.Problem problem;

        Result(List<VariantModel> variants, Rejection rejection, RegistryView.Problem problem) {
            this.variants = variants;
            this.rejection = rejection;
            this.problem = problem;
        }

        public boolean ok() {
            return rejection == null;
        }
    }
}
