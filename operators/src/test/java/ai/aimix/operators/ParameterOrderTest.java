package ai.aimix.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.aimix.dsp.mix.MixParams;
import ai.aimix.model.ModelOutput;
import ai.aimix.schema.MixParameter;
import org.junit.jupiter.api.Test;

/** The model's outputs, the renderer's parameter vector and the contract's enum name the same things in the same order. */
class ParameterOrderTest {

    @Test
    void sameOrderEverywhere() {
        assertEquals(MixParams.COUNT, ModelOutput.COUNT);
        assertEquals(MixParams.COUNT, MixParameter.values().length);
        for (ModelOutput o : ModelOutput.values()) {
            assertEquals(o.name(), MixParameter.values()[o.ordinal()].name());
        }
        assertEquals(ModelOutput.GAIN_DB.ordinal(), MixParams.GAIN_DB);
        assertEquals(ModelOutput.PAN.ordinal(), MixParams.PAN);
        assertEquals(ModelOutput.LOW_SHELF_DB.ordinal(), MixParams.LOW_SHELF_DB);
        assertEquals(ModelOutput.MID_PEAK_DB.ordinal(), MixParams.MID_PEAK_DB);
        assertEquals(ModelOutput.HIGH_SHELF_DB.ordinal(), MixParams.HIGH_SHELF_DB);
        assertEquals(ModelOutput.COMP_THRESHOLD_DB.ordinal(), MixParams.COMP_THRESHOLD_DB);
        assertEquals(ModelOutput.COMP_RATIO.ordinal(), MixParams.COMP_RATIO);
        assertArrayEquals(ModelOutput.neutralVector(), MixParams.neutral());
    }
}
