package ai.aimix.launcher.cli;

import ai.aimix.clients.cli.MixCommand;
import ai.aimix.launcher.cli.analysis.AnalyzeCommand;
import ai.aimix.launcher.cli.analysis.CompareCommand;
import ai.aimix.launcher.cli.analysis.MelCommand;
import ai.aimix.launcher.cli.models.ModelsCommand;
import ai.aimix.launcher.cli.training.CorpusCommand;
import ai.aimix.launcher.cli.training.QualityCommand;
import ai.aimix.launcher.cli.training.TrainCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./aimix}: the AI Mixer command line. */
@Command(
        name = "aimix",
        mixinStandardHelpOptions = true,
        version = "AI Mixer 0.1.0",
        description = "AI Mixer: streaming multitrack mixing with learned models on Flink and Kafka.",
        subcommands = {
            DemoCommand.class,
            ServeCommand.class,
            ClusterCommand.class,
            KeysCommand.class,
            CacheCommand.class,
            MixCommand.class,
            BenchCommand.class,
            LoadCommand.class,
            AnalyzeCommand.class,
            MelCommand.class,
            CompareCommand.class,
            ModelsCommand.class,
            CorpusCommand.class,
            TrainCommand.class,
            QualityCommand.class,
            TournamentCommand.class
        })
public final class AimixCli implements Runnable {
    /** The system property log4j2.properties takes the log file's path from. */
    static final String LOG_FILE_PROPERTY = "aimix.log.file";

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        Path log = privateLogFile();
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("aimix: error: out of memory (" + e.getMessage() + ")"
                    + (log == null ? "" : "; details in " + log));
            code = 1;
        }
        if (code == 0 && log != null) {
            deleteQuietly(log);
            deleteQuietly(log.getParent());
        }
        System.exit(code);
    }

    /**
     * Points the log file (see log4j2.properties) into a private directory of this process (owner-only, with an
     * unpredictable name) unless {@code aimix.log.file} names one; must run before anything logs. The directory is
     * removed when the command succeeds and kept, for the details, when it fails.
     */
    static Path privateLogFile() {
        String given = System.getProperty(LOG_FILE_PROPERTY);
        if (given != null) {
            return null;
        }
        try {
            Path log = Files.createTempDirectory("aimix-log-").resolve("aimix.log");
            System.setProperty(LOG_FILE_PROPERTY, log.toString());
            return log;
        } catch (IOException e) {
            System.setProperty(LOG_FILE_PROPERTY, "/dev/null");
            return null;
        }
    }

    /** Where this process logs, or null when it does not know. */
    public static String logFile() {
        return System.getProperty(LOG_FILE_PROPERTY);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a log left behind in the process's own temporary directory
        }
    }

    /** The command line with its error handling: one line on stderr per error, exit 2 for usage, 1 for failures. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AimixCli());
        cli.setParameterExceptionHandler((ex, a) -> {
            String name = ex.getCommandLine().getCommandName();
            String prefix = name.equals("aimix") ? "aimix" : "aimix " + name;
            System.err.println(
                    prefix + ": error: " + ex.getMessage().replace('\n', ' ') + " (see './" + prefix + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            // one line for the user; the stack trace goes to the log file
            LoggerFactory.getLogger(AimixCli.class).info("{} failed", commandLine.getCommandName(), ex);
            Throwable root = ex;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            String log = logFile();
            System.err.println("aimix " + commandLine.getCommandName() + ": error: " + message.replace('\n', ' ')
                    + (log == null || log.equals("/dev/null") ? "" : " (details: " + log + ")"));
            return 1;
        });
        return cli;
    }
}
