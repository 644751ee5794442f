package ai.aimix.gateway.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.gateway.api.ApiError;
import ai.aimix.gateway.api.ApiException;
import ai.aimix.schema.MixParameter;
import ai.aimix.schema.StemParameters;
import ai.aimix.schema.StemRole;
import ai.aimix.schema.codec.ParameterRanges;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A render's role gain offsets ("mixed for you"): added to every stem of the role, after the preset, before locks. */
class RenderSpecRoleGainsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<StemRole> ROLES = List.of(StemRole.VOCALS, StemRole.DRUMS, StemRole.VOCALS, StemRole.BASS);
    static final StemParameters MODEL = new StemParameters(-3f, 0.2f, 1f, 0f, -1f, -18f, 2f);

    static RenderSpec parse(String body) throws Exception {
        return RenderSpec.parse(JSON.readTree(body), ROLES, name -> null);
    }

    @Test
    void offsetsMoveEveryStemOfTheRoleAndNothingElse() throws Exception {
        RenderSpec s = parse("{\"roleGainsDb\": {\"vocals\": 1.5, \"BASS\": -2}}");
        assertEquals(-1.5f, s.parameters(0, MODEL)[MixParams.GAIN_DB], 1e-6);
        assertEquals(-3f, s.parameters(1, MODEL)[MixParams.GAIN_DB], 1e-6, "drums untouched");
        assertEquals(-1.5f, s.parameters(2, MODEL)[MixParams.GAIN_DB], 1e-6, "the second vocal stem too");
        assertEquals(-5f, s.parameters(3, MODEL)[MixParams.GAIN_DB], 1e-6);
        assertEquals(0.2f, s.parameters(0, MODEL)[MixParams.PAN], 1e-6, "only the gain moves");
    }

    @Test
    void theyAddToAPresetClampToTheGainsRangeAndYieldToALock() throws Exception {
        RenderSpec s = parse("{\"preset\": \"vocal-forward\", \"roleGainsDb\": {\"VOCALS\": 2}}");
        assertEquals(-3f + 3f + 2f, s.parameters(0, MODEL)[MixParams.GAIN_DB], 1e-6, "vocal-forward's +3, then +2");
        RenderSpec loud = parse("{\"roleGainsDb\": {\"VOCALS\": 12}}");
        StemParameters hot = new StemParameters(10f, 0f, 0f, 0f, 0f, -18f, 2f);
        assertEquals(
                ParameterRanges.clamp(MixParameter.GAIN_DB, 22f),
                loud.parameters(0, hot)[MixParams.GAIN_DB],
                1e-6,
                "clamped to the contract's range");
        RenderSpec locked = parse("{\"roleGainsDb\": {\"VOCALS\": 2},"
                + " \"stems\": [{\"index\": 0, \"overrides\": {\"GAIN_DB\": -6}}]}");
        assertEquals(-6f, locked.parameters(0, MODEL)[MixParams.GAIN_DB], 1e-6, "a locked gain wins");
    }

    @Test
    void badOffsetsAreRefusedNamingTheField() {
        for (String[] bad : new String[][] {
            {"{\"roleGainsDb\": 3}", "/roleGainsDb"},
            {"{\"roleGainsDb\": {\"TUBA\": 1}}", "/roleGainsDb/TUBA"},
            {"{\"roleGainsDb\": {\"VOCALS\": 13}}", "/roleGainsDb/VOCALS"},
            {"{\"roleGainsDb\": {\"VOCALS\": \"loud\"}}", "/roleGainsDb/VOCALS"}
        }) {
            ApiException e = assertThrows(ApiException.class, () -> parse(bad[0]), bad[0]);
            assertEquals(ApiError.INVALID_RENDER_REQUEST, e.error);
            assertTrue(e.getMessage().startsWith(bad[1]), e.getMessage());
        }
    }
}
