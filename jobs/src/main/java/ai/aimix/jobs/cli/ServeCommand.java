package ai.aimix.jobs.cli;

import ai.aimix.clients.cli.ServeInfo;
import ai.aimix.clients.kafka.Topics;
import ai.aimix.jobs.embedded.EmbeddedStack;
import ai.aimix.jobs.mix.MixJobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ./aimix serve}: the embedded stack for outside producers and consumers, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the in-process Kafka and the mix job for outside producers and consumers. Prints a line "
                + "starting with 'ready' (bootstrap address, topics, web UI) once it accepts work.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Kafka port. Default ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--ui-port", defaultValue = "8081", description = "Flink web UI port. Default ${DEFAULT-VALUE}.")
    int uiPort;

    @Option(names = "--data", description = "Keep Kafka's log, checkpoints and models here across restarts (default: a temporary folder).")
    Path data;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        for (int p : new int[] {port, uiPort}) {
            if (!CommonOptions.portFree(p)) {
                System.err.println("aimix serve: error: port " + p + " is in use; pass --port / --ui-port");
                return 2;
            }
        }
        EmbeddedStack stack = EmbeddedStack.start(common.config(Map.of("rest.port", String.valueOf(uiPort))), data,
                port);
        long pid = ProcessHandle.current().pid();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServeInfo.remove(pid);
            stack.close();
            stopped.countDown();
        }, "aimix-serve-shutdown"));
        Topics t = stack.topics();
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("requests", t.requests);
        topics.put("chunks", t.chunks);
        topics.put("output", t.output);
        topics.put("progress", t.progress);
        topics.put("results", t.results);
        topics.put("errors", t.errors);
        topics.put("registry", stack.config().get(MixJobOptions.TOPIC_REGISTRY));
        new ServeInfo(stack.bootstrapServers(), stack.uiUrl(), pid,
                new ai.aimix.model.store.ModelStore(stack.config().get(MixJobOptions.MODEL_STORE)).root(), topics)
                .write(topics);
        System.out.println("ready bootstrap=" + stack.bootstrapServers() + " topics=" + String.join(",", t.all())
                + " ui=" + stack.uiUrl() + " models=" + stack.config().get(MixJobOptions.MODEL_STORE));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
