package ai.aimix.jobs.registry;

import ai.aimix.model.registry.RegistryView;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes models.registry values. A value that does not decode, or names invalid ids ({@link RegistryView#problem}),
 * is skipped with a warning and counted ({@code registryRecordsSkipped}), never an exception: the topic is compacted, so a bad record stays, and
 * a job that failed on it would fail again on every restart.
 */
public final class RegistryDeserializer implements KafkaRecordDeserializationSchema<RegistryEntry> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryDeserializer.class);

    private transient Counter skipped;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        skipped = context.getMetricGroup().counter("registryRecordsSkipped");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RegistryEntry> out) {
        if (record.value() == null) {
            return;
        }
        RegistryEntry entry;
        String problem;
        try {
            entry = Contract.REGISTRY.decode(record.value());
            problem = RegistryView.problem(entry);
        } catch (DecodeException | RuntimeException e) {
            entry = null;
            problem = e.getMessage();
        }
        if (problem != null) {
            if (skipped != null) {
                skipped.inc();
            }
            LOG.warn(
                    "Skipping a models.registry record that cannot be applied, at partition {} offset {}: {}",
                    record.partition(),
                    record.offset(),
                    problem);
            return;
        }
        out.collect(entry);
    }

    @Override
    public TypeInformation<RegistryEntry> getProducedType() {
        return TypeInformation.of(RegistryEntry.class);
    }
}
