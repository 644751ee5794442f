package ai.aimix.jobs.mix;

import ai.aimix.cache.CacheSettings;
import ai.aimix.jobs.JobArguments;
import ai.aimix.jobs.cache.CacheOptions;
import ai.aimix.jobs.kafka.InboundDeserializer;
import ai.aimix.jobs.kafka.KafkaConnectors;
import ai.aimix.jobs.kafka.KafkaOptions;
import ai.aimix.jobs.kafka.OutboundSerializer;
import ai.aimix.jobs.registry.ModelStoreOptions;
import ai.aimix.jobs.registry.RegistryDeserializer;
import ai.aimix.operators.align.SegmentAligner;
import ai.aimix.operators.assembly.MixAssemblyFunction;
import ai.aimix.operators.cache.CacheLookup;
import ai.aimix.operators.inference.BatchInferenceOperator;
import ai.aimix.operators.inference.OnnxPredictor;
import ai.aimix.operators.inference.PredictorFactory;
import ai.aimix.operators.mel.LogMelFunction;
import ai.aimix.operators.mel.MelEntry;
import ai.aimix.operators.records.Keys;
import ai.aimix.operators.registry.RegistryState;
import ai.aimix.schema.MixError;
import ai.aimix.schema.RegistryEntry;
import ai.aimix.schema.internal.InboundRecord;
import ai.aimix.schema.internal.OutboundRecord;
import ai.aimix.schema.internal.SegmentRecord;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The mix job: requests and stem chunks from Kafka, aligned into segments per mix, log-mel per stem, batched
 * model inference across mixes, mix assembly, and mixed audio, progress, results and dead letters back to Kafka
 * in one transactional sink.
 *
 * <pre>
 * Kafka source ─ route decode errors ─ keyBy(mix) ─ segment alignment ─ log-mel ─ batched inference ─ assembly ─┐
 * models.registry ─ broadcast ──────────────┘ (REGISTRY records travel the chain to inference)                 │
 *                      └─ errors ───────────────────────── errors ─────────────────── errors ──────── dead letters ┴ Kafka sink
 * </pre>
 * Alignment, log-mel, inference and assembly are chained on one partitioning by mix id (after the one keyBy the
 * later keyed stages reinterpret the stream as keyed), so a segment's audio is never serialised between them. The
 * model registry reaches the aligner as a broadcast input; the aligner checks requests against it and passes every
 * entry down the chain, so the inference operator sees registry changes in stream order and swaps models between
 * batches. The same class runs embedded (tests, ./aimix) and on a cluster; sources and sinks are constructor
 * arguments.
 */
public final class MixJob {
    private final ReadableConfig config;
    private final Source<InboundRecord, ?, ?> source;
    private final Source<RegistryEntry, ?, ?> registry;
    private final Sink<OutboundRecord> sink;
    private PredictorFactory predictors;
    private MapFunction<OutboundRecord, OutboundRecord> outputTap;

    public MixJob(
            ReadableConfig config,
            Source<InboundRecord, ?, ?> source,
            Source<RegistryEntry, ?, ?> registry,
            Sink<OutboundRecord> sink) {
        MixJobOptions.validate(config);
        this.config = config;
        this.source = source;
        this.registry = registry;
        this.sink = sink;
        this.predictors = OnnxPredictor.factory(
                MixJobOptions.sessions(config),
                config.get(MixJobOptions.SESSION_CACHE_SESSIONS),
                config.get(MixJobOptions.SESSION_CACHE_BYTES).getBytes(),
                config.get(ModelStoreOptions.MODEL_STORE),
                config.get(ModelStoreOptions.MAX_MODEL_BYTES).getBytes());
    }

    /** The job on the Kafka cluster the options name. */
    public static MixJob onKafka(ReadableConfig config) {
        return new MixJob(config, kafkaSource(config), registrySource(config), kafkaSink(config));
    }

    /** Replaces the ONNX predictors (tests use a hand-written fake). */
    public MixJob withPredictors(PredictorFactory predictors) {
        this.predictors = predictors;
        return this;
    }

    /** A function every outbound record passes just before the sink (tests inject failures here). */
    public MixJob withOutputTap(MapFunction<OutboundRecord, OutboundRecord> tap) {
        this.outputTap = tap;
        return this;
    }

    public static KafkaSource<InboundRecord> kafkaSource(ReadableConfig c) {
        OffsetsInitializer start;
        switch (c.get(MixJobOptions.STARTING_OFFSETS)) {
            case EARLIEST:
                start = OffsetsInitializer.earliest();
                break;
            case LATEST:
                start = OffsetsInitializer.latest();
                break;
            default:
                start = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
        return KafkaConnectors.<InboundRecord>source(c)
                .setTopics(c.get(MixJobOptions.TOPIC_REQUESTS), c.get(MixJobOptions.TOPIC_CHUNKS))
                .setGroupId(c.get(MixJobOptions.GROUP_ID))
                .setStartingOffsets(start)
                .setDeserializer(
                        new InboundDeserializer(c.get(MixJobOptions.TOPIC_REQUESTS), c.get(MixJobOptions.TOPIC_CHUNKS)))
                .setProperty(
                        "max.partition.fetch.bytes",
                        String.valueOf(
                                c.get(MixJobOptions.FETCH_MAX_PARTITION_BYTES).getBytes()))
                .build();
    }

    /**
     * The registry topic from its beginning (a fresh job must see every model and champion; a restored job resumes
     * from its checkpointed offsets with the registry view in its state).
     */
    public static KafkaSource<RegistryEntry> registrySource(ReadableConfig c) {
        return KafkaConnectors.<RegistryEntry>source(c)
                .setTopics(c.get(KafkaOptions.TOPIC_REGISTRY))
                .setGroupId(c.get(MixJobOptions.GROUP_ID) + "-registry")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RegistryDeserializer())
                .build();
    }

    /** The job's transactional sink: every output topic in one transaction per checkpoint. */
    public static KafkaSink<OutboundRecord> kafkaSink(ReadableConfig c) {
        return KafkaConnectors.transactionalSink(
                c,
                new OutboundSerializer(
                        c.get(MixJobOptions.TOPIC_OUTPUT),
                        c.get(MixJobOptions.TOPIC_PROGRESS),
                        c.get(MixJobOptions.TOPIC_RESULTS),
                        c.get(MixJobOptions.TOPIC_ERRORS)),
                c.get(MixJobOptions.TRANSACTIONAL_ID_PREFIX));
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<InboundRecord> inbound = env.fromSource(
                        source, WatermarkStrategy.noWatermarks(), "Kafka: mix.requests + audio.chunks")
                .uid("kafka-source");
        SingleOutputStreamOperator<InboundRecord> decoded = inbound.process(new RouteDecodeErrors())
                .name("Route undecodable records")
                .uid("route-inbound");

        BroadcastStream<RegistryEntry> models = env.fromSource(
                        registry, WatermarkStrategy.noWatermarks(), "Kafka: models.registry")
                .uid("registry-source")
                .setParallelism(1)
                .broadcast(RegistryState.DESCRIPTOR);

        CacheSettings cache = CacheOptions.settings(config).withContext(MelEntry.context(MixJobOptions.mel(config)));
        SingleOutputStreamOperator<SegmentRecord> aligned = decoded.keyBy(new Keys.Inbound(), Types.STRING)
                .connect(models)
                .process(new SegmentAligner(MixJobOptions.align(config), cache.enabled))
                .name("Segment alignment")
                .uid("segment-aligner");

        // ordered: a mix's records leave in the order they came, each keeping its key and subtask; in the job
        // whether the cache is on or not (off, it passes every record through), so the graph stays the same
        SingleOutputStreamOperator<SegmentRecord> looked = AsyncDataStream.orderedWait(
                        aligned,
                        new CacheLookup(cache, MixJobOptions.mel(config)),
                        cache.operatorTimeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        cache.capacity)
                .name("Feature cache lookup")
                .uid("cache-lookup");

        SingleOutputStreamOperator<SegmentRecord> mel = DataStreamUtils.reinterpretAsKeyedStream(
                        looked, new Keys.Segment(), Types.STRING)
                .process(new LogMelFunction(MixJobOptions.mel(config), cache))
                .name("STFT / log-mel")
                .uid("log-mel");

        SingleOutputStreamOperator<SegmentRecord> inferred = mel.transform(
                        "Batched ONNX inference",
                        TypeInformation.of(SegmentRecord.class),
                        new BatchInferenceOperator(MixJobOptions.inference(config), predictors, cache))
                .uid("batch-inference");

        SingleOutputStreamOperator<OutboundRecord> mixed = DataStreamUtils.reinterpretAsKeyedStream(
                        inferred, new Keys.Segment(), Types.STRING)
                .process(new MixAssemblyFunction(MixJobOptions.assembly(config)))
                .name("Mix assembly")
                .uid("mix-assembly");

        DataStream<MixError> errors = decoded.getSideOutput(RouteDecodeErrors.ERRORS)
                .union(
                        aligned.getSideOutput(SegmentAligner.ERRORS),
                        inferred.getSideOutput(BatchInferenceOperator.ERRORS));
        DataStream<OutboundRecord> deadLetters = errors.map(new ToOutbound())
                .returns(OutboundRecord.class)
                .name("Dead letters")
                .uid("dead-letters");

        DataStream<OutboundRecord> outbound = mixed.union(deadLetters);
        if (outputTap != null) {
            outbound = outbound.map(outputTap)
                    .returns(OutboundRecord.class)
                    .name("Output tap")
                    .uid("output-tap");
        }
        outbound.sinkTo(sink)
                .name("Kafka: mix.output, mix.progress, mix.results, mix.errors")
                .uid("kafka-sink");
    }

    public JobClient executeAsync(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(config.get(MixJobOptions.JOB_NAME));
    }

    /** Wraps a dead letter for the sink. */
    static final class ToOutbound implements MapFunction<MixError, OutboundRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public OutboundRecord map(MixError e) {
            return new OutboundRecord(e);
        }
    }

    /**
     * Runs the job on a cluster ({@code flink run aimix-jobs.jar}, or the Kubernetes operator's job spec) with the
     * cluster's configuration and {@code --key value} arguments on top ({@link JobArguments}).
     */
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = JobArguments.configure(env, args);
        onKafka(conf).build(env);
        env.execute(conf.get(MixJobOptions.JOB_NAME));
    }
}
