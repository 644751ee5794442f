package ai.aimix.jobs.cli;

import ai.aimix.clients.cli.MixCommand;
import ai.aimix.jobs.cli.analysis.AnalyzeCommand;
import ai.aimix.jobs.cli.analysis.CompareCommand;
import ai.aimix.jobs.cli.analysis.MelCommand;
import ai.aimix.jobs.cli.models.ModelsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./aimix}: the AI Mixer command line. */
@Command(name = "aimix", mixinStandardHelpOptions = true, version = "AI Mixer 0.1.0",
        description = "AI Mixer: streaming multitrack mixing with learned models on Flink and Kafka.",
        subcommands = {DemoCommand.class, ServeCommand.class, MixCommand.class, BenchCommand.class,
            AnalyzeCommand.class, MelCommand.class, CompareCommand.class, ModelsCommand.class,
            ai.aimix.jobs.cli.training.CorpusCommand.class,
            ai.aimix.jobs.cli.training.TrainCommand.class,
            ai.aimix.jobs.cli.training.QualityCommand.class, TournamentCommand.class})
public final class AimixCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("aimix: error: out of memory (" + e.getMessage() + "); give the JVM more heap, e.g. "
                    + "AIMIX_JAVA_OPTS=-Xmx4g");
            code = 1;
        }
        System.exit(code);
    }

    /** The command line with its error handling: one line on stderr per error, exit 2 for usage, 1 for failures. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AimixCli());
        cli.setParameterExceptionHandler((ex, a) -> {
            String name = ex.getCommandLine().getCommandName();
            String prefix = name.equals("aimix") ? "aimix" : "aimix " + name;
            System.err.println(prefix + ": error: " + ex.getMessage().replace('\n', ' ') + " (see './" + prefix
                    + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            // one line for the user; the stack trace goes to the log file
            org.slf4j.LoggerFactory.getLogger(AimixCli.class).info("{} failed", commandLine.getCommandName(), ex);
            Throwable root = ex;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            System.err.println("aimix " + commandLine.getCommandName() + ": error: " + message.replace('\n', ' '));
            return 1;
        });
        return cli;
    }
}
