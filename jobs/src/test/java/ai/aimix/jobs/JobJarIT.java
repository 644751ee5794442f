package ai.aimix.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shaded job jar that {@code mvn package} builds, as a Flink cluster would take it: it holds the three jobs
 * with a {@code main}, the Kafka connector and clients and the project's operators, and not one class that the
 * cluster brings (Flink's runtime and streaming API, and every other class of the Flink artifacts this module
 * declares {@code provided}), so nothing in it can shadow the cluster's copy.
 */
class JobJarIT {
    private static Path jobJar;
    private static List<Path> flinkClassPath;
    private static Set<String> jobClasses;

    @BeforeAll
    static void open() throws IOException {
        jobJar = Path.of(System.getProperty("aimix.job-jar"));
        assertTrue(Files.isRegularFile(jobJar), "mvn package builds " + jobJar);
        flinkClassPath = new ArrayList<>();
        String cp = Files.readString(Path.of(System.getProperty("aimix.provided-classpath")))
                .trim();
        for (String p : cp.split(File.pathSeparator)) {
            flinkClassPath.add(Path.of(p));
        }
        jobClasses = classesIn(jobJar);
    }

    private static Set<String> classesIn(Path jar) throws IOException {
        Set<String> out = new TreeSet<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = f.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ai.aimix.jobs.mix.MixJob",
                "ai.aimix.jobs.tournament.TournamentJob",
                "ai.aimix.jobs.training.TrainingJob"
            })
    void eachJobHasAMainThatLinksAgainstTheJarAndFlink(String job) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(jobJar.toUri().toURL());
        for (Path p : flinkClassPath) {
            urls.add(p.toUri().toURL());
        }
        // the platform loader as parent: nothing of this test's own class path (the modules' classes) leaks in
        try (URLClassLoader cluster =
                new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            Class<?> c = Class.forName(job, false, cluster);
            assertEquals(cluster, c.getClassLoader());
            Method main = c.getMethod("main", String[].class);
            assertTrue(Modifier.isStatic(main.getModifiers()), job + ".main is static");
            // resolves every type the job's methods name: a class missing from the jar fails here
            c.getDeclaredMethods();
        }
    }

    @Test
    void runsTheMixJobWhenNoClassIsNamed() throws IOException {
        try (JarFile f = new JarFile(jobJar.toFile())) {
            assertEquals(
                    "ai.aimix.jobs.mix.MixJob",
                    f.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    @Test
    void holdsTheKafkaConnectorClientsAndTheOperators() {
        for (String needed : List.of(
                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                "org/apache/kafka/clients/producer/KafkaProducer.class",
                "org/apache/flink/formats/avro/typeutils/AvroTypeInfo.class",
                "ai/aimix/operators/align/SegmentAligner.class",
                "ai/aimix/operators/inference/BatchInferenceOperator.class",
                "ai/aimix/operators/tournament/LeagueRatingsOperator.class",
                "ai/aimix/dsp/mix/MixRenderer.class",
                "ai/aimix/schema/MixRequest.class")) {
            assertTrue(jobClasses.contains(needed), "the job jar lacks " + needed);
        }
    }

    @Test
    void holdsNoFlinkRuntimeOrStreamingClasses() {
        List<String> found = new ArrayList<>();
        for (String c : jobClasses) {
            if (c.startsWith("org/apache/flink/runtime/")
                    || c.startsWith("org/apache/flink/streaming/api/")
                    || c.startsWith("org/apache/flink/streaming/runtime/")
                    || c.startsWith("org/apache/flink/api/")
                    || c.startsWith("org/apache/flink/configuration/")
                    || c.startsWith("org/apache/flink/core/")
                    || c.startsWith("org/apache/flink/shaded/")
                    || c.startsWith("org/apache/flink/connector/base/")
                    || c.startsWith("org/slf4j/")
                    || c.startsWith("ai/onnxruntime/") // native: in the cluster's lib/, loaded once per JVM
                    || c.startsWith("org/apache/logging/log4j/")) {
                found.add(c);
            }
        }
        assertTrue(found.isEmpty(), "the cluster's classes in the job jar: " + head(found));
    }

    @Test
    void sharesNoClassWithTheFlinkArtifactsTheClusterProvides() throws IOException {
        List<String> clashes = new ArrayList<>();
        for (Path p : flinkClassPath) {
            if (!p.toString().endsWith(".jar")) {
                continue;
            }
            for (String c : classesIn(p)) {
                if (jobClasses.contains(c)) {
                    clashes.add(c + " (" + p.getFileName() + ")");
                }
            }
        }
        assertTrue(
                clashes.isEmpty(),
                clashes.size() + " classes both in the job jar and on Flink's class path: " + head(clashes));
    }

    private static String head(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(20, names.size())));
    }
}
