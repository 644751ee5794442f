package ai.aimix.operators.training;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.learn.Trainer;
import ai.aimix.model.runtime.EncoderSession;
import ai.aimix.schema.internal.TrainingRow;
import ai.aimix.schema.internal.TrainingRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Reads one song's log-mel features and runs every stem segment through the encoder: the head's training rows.
 * Songs are spread over the subtasks; each subtask opens its own encoder session.
 */
public final class EncodeSongs extends RichMapFunction<Long, TrainingRows> {
    private static final long serialVersionUID = 1L;

    private final String features;
    private final Trainer.Settings settings;
    private final int encoderThreads;
    private transient Trainer trainer;
    private transient EncoderSession encoder;
    private transient FeatureIndex index;

    /**
     * @param features       the feature store folder
     * @param settings       the trainer's settings (the encoder seed and the augmentation)
     * @param encoderThreads ONNX Runtime threads of this subtask's encoder session
     */
    public EncodeSongs(String features, Trainer.Settings settings, int encoderThreads) {
        this.features = features;
        this.settings = settings;
        this.encoderThreads = encoderThreads;
    }

    /** A song's code: its split (0 train, 1 validation) and its position in the split. */
    public static long code(int split, int position) {
        return ((long) split << 32) | position;
    }

    static String split(long code) {
        return (code >>> 32) == 0 ? "TRAIN" : "VALIDATION";
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        FeatureStore store = new FeatureStore(Path.of(features));
        index = store.readIndex();
        trainer = new Trainer(store, index, settings);
        encoder = EncoderSession.open(trainer.encoderOnnx(), encoderThreads);
    }

    @Override
    public TrainingRows map(Long code) throws Exception {
        String split = split(code);
        int position = (int) (code & 0xFFFFFFFFL);
        FeatureIndex.SongRecord song =
                (split.equals("TRAIN") ? index.split(split) : index.originals(split)).get(position);
        List<TrainingRow> rows = new ArrayList<>();
        for (Trainer.Row r : trainer.songRows(encoder, song, position, null, 0)) {
            rows.add(new TrainingRow(r.stem, r.group, r.role, r.weight, floats(r.target), floats(r.embedding)));
        }
        return new TrainingRows(position, song.seed, split, rows);
    }

    static List<Float> floats(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add(x);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        if (encoder != null) {
            encoder.close();
        }
    }
}
