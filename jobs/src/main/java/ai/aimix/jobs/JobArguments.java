package ai.aimix.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What a job's {@code main} runs with on a cluster: the configuration the environment was created with (the
 * cluster's {@code config.yaml} and the {@code -D} options of {@code flink run}) and the program arguments
 * ({@code --aimix.kafka.bootstrap-servers kafka:9092 ...}) on top. The result is also applied to the environment,
 * so Flink's own options (checkpointing, restart strategy) can be given either way.
 */
public final class JobArguments {
    private JobArguments() {}

    /** The program arguments as options: pairs of {@code --key value}. */
    public static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i];
            if (!key.startsWith("--") || key.length() == 2) {
                throw new IllegalArgumentException("expected an option --key value, got '" + key + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(key + " needs a value");
            }
            out.put(key.substring(2), args[i + 1]);
        }
        return out;
    }

    /** Options as program arguments, the form {@link #parse} reads: {@code --key value} pairs. */
    public static List<String> of(Map<String, String> options) {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    /**
     * The job's configuration, applied to {@code env}.
     *
     * @throws IllegalArgumentException when the arguments are not pairs of {@code --key value}
     */
    public static Configuration configure(StreamExecutionEnvironment env, String[] args) {
        Configuration conf = Configuration.fromMap(env.getConfiguration().toMap());
        conf.addAll(Configuration.fromMap(parse(args)));
        env.configure(conf);
        return conf;
    }
}
