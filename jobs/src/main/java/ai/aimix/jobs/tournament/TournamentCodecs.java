package ai.aimix.jobs.tournament;

import ai.aimix.jobs.kafka.InboundDeserializer;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.schema.Battle;
import ai.aimix.schema.ErrorCode;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.TournamentError;
import ai.aimix.schema.TournamentErrorCode;
import ai.aimix.schema.Vote;
import ai.aimix.schema.auth.BattleSeals;
import ai.aimix.schema.auth.TournamentKeys;
import ai.aimix.schema.auth.VoterTokens;
import ai.aimix.schema.codec.Contract;
import ai.aimix.schema.codec.ContractLimits;
import ai.aimix.schema.codec.DecodeException;
import ai.aimix.schema.internal.TournamentInbound;
import ai.aimix.schema.internal.TournamentOutbound;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Kafka (de)serialisation of the tournament job's topics (battles, votes and the model registry in; standings, errors,
 * registry entries and evolution events out). Bytes that do not decode (or registry entries naming invalid ids) become
 * UNDECODABLE errors, battles and votes whose ids are unusable INVALID_BATTLE / INVALID_VOTE; nothing a record holds
 * can stop the job.
 */
final class TournamentCodecs {
    private TournamentCodecs() {}

    static final class Inbound implements KafkaRecordDeserializationSchema<TournamentInbound> {
        private static final long serialVersionUID = 1L;
        private final String battles;
        private final String votes;
        private final String registry;
        /** Null when votes and battles are not authenticated. */
        private final TournamentKeys keys;

        Inbound(String battles, String votes, String registry, TournamentKeys keys) {
            this.battles = battles;
            this.votes = votes;
            this.registry = registry;
            this.keys = keys;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<TournamentInbound> out) {
            String key = InboundDeserializer.keyOf(r.key());
            try {
                if (r.topic().equals(battles)) {
                    Battle b = Contract.BATTLE.decode(r.value());
                    requireId(TournamentErrorCode.INVALID_BATTLE, "battleId", b.getBattleId());
                    out.collect(new TournamentInbound(opened(b), null, null, null));
                } else if (r.topic().equals(votes)) {
                    Vote v = Contract.VOTE.decode(r.value());
                    requireId(TournamentErrorCode.INVALID_VOTE, "battleId", v.getBattleId());
                    requireId(TournamentErrorCode.INVALID_VOTE, "voterId", v.getVoterId());
                    if (keys != null) {
                        String problem = VoterTokens.problem(keys, v);
                        if (problem != null) {
                            throw new Refused(TournamentErrorCode.INVALID_VOTER_TOKEN, problem + "; not counted");
                        }
                    }
                    v.setVoterToken(null); // verified: not carried through the job's stages and state
                    out.collect(new TournamentInbound(null, v, null, null));
                } else if (r.topic().equals(registry)) {
                    if (r.value() != null) {
                        RegistryEntry e = Contract.REGISTRY.decode(r.value());
                        String problem = RegistryView.problem(e);
                        if (problem != null) {
                            throw new Refused(TournamentErrorCode.UNDECODABLE, "registry entry skipped: " + problem);
                        }
                        out.collect(new TournamentInbound(null, null, null, e));
                    }
                } else {
                    throw new Refused(TournamentErrorCode.UNKNOWN_SCHEMA, "unexpected topic " + r.topic());
                }
            } catch (DecodeException e) {
                refuse(
                        r,
                        key,
                        e.code() == ErrorCode.UNKNOWN_SCHEMA
                                ? TournamentErrorCode.UNKNOWN_SCHEMA
                                : TournamentErrorCode.UNDECODABLE,
                        e.getMessage(),
                        out);
            } catch (Refused e) {
                refuse(r, key, e.code, e.getMessage(), out);
            } catch (RuntimeException e) {
                refuse(r, key, TournamentErrorCode.UNDECODABLE, "cannot decode: " + e, out);
            }
        }

        /**
         * The battle as the job works with it: its sealed attention check opened into {@code expectedOutcome}. A
         * battle with an answer in the clear (readable by every listener), or, when battles are authenticated, with
         * no seal or one that does not open, is refused.
         */
        private Battle opened(Battle b) throws Refused {
            if (b.getExpectedOutcome() != null) {
                throw new Refused(
                        TournamentErrorCode.INVALID_BATTLE,
                        "battle " + b.getBattleId() + " carries its "
                                + "attention-check answer in the clear, where listeners can read it; seal it in 'check'");
            }
            if (keys == null) {
                return b;
            }
            if (b.getCheck() == null) {
                throw new Refused(
                        TournamentErrorCode.INVALID_BATTLE,
                        "battle " + b.getBattleId() + " has no sealed "
                                + "check: every battle carries one, so checks cannot be told apart");
            }
            try {
                return Battle.newBuilder(b)
                        .setExpectedOutcome(BattleSeals.open(keys, b).orElse(null))
                        .build();
            } catch (BattleSeals.BrokenSeal e) {
                throw new Refused(
                        TournamentErrorCode.INVALID_BATTLE, "battle " + b.getBattleId() + ": " + e.getMessage());
            }
        }

        private static void refuse(
                ConsumerRecord<byte[], byte[]> r,
                String key,
                TournamentErrorCode code,
                String message,
                Collector<TournamentInbound> out) {
            out.collect(new TournamentInbound(
                    null,
                    null,
                    new TournamentError(
                            code, message, key, null, r.topic(), r.partition(), r.offset(), System.currentTimeMillis()),
                    null));
        }

        private static void requireId(TournamentErrorCode code, String what, String id) throws Refused {
            String problem = ContractLimits.checkId(what, id);
            if (problem != null) {
                throw new Refused(code, problem);
            }
        }

        @Override
        public TypeInformation<TournamentInbound> getProducedType() {
            return TypeInformation.of(TournamentInbound.class);
        }
    }

    /** A record refused while decoding, with its code. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final TournamentErrorCode code;

        Refused(TournamentErrorCode code, String message) {
            super(message);
            this.code = code;
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
        public ProducerRecord<byte[], byte[]> serialize(
                TournamentOutbound o, KafkaSinkContext context, Long timestamp) {
            if (o.getStandings() != null) {
                return new ProducerRecord<>(
                        standings,
                        o.getStandings().getLeague().getBytes(StandardCharsets.UTF_8),
                        Contract.STANDINGS.encode(o.getStandings()));
            }
            if (o.getRegistry() != null) {
                return new ProducerRecord<>(
                        registry,
                        RegistryView.key(o.getRegistry()).getBytes(StandardCharsets.UTF_8),
                        Contract.REGISTRY.encode(o.getRegistry()));
            }
            if (o.getEvolution() != null) {
                return new ProducerRecord<>(
                        evolution,
                        o.getEvolution().getLeague().getBytes(StandardCharsets.UTF_8),
                        Contract.EVOLUTION.encode(o.getEvolution()));
            }
            TournamentError e = o.getError();
            return new ProducerRecord<>(
                    errors,
                    e.getBattleId() == null ? null : e.getBattleId().getBytes(StandardCharsets.UTF_8),
                    Contract.TOURNAMENT_ERROR.encode(e));
        }
    }
}
