package ai.aimix.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.aimix.jobs.mix.MixJobOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobArgumentsTest {

    @Test
    void argumentsArePairsOfKeyAndValue() {
        assertEquals(
                Map.of("aimix.kafka.bootstrap-servers", "kafka:9092", "aimix.job.name", "mix a"),
                JobArguments.parse(
                        new String[] {"--aimix.kafka.bootstrap-servers", "kafka:9092", "--aimix.job.name", "mix a"}));
        assertEquals(Map.of(), JobArguments.parse(new String[0]));
    }

    @Test
    void optionsBecomeArgumentsThatParseBack() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("aimix.job.name", "a name with spaces");
        options.put("execution.checkpointing.interval", "2 s");
        List<String> args = JobArguments.of(options);
        assertEquals(
                List.of("--aimix.job.name", "a name with spaces", "--execution.checkpointing.interval", "2 s"), args);
        assertEquals(options, JobArguments.parse(args.toArray(new String[0])));
    }

    @Test
    void aKeyWithoutValueOrAValueWithoutKeyIsRefusedByName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> JobArguments.parse(new String[] {"--aimix.job.name"}));
        assertEquals("--aimix.job.name needs a value", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> JobArguments.parse(new String[] {"aimix.job.name", "x"}));
        assertEquals("expected an option --key value, got 'aimix.job.name'", e.getMessage());
    }

    @Test
    void argumentsGoOnTopOfTheClusterConfigurationAndReachTheEnvironment() {
        Configuration cluster = new Configuration();
        cluster.setString("aimix.kafka.bootstrap-servers", "from-config-yaml:9092");
        cluster.setString("aimix.job.name", "from config.yaml");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        Configuration conf = JobArguments.configure(
                env,
                new String[] {"--aimix.job.name", "from the arguments", "--execution.checkpointing.interval", "7 s"});
        assertEquals("from-config-yaml:9092", conf.getString("aimix.kafka.bootstrap-servers", null));
        assertEquals("from the arguments", conf.get(MixJobOptions.JOB_NAME));
        assertEquals(7000L, env.getCheckpointConfig().getCheckpointInterval());
    }
}
