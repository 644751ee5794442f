package ai.aimix.jobs.registry;

import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes models.registry values. The registry is written by this project's own tools, so a value that does not
 * decode (or a tombstone) is logged and skipped rather than stopping the job.
 */
public final class RegistryDeserializer implements KafkaRecordDeserializationSchema<RegistryEntry> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryDeserializer.class);

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RegistryEntry> out) {
        if (record.value() == null) {
            return;
        }
        try {
            out.collect(Contract.REGISTRY.decode(record.value()));
        } catch (DecodeException e) {
            LOG.error("Skipping undecodable models.registry record at partition {} offset {}: {}", record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public TypeInformation<RegistryEntry> getProducedType() {
        return TypeInformation.of(RegistryEntry.class);
    }
}
