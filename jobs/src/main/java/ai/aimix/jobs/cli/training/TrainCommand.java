package ai.aimix.jobs.cli.training;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.learn.SpecAugment;
import ai.aimix.learn.Trainer;
import ai.aimix.model.onnx.MixNetOnnx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./aimix train}: fits the mixnet to the corpus's ideal corrections and writes the model file. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the mixing model on a feature store (./aimix corpus build): the dense head by explicit "
                + "gradients and Adam on a fixed encoder; prints the loss per step and the validation score per epoch; "
                + "resumable from its checkpoint; deterministic for a seed (docs/TRAINING.md).")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--features", required = true, description = "The feature store folder.")
    Path features;

    @Option(names = "--out", required = true, description = "The ONNX model file to write.")
    Path out;

    @Option(names = "--id", defaultValue = "mixnet-trained", description = "The model id written into the file. Default ${DEFAULT-VALUE}.")
    String id;

    @Option(names = "--epochs", defaultValue = "40", description = "Default ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Rows per step. Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "0.003", description = "Adam's step size. Default ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--seed", defaultValue = "1", description = "Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--time-masks", defaultValue = "0", description = "SpecAugment time masks per segment. Default ${DEFAULT-VALUE}.")
    int timeMasks;

    @Option(names = "--time-mask-width", defaultValue = "16", description = "Widest time mask, frames. Default ${DEFAULT-VALUE}.")
    int timeWidth;

    @Option(names = "--frequency-masks", defaultValue = "0", description = "SpecAugment frequency masks per segment. Default ${DEFAULT-VALUE}.")
    int frequencyMasks;

    @Option(names = "--frequency-mask-width", defaultValue = "12", description = "Widest frequency mask, bands. Default ${DEFAULT-VALUE}.")
    int frequencyWidth;

    @Option(names = "--checkpoint", description = "Checkpoint file (default: OUT.checkpoint); an existing one is resumed.")
    Path checkpoint;

    @Option(names = "--threads", defaultValue = "0", description = "Encoder threads (0: one per core).")
    int threads;

    @Override
    public Integer call() throws Exception {
        FeatureStore store = new FeatureStore(features);
        FeatureIndex index;
        try {
            index = store.readIndex();
        } catch (java.io.IOException e) {
            System.err.println("aimix train: error: " + e.getMessage());
            return 2;
        }
        Trainer.Settings s = new Trainer.Settings();
        s.epochs = epochs;
        s.batchSize = batch;
        s.learningRate = learningRate;
        s.seed = seed;
        s.augment = new SpecAugment(timeMasks, timeWidth, frequencyMasks, frequencyWidth);
        s.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Path ckpt = checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".checkpoint");
        System.out.printf("training on %d songs (validation %d), %d epochs, seed %d, augmentation %s%n",
                index.split("TRAIN").size(), index.split("VALIDATION").size(), epochs, seed,
                s.augment.isNone() ? "none" : timeMasks + "x" + timeWidth + " time, " + frequencyMasks + "x"
                        + frequencyWidth + " frequency");
        long t0 = System.nanoTime();
        Trainer.Result r = new Trainer(store, index, s).train(new Trainer.Listener() {
            @Override
            public void step(int epoch, long step, double loss) {
                System.out.printf("  step %6d  loss %.4f%n", step, loss);
            }

            @Override
            public void epoch(Trainer.EpochReport e) {
                System.out.printf("epoch %3d  train loss %.4f  validation loss %.4f  level error %.2f dB  (%.1f s)%n",
                        e.epoch() + 1, e.trainLoss(), e.validationLoss(), e.validationLevelErrorDb(), e.seconds());
            }
        }, ckpt);
        if (r.resumedFromEpoch() > 0) {
            System.out.println("(resumed after epoch " + r.resumedFromEpoch() + " from " + ckpt + ")");
        }
        Files.write(out, MixNetOnnx.build(r.weights(), id));
        System.out.printf("wrote %s (%s) in %.1f s%n", out, id, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
