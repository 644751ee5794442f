package ai.aimix.jobs.training;

import ai.aimix.features.FeatureIndex;
import ai.aimix.features.FeatureStore;
import ai.aimix.jobs.JobArguments;
import ai.aimix.operators.training.EncodeSongs;
import ai.aimix.operators.training.TrainHead;
import ai.aimix.schema.internal.TrainingOutcome;
import ai.aimix.schema.internal.TrainingRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The training job, in Flink's BATCH execution mode: the feature store's training and validation songs are spread
 * over the subtasks, which run them through the mixnet's encoder (the same model code the mix job serves) into
 * training rows; one subtask fits the head on all rows ({@link TrainHead}); the sink writes the model and registers
 * it as a candidate ({@link CandidateSink}). Runs the same embedded ({@code ./aimix train}) and on a cluster.
 */
public final class TrainingJob {
    private final Configuration config;
    private final Sink<TrainingOutcome> sink;

    public TrainingJob(Configuration config, Sink<TrainingOutcome> sink) {
        if (config.get(TrainingJobOptions.FEATURES) == null) {
            throw new IllegalArgumentException(TrainingJobOptions.FEATURES.key() + " is required");
        }
        this.config = config;
        this.sink = sink;
    }

    /** The job with the file / registry sink the options describe. */
    public static TrainingJob fromOptions(Configuration config) {
        return new TrainingJob(config, new CandidateSink(config));
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("AI Mixer training: " + config.get(TrainingJobOptions.MODEL_ID));
    }

    void build(StreamExecutionEnvironment env) throws IOException {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        FeatureIndex index = new FeatureStore(Path.of(config.get(TrainingJobOptions.FEATURES))).readIndex();
        List<Long> songs = new ArrayList<>();
        for (int i = 0; i < index.split("TRAIN").size(); i++) {
            songs.add(EncodeSongs.code(0, i));
        }
        for (int i = 0; i < index.originals("VALIDATION").size(); i++) {
            songs.add(EncodeSongs.code(1, i));
        }
        if (index.split("TRAIN").isEmpty() || index.originals("VALIDATION").isEmpty()) {
            throw new IllegalArgumentException("the feature store needs training and validation songs");
        }
        DataStream<TrainingRows> rows = env.fromData(songs)
                .name("Songs of the feature store")
                .uid("songs")
                .rebalance()
                .map(new EncodeSongs(
                        config.get(TrainingJobOptions.FEATURES),
                        TrainingJobOptions.trainer(config),
                        config.get(TrainingJobOptions.ENCODER_THREADS)))
                .name("Encode songs")
                .uid("encode-songs");
        rows.keyBy(r -> "run")
                .process(new TrainHead(
                        config.get(TrainingJobOptions.FEATURES),
                        TrainingJobOptions.trainer(config),
                        config.get(TrainingJobOptions.CHECKPOINT),
                        config.get(TrainingJobOptions.PRINT_PROGRESS),
                        config.get(TrainingJobOptions.MODEL_ID)))
                .name("Train the head")
                .uid("train-head")
                .setParallelism(1)
                .sinkTo(sink)
                .name("Model file and registry")
                .uid("candidate-sink")
                .setParallelism(1);
    }

    /** Runs the job on a cluster with the cluster's configuration and {@code --key value} arguments on top. */
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        fromOptions(JobArguments.configure(env, args)).execute(env);
    }
}
