package ai.aimix.jobs.training;

import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.registry.RegistryClient;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelLineage;
import ai.aimix.schema.internal.TrainingOutcome;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;

/**
 * Where a trained model goes: the file {@code aimix.training.output} (with its metrics as JSON next to it) and,
 * when {@code aimix.training.register} is set, the model store and the registry as a CANDIDATE with lineage
 * {@code train} and the training metrics. Promotion is a separate, gated step.
 */
final class CandidateSink implements Sink<TrainingOutcome> {
    private static final long serialVersionUID = 1L;

    private final Configuration config;

    CandidateSink(Configuration config) {
        this.config = config;
    }

    @Override
    public SinkWriter<TrainingOutcome> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(TrainingOutcome o, Context ctx) throws IOException {
                byte[] onnx = bytes(o.getOnnx());
                String output = config.get(TrainingJobOptions.OUTPUT);
                if (output != null) {
                    Path file = Path.of(output);
                    if (file.toAbsolutePath().getParent() != null) {
                        Files.createDirectories(file.toAbsolutePath().getParent());
                    }
                    Files.write(file, onnx);
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValue(
                                    file.resolveSibling(file.getFileName() + ".json")
                                            .toFile(),
                                    o.getMetrics());
                }
                if (config.get(TrainingJobOptions.REGISTER)) {
                    RegistryClient registry = new RegistryClient(
                            KafkaOptions.connection(config),
                            config.get(KafkaOptions.TOPIC_REGISTRY),
                            Duration.ofSeconds(30));
                    try {
                        registry.publishCandidate(
                                new ModelStore(config.get(ModelStoreOptions.MODEL_STORE)),
                                o.getModelId(),
                                onnx,
                                new ModelLineage("train", List.of(), o.getSeed(), o.getNote()),
                                o.getMetrics());
                    } catch (RegistryException | UnsupportedModelFormatException e) {
                        throw new IOException("cannot register " + o.getModelId() + ": " + e.getMessage(), e);
                    }
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
