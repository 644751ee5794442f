package ai.aimix.launcher.cli.models;

import ai.aimix.launcher.quantize.ModelQuantization;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.ModelOutput;
import ai.aimix.model.registry.RegistryChanges;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.store.Descriptors;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.ModelPrecision;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./aimix models quantize ID --int8|--fp16}: builds the quantized model file from the fp32 model, measures
 * it against its parent on generated songs, stores and registers it as a candidate with those numbers. Promoting it
 * is a separate, gated step ({@code models promote}).
 */
@Command(
        name = "quantize",
        mixinStandardHelpOptions = true,
        description = "Build an fp16 or static int8 (QDQ) version of a model, measure its parameter deviation and "
                + "mix distance against the fp32 model on generated songs, and register it as a candidate. "
                + "'models promote' accepts it only within the documented bounds (docs/MODELS.md).")
public final class QuantizeCommand implements Callable<Integer> {
    @Mixin
    ModelsTarget target;

    @Parameters(paramLabel = "ID", description = "The fp32 model to quantize.")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Precision precision;

    static final class Precision {
        @Option(
                names = "--int8",
                description = "Static int8 QDQ: per-channel int8 weights, uint8 activations "
                        + "calibrated on generated songs.")
        boolean int8;

        @Option(names = "--fp16", description = "float16 weights (half the file; computation stays float32).")
        boolean fp16;

        ModelPrecision value() {
            return int8 ? ModelPrecision.INT8 : ModelPrecision.FP16;
        }
    }

    @Option(names = "--id", description = "The new model's id. Default: ID-int8 or ID-fp16.")
    String newId;

    @Option(
            names = "--calibration-songs",
            defaultValue = "4",
            description = "Generated songs to calibrate int8 activations on. Default ${DEFAULT-VALUE}.")
    int calibrationSongs;

    @Option(
            names = "--evaluation-songs",
            defaultValue = "2",
            description = "Other generated songs to measure the result on. Default ${DEFAULT-VALUE}.")
    int evaluationSongs;

    @Option(names = "--seconds", defaultValue = "20", description = "Length of each song. Default ${DEFAULT-VALUE}.")
    double seconds;

    @Option(
            names = "--seed",
            defaultValue = "2024",
            description = "Seed of the generated songs. Default ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        return ModelsCommand.run("quantize", () -> {
            ModelPrecision to = precision.value();
            String out = newId != null ? newId : id + "-" + to.name().toLowerCase(Locale.ROOT);
            if (!Descriptors.isValidId(out)) {
                throw new IllegalArgumentException("invalid model id '" + out + "'");
            }
            ModelAdmin admin = target.admin();
            if (admin.store() == null) {
                throw new IllegalArgumentException("no model store: pass --store (or run ./aimix serve)");
            }
            ModelDescriptor parent =
                    admin.view().model(id).orElseThrow(() -> new RegistryException("no model '" + id + "'"));
            if (parent.getPrecision() != ModelPrecision.FP32) {
                throw new IllegalArgumentException(
                        "model " + id + " is " + parent.getPrecision() + "; quantize its fp32 parent instead");
            }
            if (admin.view().model(out).isPresent()) {
                throw new RegistryException("model '" + out + "' is already registered");
            }
            byte[] bytes = admin.bytes(parent);
            ModelQuantization.Outcome o = new ModelQuantization(
                            new Configuration(),
                            new ModelQuantization.Settings(calibrationSongs, evaluationSongs, seconds, seed))
                    .quantize(bytes, to, out);
            ModelDescriptor d = admin.publish(
                    out,
                    o.onnx,
                    new ModelLineage(
                            "quantize-" + to.name().toLowerCase(Locale.ROOT),
                            List.of(id),
                            seed,
                            to == ModelPrecision.INT8
                                    ? calibrationSongs + " calibration songs of " + seconds + " s"
                                    : "float16 weights"),
                    o.metrics());
            System.out.printf(
                    "registered %s as a candidate: %s, %d bytes (%s: %d bytes, %.0f%%)%n",
                    d.getModelId(),
                    to,
                    d.getSizeBytes(),
                    id,
                    parent.getSizeBytes(),
                    100.0 * d.getSizeBytes() / parent.getSizeBytes());
            System.out.printf(
                    "max parameter deviation %.5f of the range (bound %.3f); per parameter:",
                    o.deviation.max(), RegistryChanges.MAX_PARAM_DEVIATION);
            for (ModelOutput p : ModelOutput.values()) {
                System.out.printf(" %s %.3g", p.name().toLowerCase(Locale.ROOT), o.deviation.inUnits(p));
            }
            System.out.println();
            System.out.printf(
                    "mix distance to the fp32 model's mix %.5f (bound %.3f)%n",
                    o.mixDistance, RegistryChanges.MAX_MIX_DISTANCE);
            System.out.println(
                    o.withinBounds()
                            ? "within bounds: 'aimix models promote " + out + "' will accept it"
                            : "OUTSIDE the bounds: 'aimix models promote " + out + "' will refuse it");
            return 0;
        });
    }
}
