package ai.aimix.operators.align;

import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.Descriptors;
import ai.aimix.operators.records.Rejection;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.Excerpt;
import ai.aimix.schema.MixRequest;
import ai.aimix.schema.ModelMode;
import ai.aimix.schema.ParameterOverride;
import ai.aimix.schema.StemSpec;
import ai.aimix.schema.Variant;
import ai.aimix.schema.codec.ContractLimits;
import ai.aimix.schema.internal.VariantModel;
import java.util.ArrayList;
import java.util.List;

/** Checks a mix request against the job's limits and the form of its model selection. Plain Java. */
public final class RequestValidator {
    private final AlignSettings settings;

    public RequestValidator(AlignSettings settings) {
        this.settings = settings;
    }

    /** Null when the request is acceptable, else why not. */
    public Rejection check(MixRequest r) {
        String id = ContractLimits.checkId("mixId", r.getMixId());
        if (id != null) {
            return invalid(id);
        }
        if (r.getUploadToken() != null || settings.requireUploadToken) {
            String token = ContractLimits.checkToken(r.getUploadToken());
            if (token != null) {
                return invalid(token + ": a request carries a random secret that every chunk of the mix repeats");
            }
        }
        if (r.getSampleRate() < settings.minSampleRate || r.getSampleRate() > settings.maxSampleRate) {
            return invalid("sampleRate " + r.getSampleRate() + " outside " + settings.minSampleRate + ".."
                    + settings.maxSampleRate);
        }
        List<StemSpec> stems = r.getStems();
        if (stems == null || stems.isEmpty()) {
            return invalid("a request needs at least one stem");
        }
        if (stems.size() > settings.maxStems) {
            return new Rejection(
                    ErrorCode.TOO_MANY_STEMS, true, stems.size() + " stems; at most " + settings.maxStems + " per mix");
        }
        boolean[] seen = new boolean[stems.size()];
        for (StemSpec s : stems) {
            if (s.getIndex() < 0 || s.getIndex() >= stems.size() || seen[s.getIndex()]) {
                return invalid("stem indices must be 0.." + (stems.size() - 1) + ", each once; got " + s.getIndex());
            }
            seen[s.getIndex()] = true;
            String name = ContractLimits.checkId("the name of stem " + s.getIndex(), s.getName());
            if (name != null) {
                return invalid(name);
            }
            if (s.getChannels() != 1 && s.getChannels() != 2) {
                return invalid("stem " + s.getIndex() + " has " + s.getChannels() + " channels; 1 or 2 supported");
            }
        }
        for (ParameterOverride o : r.getOverrides()) {
            if (o.getStemIndex() < 0 || o.getStemIndex() >= stems.size()) {
                return invalid("override for stem " + o.getStemIndex() + " which the request does not have");
            }
            if (!Float.isFinite(o.getValue())) {
                return invalid("override " + o.getParameter() + " of stem " + o.getStemIndex() + " is not finite");
            }
        }
        if (r.getTargetLufs() != null && !(r.getTargetLufs() >= -70 && r.getTargetLufs() <= 0)) {
            return invalid("targetLufs " + r.getTargetLufs() + " outside -70..0");
        }
        if (r.getCeilingDbfs() != null && !(r.getCeilingDbfs() >= -20 && r.getCeilingDbfs() <= 0)) {
            return invalid("ceilingDbfs " + r.getCeilingDbfs() + " outside -20..0");
        }
        if (r.getExpectedFrames() != null) {
            if (r.getExpectedFrames() < 0) {
                return invalid("expectedFrames is negative");
            }
            if (r.getExpectedFrames() > settings.maxFrames(r.getSampleRate())) {
                return new Rejection(
                        ErrorCode.TRACK_TOO_LONG,
                        true,
                        "expected " + r.getExpectedFrames() + " frames; at most " + settings.maxTrackSeconds
                                + " s are accepted");
            }
        }
        if (r.getExcerpt() != null) {
            Excerpt x = r.getExcerpt();
            if (x.getStartFrame() < 0) {
                return invalid("excerpt.startFrame " + x.getStartFrame() + " is negative");
            }
            if (x.getFrames() < 1) {
                return invalid("excerpt.frames " + x.getFrames() + "; at least 1");
            }
            long max = settings.maxFrames(r.getSampleRate());
            if (x.getStartFrame() > max || x.getFrames() > max) {
                return invalid("excerpt " + x.getStartFrame() + "+" + x.getFrames() + " frames lies past the "
                        + settings.maxTrackSeconds + " s a stem may last");
            }
        }
        if (r.getClient() != null && ContractLimits.checkId("client", r.getClient()) != null) {
            return invalid(ContractLimits.checkId("client", r.getClient()));
        }
        if (r.getModel() == null || r.getModel().getMode() == null) {
            return invalid("model selection missing");
        }
        return null;
    }

    /**
     * The variants and how each is served: a fixed version, or the champion of the request's league. Whether the
     * versions exist, are retired, or the league has a champion is decided by the inference operator, which follows
     * the model registry; here only the form of the selection is checked.
     */
    public List<VariantModel> resolveModels(MixRequest r) throws RejectedException {
        ModelMode mode = r.getModel().getMode();
        String version = r.getModel().getVersion();
        String opponent = r.getModel().getOpponent();
        String league = r.getModel().getLeague() == null
                ? RegistryView.DEFAULT_LEAGUE
                : r.getModel().getLeague();
        String leagueProblem = RegistryView.leagueProblem(league);
        if (leagueProblem != null) {
            throw new RejectedException(invalid(leagueProblem));
        }
        List<VariantModel> out = new ArrayList<>();
        switch (mode) {
            case CHAMPION:
                out.add(new VariantModel(Variant.MAIN, null, true, league));
                break;
            case VERSION:
                if (version == null) {
                    throw new RejectedException(invalid("mode VERSION needs a version"));
                }
                out.add(new VariantModel(Variant.MAIN, checkId(version), false, league));
                break;
            case BATTLE:
                if (opponent == null) {
                    throw new RejectedException(invalid("a battle needs an opponent version"));
                }
                if (version != null && version.equals(opponent)) {
                    throw new RejectedException(
                            invalid("a battle needs two different versions, got " + version + " twice"));
                }
                out.add(
                        version == null
                                ? new VariantModel(Variant.A, null, true, league)
                                : new VariantModel(Variant.A, checkId(version), false, league));
                out.add(new VariantModel(Variant.B, checkId(opponent), false, league));
                break;
            default:
                throw new RejectedException(invalid("unknown model mode " + mode));
        }
        return out;
    }

    private static String checkId(String version) throws RejectedException {
        if (!Descriptors.isValidId(version)) {
            throw new RejectedException(new Rejection(
                    ErrorCode.UNKNOWN_MODEL_VERSION, true, "'" + version + "' is not a model version id"));
        }
        return version;
    }

    private static Rejection invalid(String message) {
        return new Rejection(ErrorCode.INVALID_REQUEST, true, message);
    }

    /** Carries a rejection out of model resolution. */
    public static final class RejectedException extends Exception {
        private static final long serialVersionUID = 1L;
        public final transient Rejection rejection;

        public RejectedException(Rejection rejection) {
            super(rejection.message);
            this.rejection = rejection;
        }
    }
}
