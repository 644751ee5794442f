package ai.aimix.gateway.api;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.dsp.mix.RenderSettings;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.codec.ParameterRanges;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/renderer}: what a client needs to show and shape a mix the way the gateway renders it — each
 * parameter's range and neutral value, the EQ's corner frequencies and shapes, the compressor's timing, the master's
 * defaults, and the stem roles. The studio draws its EQ curves and bounds its sliders from this.
 */
public final class RendererInfo {
    private RendererInfo() {}

    public static ObjectNode json() {
        RenderSettings s = RenderSettings.defaults();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode params = o.putArray("parameters");
        float[] neutral = MixParams.neutral();
        for (MixParameter p : MixParameter.values()) {
            params.addObject()
                    .put("name", p.name())
                    .put("min", ParameterRanges.min(p))
                    .put("max", ParameterRanges.max(p))
                    .put("neutral", neutral[p.ordinal()]);
        }
        o.putObject("eq")
                .put("lowShelfHz", s.lowShelfHz)
                .put("midPeakHz", s.midPeakHz)
                .put("midPeakQ", s.midPeakQ)
                .put("highShelfHz", s.highShelfHz)
                .put("shelfSlope", s.shelfSlope)
                .put("maxFractionOfRate", RenderSettings.MAX_EQ_FRACTION_OF_RATE);
        o.putObject("compressor")
                .put("attackMs", s.compAttackMs)
                .put("releaseMs", s.compReleaseMs)
                .put("kneeDb", s.compKneeDb);
        o.putObject("master")
                .put("targetLufs", s.targetLufs)
                .put("ceilingDbfs", s.ceilingDbfs)
                .put("rampFrames", s.rampFrames);
        ArrayNode roles = o.putArray("roles");
        for (StemRole r : StemRole.values()) {
            roles.add(r.name());
        }
        return o;
    }
}
