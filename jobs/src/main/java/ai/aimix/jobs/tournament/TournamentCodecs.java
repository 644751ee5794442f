package ai.aimix.jobs.tournament;

import ai.aimix.model.registry.RegistryView;
import ai.aimix.schema.TournamentError;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.DecodeException;
import ai.aimix.schema.internal.TournamentInbound;
import ai.aimix.schema.internal.TournamentOutbound;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Kafka (de)serialisation of the tournament job's topics (battles, votes and the model registry in; standings, errors,
 * registry entries and evolution events out); bytes that do not decode become UNDECODABLE errors.
 */
final class TournamentCodecs {
    private TournamentCodecs() {
    }

    static final class Inbound implements KafkaRecordDeserializationSchema<TournamentInbound> {
        private static final long serialVersionUID = 1L;
        private final String battles;
        private final String votes;
        private final String registry;

        Inbound(String battles, String votes, String registry) {
            this.battles = battles;
            this.votes = votes;
            this.registry = registry;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<TournamentInbound> out) {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            try {
                if (r.topic().equals(battles)) {
                    out.collect(new TournamentInbound(Contract.BATTLE.decode(r.value()), null, null, null));
                } else if (r.topic().equals(votes)) {
                    out.collect(new TournamentInbound(null, Contract.VOTE.decode(r.value()), null, null));
                } else if (r.topic().equals(registry)) {
                    if (r.value() != null) {
                        out.collect(new TournamentInbound(null, null, null, Contract.REGISTRY.decode(r.value())));
                    }
                } else {
                    throw new DecodeException(ai.aimix.schema.ErrorCode.UNKNOWN_SCHEMA, "unexpected topic " + r.topic(),
                            null);
                }
            } catch (DecodeException e) {
                TournamentErrorCode code = e.code() == ai.aimix.schema.ErrorCode.UNKNOWN_SCHEMA
                        ? TournamentErrorCode.UNKNOWN_SCHEMA : TournamentErrorCode.UNDECODABLE;
                out.collect(new TournamentInbound(null, null, new TournamentError(code, e.getMessage(), key, null,
                        r.topic(), r.partition(), r.offset(), System.currentTimeMillis()), null));
            }
        }

        @Override
        public TypeInformation<TournamentInbound> getProducedType() {
            return TypeInformation.of(TournamentInbound.class);
        }
    }

    static final class Outbound implements KafkaRecordSerializationSchema<TournamentOutbound> {
        private static final long serialVersionUID = 1L;
        private final String standings;
        private final String errors;
        private final String registry;
        private final String evolution;

        Outbound(String standings, String errors, String registry, String evolution) {
            this.standings = standings;
            this.errors = errors;
            this.registry = registry;
            this.evolution = evolution;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(TournamentOutbound o, KafkaSinkContext context, Long timestamp) {
            if (o.getStandings() != null) {
                return new ProducerRecord<>(standings, o.getStandings().getLeague().getBytes(StandardCharsets.UTF_8),
                        Contract.STANDINGS.encode(o.getStandings()));
            }
            if (o.getRegistry() != null) {
                return new ProducerRecord<>(registry, RegistryView.key(o.getRegistry()).getBytes(StandardCharsets.UTF_8),
                        Contract.REGISTRY.encode(o.getRegistry()));
            }
            if (o.getEvolution() != null) {
                return new ProducerRecord<>(evolution, o.getEvolution().getLeague().getBytes(StandardCharsets.UTF_8),
                        Contract.EVOLUTION.encode(o.getEvolution()));
            }
            TournamentError e = o.getError();
            return new ProducerRecord<>(errors, e.getBattleId() == null ? null
                    : e.getBattleId().getBytes(StandardCharsets.UTF_8), Contract.TOURNAMENT_ERROR.encode(e));
        }
    }
}
