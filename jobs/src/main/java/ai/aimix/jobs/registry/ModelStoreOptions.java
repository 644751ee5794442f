package ai.aimix.jobs.registry;

import static org.apache.flink.configuration.ConfigOptions.key;

import ai.aimix.jobs.JobOptions;
import ai.aimix.model.store.ModelStore;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;

/** Where the jobs keep model files and how large a model they load: shared by the mix, tournament and training jobs. */
public final class ModelStoreOptions {
    private ModelStoreOptions() {}

    public static final ConfigOption<String> MODEL_STORE = key("aimix.model-store.path")
            .stringType()
            .noDefaultValue()
            .withDescription("Where model files are written (versions/<id>/model.onnx): a Flink file system URI "
                    + "(file:///..., s3://bucket/prefix with Flink's S3 plugin) or a local path. Required; the "
                    + "embedded default uses one under its data directory. The job reads each model from this store "
                    + "only (versions/<id>/model.onnx for the descriptor's id), whatever URI a registry descriptor "
                    + "names.");

    public static final ConfigOption<MemorySize> MAX_MODEL_BYTES = key("aimix.models.max-model-bytes")
            .memoryType()
            .defaultValue(new MemorySize(ModelStore.DEFAULT_MAX_MODEL_BYTES))
            .withDescription("Largest model file the job loads: a descriptor declaring more is refused before "
                    + "anything is read (MODEL_FAILURE), and a file of another size than its descriptor declares too.");

    /** All options, for documentation and --help. */
    public static List<ConfigOption<?>> all() {
        return JobOptions.declaredIn(ModelStoreOptions.class);
    }
}
