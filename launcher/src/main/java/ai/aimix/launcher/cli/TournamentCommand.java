package ai.aimix.launcher.cli;

import ai.aimix.launcher.embedded.EmbeddedStack;
import ai.aimix.launcher.tournament.TasteExperiment;
import ai.aimix.launcher.tournament.TournamentSimulation;
import ai.aimix.model.store.ModelStore;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.ModelPrecision;
import ai.aimix.tournament.VoterPanel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./aimix tournament ...}: the listener tournament. */
@Command(
        name = "tournament",
        mixinStandardHelpOptions = true,
        description = "Listener tournaments.",
        subcommands = {TournamentCommand.Simulate.class, TournamentCommand.Taste.class})
public final class TournamentCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** {@code ./aimix tournament simulate}: the whole loop embedded, with simulated listeners. */
    @Command(
            name = "simulate",
            mixinStandardHelpOptions = true,
            description = "Run the tournament loop in one process: an in-process Kafka, the mix job and the tournament "
                    + "job; a league founded by --start evolves while a panel of simulated listeners votes on battles "
                    + "the mix job mixes. Prints per generation the champion, its benchmark mix distance (lower is "
                    + "better), the votes used and the abuse screen's precision and recall on the panel's bad actors.")
    public static final class Simulate implements Callable<Integer> {
        @Option(
                names = "--generations",
                defaultValue = "10",
                description = "Generations to run. Default ${DEFAULT-VALUE}.")
        int generations;

        @Option(names = "--voters", defaultValue = "60", description = "Simulated listeners. Default ${DEFAULT-VALUE}.")
        int voters;

        @Option(
                names = "--bad-share",
                defaultValue = "0.15",
                description =
                        "Share of bad actors (always A, random, adversarial in equal numbers). Default ${DEFAULT-VALUE}.")
        double badShare;

        @Option(
                names = "--start",
                defaultValue = ModelStore.SHIPPED_CHAMPION,
                description = "The league's founding champion (a registered model). Default ${DEFAULT-VALUE}: the "
                        + "shipped champion, the best model there is; mixnet-v1 is the neutral first version.")
        String start;

        @Option(names = "--league", defaultValue = "sim", description = "League to evolve. Default ${DEFAULT-VALUE}.")
        String league;

        @Option(
                names = "--vote-budget",
                defaultValue = "600",
                description = "Counted votes after which a generation ends. Default ${DEFAULT-VALUE}.")
        long voteBudget;

        @Option(
                names = "--interval-width",
                defaultValue = "200",
                description = "A generation also ends when every member's 95%% interval is narrower than this, Elo. "
                        + "Default ${DEFAULT-VALUE}.")
        double intervalWidth;

        @Option(
                names = "--votes-per-battle",
                defaultValue = "30",
                description = "Listeners per battle. Default ${DEFAULT-VALUE}.")
        int votesPerBattle;

        @Option(
                names = "--songs",
                defaultValue = "32",
                description = "Battle songs (training split; rendered when first used). Default ${DEFAULT-VALUE}.")
        int songs;

        @Option(
                names = "--bench-songs",
                defaultValue = "6",
                description = "Benchmark songs (test split). Default ${DEFAULT-VALUE}.")
        int benchSongs;

        @Option(names = "--bars", defaultValue = "6", description = "Bars per song. Default ${DEFAULT-VALUE}.")
        int bars;

        @Option(
                names = "--parallel-battles",
                defaultValue = "2",
                description = "Battles in flight at once. Default ${DEFAULT-VALUE}.")
        int parallel;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed of songs, panel and breeding. Default ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--json", description = "Print the run as JSON on stdout (progress goes to stderr).")
        boolean json;

        @Option(
                names = "--ui-port",
                defaultValue = "8081",
                description = "Flink web UI port. Default ${DEFAULT-VALUE}.")
        int uiPort;

        @Mixin
        CommonOptions common;

        @Override
        public Integer call() throws Exception {
            if (generations < 1
                    || voters < 2
                    || votesPerBattle < 1
                    || songs < 1
                    || benchSongs < 1
                    || bars < 6
                    || parallel < 1
                    || badShare < 0
                    || badShare > 0.9
                    || voteBudget < 1
                    || intervalWidth <= 0) {
                System.err.println("aimix tournament simulate: error: --generations, --votes-per-battle, --songs, "
                        + "--bench-songs, --parallel-battles and --vote-budget must be at least 1, --voters at least 2, "
                        + "--bars at least 6, --bad-share in [0, 0.9] and --interval-width positive");
                return 2;
            }
            if (!league.matches("[A-Za-z0-9._-]{1,32}")) {
                System.err.println("aimix tournament simulate: error: --league '" + league + "': use 1-32 letters, "
                        + "digits, '.', '_' or '-'");
                return 2;
            }
            if (!CommonOptions.portFree(uiPort)) {
                System.err.println("aimix tournament simulate: error: port " + uiPort + " is in use; stop what uses it "
                        + "or pass --ui-port");
                return 2;
            }
            TournamentSimulation.Settings s = new TournamentSimulation.Settings();
            s.generations = generations;
            s.voters = voters;
            s.badShare = badShare;
            s.start = start;
            s.league = league;
            s.voteBudget = voteBudget;
            s.intervalWidth = intervalWidth;
            s.votesPerBattle = votesPerBattle;
            s.songs = songs;
            s.benchSongs = benchSongs;
            s.bars = bars;
            s.parallelBattles = parallel;
            s.seed = seed;
            PrintStream human = json ? System.err : System.out;
            human.println("AI Mixer tournament simulation: starting an in-process Kafka, the mix job and the "
                    + "tournament job...");
            try (EmbeddedStack stack =
                    EmbeddedStack.start(common.config(Map.of("rest.port", String.valueOf(uiPort))), null, 0)) {
                human.println("  Flink web UI (mix job): " + stack.uiUrl());
                Optional<ModelDescriptor> founder =
                        EmbeddedStack.admin(stack.config()).view().model(start);
                if (founder.isEmpty() || founder.get().getPrecision() != ModelPrecision.FP32) {
                    System.err.println("aimix tournament simulate: error: "
                            + (founder.isEmpty()
                                    ? "no model '" + start + "' in the registry"
                                    : "'" + start + "' is " + founder.get().getPrecision()
                                            + ": only full-precision (FP32) versions breed"));
                    return 2;
                }
                TournamentSimulation.Summary summary = new TournamentSimulation(stack, s)
                        .run(
                                g -> human.printf(
                                        Locale.ROOT,
                                        "generation %2d: champion %-18s benchmark mix distance %.3f  votes %4d (%d battles, "
                                                + "%s)  abuse precision %.2f recall %.2f%s%s%n",
                                        g.generation(),
                                        g.champion(),
                                        g.benchmarkDistance(),
                                        g.votesUsed(),
                                        g.battles(),
                                        g.trigger(),
                                        g.screening().precision(),
                                        g.screening().recall(),
                                        g.promotions().isEmpty()
                                                ? ""
                                                : "  promoted " + String.join(", ", g.promotions()),
                                        g.refusals().isEmpty()
                                                ? ""
                                                : "  refused by the quality gate " + String.join(", ", g.refusals())),
                                human::println);
                TournamentSimulation.Generation last =
                        summary.generations().get(summary.generations().size() - 1);
                human.printf(
                        Locale.ROOT,
                        "start: %s at %.3f; end: %s at %.3f (lower is better; the plain sum: %.3f)%n",
                        summary.start(),
                        summary.startDistance(),
                        last.champion(),
                        last.benchmarkDistance(),
                        summary.plainSumDistance());
                human.printf(
                        Locale.ROOT,
                        "votes: %d sent, %d counted by the job (%s); %d attention-check votes; "
                                + "%d battles (%d failed)%n",
                        summary.votesSent(),
                        summary.votesCounted(),
                        summary.votesSent() == summary.votesCounted() ? "exact" : "MISMATCH",
                        summary.checkVotesSent(),
                        summary.battles(),
                        summary.failedBattles());
                VoterPanel.Screening screen = summary.screening();
                human.printf(
                        Locale.ROOT,
                        "abuse screen: %d of %d bad actors flagged (recall %.2f), %d of %d honest "
                                + "voters flagged; precision %.2f%n",
                        screen.flaggedBad(),
                        screen.bad(),
                        screen.recall(),
                        screen.flaggedHonest(),
                        screen.honest(),
                        screen.precision());
                human.printf(Locale.ROOT, "%.0f s%n", summary.seconds());
                if (json) {
                    System.out.println(new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(summary));
                }
                return summary.votesSent() == summary.votesCounted() ? 0 : 1;
            } catch (IllegalArgumentException e) {
                System.err.println("aimix tournament simulate: error: " + e.getMessage());
                return 2;
            }
        }
    }

    /** {@code ./aimix tournament taste}: does learning a listener's taste make mixes they prefer? */
    @Command(
            name = "taste",
            mixinStandardHelpOptions = true,
            description = "Learn simulated listeners' tastes (vocals, drums or bass 3 dB louder or softer, or none) "
                    + "from their votes on taste probes (the champion's mix against versions with role levels moved), "
                    + "then let each judge, blind, the champion's mix 'mixed for them' against the champion's own on "
                    + "songs they never voted on. Prints per taste and number of votes the share the personalised mix "
                    + "wins and the learnt profile's error.")
    public static final class Taste implements Callable<Integer> {
        @Option(
                names = "--listeners-per-taste",
                defaultValue = "6",
                description = "Listeners per taste (7 tastes). Default ${DEFAULT-VALUE}.")
        int listenersPerTaste;

        @Option(
                names = "--votes",
                split = ",",
                defaultValue = "5,10,20,30,50",
                description = "Numbers of votes to learn from (the curve). Default ${DEFAULT-VALUE}.")
        List<Integer> votes;

        @Option(
                names = "--train-songs",
                defaultValue = "8",
                description = "Songs the probes are made of. Default ${DEFAULT-VALUE}.")
        int trainSongs;

        @Option(
                names = "--test-songs",
                defaultValue = "6",
                description = "Other songs the personalised mixes are judged on. Default ${DEFAULT-VALUE}.")
        int testSongs;

        @Option(names = "--seed", defaultValue = "1", description = "Seed. Default ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--json", description = "Also print the points as JSON.")
        boolean json;

        @Option(names = "--profiles", description = "Print every listener's learnt profile at each number of votes.")
        boolean profiles;

        @Override
        public Integer call() throws Exception {
            if (listenersPerTaste < 1
                    || trainSongs < 1
                    || testSongs < 1
                    || votes.isEmpty()
                    || votes.stream().anyMatch(v -> v < 1)) {
                System.err.println("aimix tournament taste: error: listeners, songs and votes must be positive");
                return 2;
            }
            TasteExperiment.Settings s = new TasteExperiment.Settings();
            s.listenersPerTaste = listenersPerTaste;
            s.votes = votes;
            s.trainSongs = trainSongs;
            s.testSongs = testSongs;
            s.seed = seed;
            s.printProfiles = profiles;
            long t0 = System.nanoTime();
            List<TasteExperiment.Point> points = new TasteExperiment(s).run(System.out::println);
            System.out.printf(Locale.ROOT, "%.0f s%n", (System.nanoTime() - t0) / 1e9);
            if (json) {
                System.out.println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(points));
            }
            return 0;
        }
    }
}
