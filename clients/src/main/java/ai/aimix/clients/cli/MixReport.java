package ai.aimix.clients.cli;

import ai.aimix.schema.MixError;
import ai.aimix.schema.MixResult;
import ai.aimix.schema.StemParameters;
import ai.aimix.schema.StemResult;
import ai.aimix.schema.VariantResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The JSON report written next to a mix: model, per-stem parameters, loudness, timings. */
public final class MixReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MixReport() {}

    public static ObjectNode build(
            MixResult r, List<MixError> errors, MixClient.Outcome client, Map<String, String> files) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mixId", r.getMixId());
        root.put("status", r.getStatus().name());
        if (r.getErrorCode() != null) {
            root.put("errorCode", r.getErrorCode().name());
            root.put("errorMessage", r.getErrorMessage());
        }
        root.put("sampleRate", r.getSampleRate());
        root.put("frames", r.getFrames());
        root.put("seconds", r.getSampleRate() == 0 ? 0 : (double) r.getFrames() / r.getSampleRate());
        root.put("segments", r.getSegments());
        ArrayNode variants = root.putArray("variants");
        for (VariantResult v : r.getVariants()) {
            ObjectNode vn = variants.addObject();
            vn.put("variant", v.getVariant().name());
            vn.put("modelVersion", v.getModelVersion());
            vn.put("inferenceProvider", v.getInferenceProvider());
            ObjectNode loud = vn.putObject("loudness");
            putNullable(loud, "integratedLufs", v.getIntegratedLufs());
            putNullable(loud, "truePeakDbtp", v.getTruePeakDbtp());
            putNullable(loud, "samplePeakDbfs", v.getSamplePeakDbfs());
            putNullable(loud, "loudnessRangeLu", v.getLoudnessRangeLu());
            putNullable(loud, "momentaryMaxLufs", v.getMomentaryMaxLufs());
            putNullable(loud, "shortTermMaxLufs", v.getShortTermMaxLufs());
            loud.put("limiterMaxReductionDb", v.getLimiterMaxReductionDb());
            List<Float> gains = v.getMasterGainDb();
            loud.put("finalMasterGainDb", gains.isEmpty() ? 0 : gains.get(gains.size() - 1));
            ArrayNode stems = vn.putArray("stems");
            for (StemResult s : v.getStems()) {
                ObjectNode sn = stems.addObject();
                sn.put("index", s.getIndex());
                sn.put("name", s.getName());
                sn.put("role", s.getRole().name());
                params(sn.putObject("mean"), s.getMean());
                ArrayNode auto = sn.putArray("automation");
                for (StemParameters p : s.getAutomation()) {
                    params(auto.addObject(), p);
                }
            }
            vn.put("outputChunks", v.getOutputChunks());
        }
        if (r.getTimings() != null) {
            ObjectNode t = root.putObject("timings");
            ObjectNode job = t.putObject("jobMillis");
            job.put("align", r.getTimings().getAlignMillis());
            job.put("mel", r.getTimings().getMelMillis());
            job.put("inference", r.getTimings().getInferenceMillis());
            job.put("assembly", r.getTimings().getAssemblyMillis());
            job.put("wall", r.getTimings().getWallMillis());
            ArrayNode batches = t.putArray("inferenceBatchSegments");
            r.getTimings().getBatchSegments().forEach(batches::add);
            if (client != null) {
                ObjectNode c = t.putObject("clientSeconds");
                c.put("push", client.pushSeconds);
                c.put("firstOutput", client.firstOutputSeconds);
                c.put("lastOutput", client.lastOutputSeconds);
                c.put("result", client.resultSeconds);
                c.put("bytesSent", client.bytesSent);
            }
        }
        ArrayNode errs = root.putArray("errors");
        for (MixError e : errors) {
            ObjectNode en = errs.addObject();
            en.put("code", e.getCode().name());
            en.put("fatal", e.getFatal());
            en.put("message", e.getMessage());
        }
        ObjectNode f = root.putObject("files");
        files.forEach(f::put);
        return root;
    }

    private static void params(ObjectNode n, StemParameters p) {
        n.put("gainDb", p.getGainDb());
        n.put("pan", p.getPan());
        n.put("lowShelfDb", p.getLowShelfDb());
        n.put("midPeakDb", p.getMidPeakDb());
        n.put("highShelfDb", p.getHighShelfDb());
        n.put("compThresholdDb", p.getCompThresholdDb());
        n.put("compRatio", p.getCompRatio());
    }

    private static void putNullable(ObjectNode n, String key, Double v) {
        if (v == null) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    public static void write(Path file, ObjectNode report) throws IOException {
        JSON.writeValue(file.toFile(), report);
    }

    public static String toJson(ObjectNode report) throws IOException {
        return JSON.writeValueAsString(report);
    }
}
