package ai.aimix.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/ARCHITECTURE.md, checked on the production classes of every module (the launcher's
 * class path holds them all): the libraries are Flink-free, the DSP library needs nothing but the JDK and its FFT,
 * the layers depend downwards only, nothing depends on the launcher, and no two packages depend on each other.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TEST_FIXTURES)
                .withImportOption(location -> !location.contains("-tests.jar")) // the modules' test jars
                .importPackages("ai.aimix");
        // every module is on the launcher's class path: a rule checked on a part of the tree would pass vacuously
        for (String module : new String[] {
            "schema",
            "dsp",
            "model",
            "corpus",
            "tournament",
            "evolution",
            "cache",
            "operators",
            "clients",
            "gateway",
            "jobs",
            "launcher"
        }) {
            if (production.stream().noneMatch(c -> c.getPackageName().startsWith("ai.aimix." + module))) {
                throw new AssertionError("no production class of ai.aimix." + module + " was imported");
            }
        }
    }

    /** The Flink-free libraries: what the gateway and the command line may use without pulling Flink in. */
    private static final String[] LIBRARIES = {
        "ai.aimix.schema..",
        "ai.aimix.dsp..",
        "ai.aimix.model..",
        "ai.aimix.corpus..",
        "ai.aimix.features..",
        "ai.aimix.learn..",
        "ai.aimix.quality..",
        "ai.aimix.tournament..",
        "ai.aimix.evolution..",
        "ai.aimix.cache..",
        "ai.aimix.clients.."
    };

    private static final ArchRule librariesUseNoFlinkStreamingOrRuntime = noClasses()
            .that()
            .resideInAnyPackage(LIBRARIES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.apache.flink.streaming..",
                    "org.apache.flink.datastream..",
                    "org.apache.flink.runtime..",
                    "org.apache.flink.api..",
                    "org.apache.flink.state..",
                    "org.apache.flink.connector..",
                    "org.apache.flink.configuration..",
                    "org.apache.flink.metrics..")
            .because("the libraries run in the gateway and the command line without a Flink runtime; only the model "
                    + "store reads models through Flink's file systems (org.apache.flink.core.fs)");

    private static final ArchRule onlyTheModelStoreTouchesFlinkAtAll = noClasses()
            .that()
            .resideInAnyPackage(LIBRARIES)
            .and()
            .resideOutsideOfPackage("ai.aimix.model.store..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.apache.flink..");

    private static final ArchRule dspNeedsOnlyTheJdkAndItsFft = classes()
            .that()
            .resideInAPackage("ai.aimix.dsp..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "ai.aimix.dsp..", "org.jtransforms..", "pl.edu.icm..")
            .because("dsp/ is the library the jobs, the gateway and the command line render with");

    private static final ArchRule librariesDoNotReachUp = noClasses()
            .that()
            .resideInAnyPackage(LIBRARIES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("ai.aimix.operators..", "ai.aimix.jobs..", "ai.aimix.launcher..");

    private static final ArchRule operatorsDoNotKnowTheJobs = noClasses()
            .that()
            .resideInAPackage("ai.aimix.operators..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("ai.aimix.jobs..", "ai.aimix.launcher..");

    private static final ArchRule nothingDependsOnTheLauncher = noClasses()
            .that()
            .resideOutsideOfPackage("ai.aimix.launcher..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("ai.aimix.launcher..")
            .because("the launcher is developer tooling on top; the deployable jobs must not need it");

    private static final ArchRule theGatewayIsFlinkFreeAndTalksToTheJobsOnlyThroughKafka = noClasses()
            .that()
            .resideInAPackage("ai.aimix.gateway..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.apache.flink..",
                    "ai.aimix.operators..",
                    "ai.aimix.jobs..",
                    "ai.aimix.model..",
                    "ai.aimix.evolution..",
                    "ai.aimix.launcher..")
            .because("the gateway runs as its own process beside the jobs and reaches them only through the contract");

    private static final ArchRule theTournamentMathematicsNeedNoModelStore = noClasses()
            .that()
            .resideInAPackage("ai.aimix.tournament..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("ai.aimix.model..", "ai.aimix.evolution..", "ai.aimix.corpus..", "ai.aimix.learn..")
            .because("the gateway's arena schedules pairs, checks votes and learns tastes with them, without the model "
                    + "store (ONNX Runtime, Flink's file systems): breeding is in ai.aimix.evolution");

    private static final ArchRule noPackageCycles =
            slices().matching("ai.aimix.(**)").should().beFreeOfCycles();

    @Test
    void theGatewayIsFlinkFreeAndTalksToTheJobsOnlyThroughKafka() {
        theGatewayIsFlinkFreeAndTalksToTheJobsOnlyThroughKafka.check(production);
    }

    @Test
    void theTournamentMathematicsNeedNoModelStore() {
        theTournamentMathematicsNeedNoModelStore.check(production);
    }

    @Test
    void librariesUseNoFlinkStreamingOrRuntime() {
        librariesUseNoFlinkStreamingOrRuntime.check(production);
    }

    @Test
    void onlyTheModelStoreTouchesFlinkAtAll() {
        onlyTheModelStoreTouchesFlinkAtAll.check(production);
    }

    @Test
    void dspNeedsOnlyTheJdkAndItsFft() {
        dspNeedsOnlyTheJdkAndItsFft.check(production);
    }

    @Test
    void librariesDoNotReachUp() {
        librariesDoNotReachUp.check(production);
    }

    @Test
    void operatorsDoNotKnowTheJobs() {
        operatorsDoNotKnowTheJobs.check(production);
    }

    @Test
    void nothingDependsOnTheLauncher() {
        nothingDependsOnTheLauncher.check(production);
    }

    @Test
    void noPackageCycles() {
        noPackageCycles.check(production);
    }
}
