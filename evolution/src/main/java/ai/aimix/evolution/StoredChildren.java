package ai.aimix.evolution;

import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.genome.Genome;
import ai.aimix.model.store.ModelExistsException;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/** Evolution's parents and children in the {@link ModelStore}: ONNX files written once, with their lineage. */
public final class StoredChildren implements Evolution.Store {
    private final ModelStore store;

    public StoredChildren(ModelStore store) {
        this.store = store;
    }

    @Override
    public Genome weights(ModelDescriptor d) throws IOException {
        return Genome.fromOnnx(store.load(d));
    }

    @Override
    public ModelDescriptor store(Breeder.Child child, String league, int generation) throws IOException {
        byte[] onnx = child.weights().onnx(child.id());
        ModelLineage lineage = new ModelLineage(
                child.operation(),
                child.parents(),
                child.seed(),
                String.format(
                        Locale.ROOT,
                        "tournament evolution: league %s, generation %d, sigma %.4f",
                        league,
                        generation,
                        child.sigma()));
        try {
            return store.publish(
                    child.id(), onnx, lineage, Map.of("generation", (double) generation, "sigma", child.sigma()));
        } catch (ModelExistsException replay) {
            return store.stored(child.id()).orElseThrow(() -> replay);
        } catch (UnsupportedModelFormatException e) {
            throw new IllegalStateException("a bred child does not fit the current model format", e);
        }
    }
}
