package ai.aimix.schema.codec;

import ai.aimix.schema.ModelMode;
import ai.aimix.schema.ModelSelection;

/** The model selections a request can make. */
public final class ModelSelections {
    private ModelSelections() {}

    /** The champion of the main league. */
    public static ModelSelection champion() {
        return champion(null);
    }

    /** The champion of a league (null: main). */
    public static ModelSelection champion(String league) {
        return new ModelSelection(ModelMode.CHAMPION, null, null, league);
    }

    public static ModelSelection version(String modelId) {
        return new ModelSelection(ModelMode.VERSION, modelId, null, null);
    }

    /** Two mixes: A by {@code a} (the champion when null), B by {@code b}. */
    public static ModelSelection battle(String a, String b) {
        return new ModelSelection(ModelMode.BATTLE, a, b, null);
    }
}
