package ai.aimix.operators.inference;

import java.io.Serializable;

/** Creates the predictor of an inference operator instance when it opens (on the TaskManager). */
@FunctionalInterface
public interface PredictorFactory extends Serializable {
    ParameterPredictor create() throws Exception;
}
