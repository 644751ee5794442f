package ai.aimix.launcher.cli.models;

import ai.aimix.features.FeatureStore;
import ai.aimix.launcher.registry.ModelAdmin;
import ai.aimix.model.format.UnsupportedModelFormatException;
import ai.aimix.model.registry.RegistryException;
import ai.aimix.model.registry.RegistryView;
import ai.aimix.model.store.Descriptors;
import ai.aimix.quality.QualityBenchmark;
import ai.aimix.schema.ChampionAlias;
import ai.aimix.schema.ModelDescriptor;
import ai.aimix.schema.RegistryEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./aimix models ...}: list, inspect, promote, roll back, retire, quantize, export and import models. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Model versions in the registry (models.registry) and the model store: list, show, promote, "
                + "rollback, retire, quantize, export, import. Talks to a running ./aimix serve, or to the Kafka and "
                + "store given with --bootstrap and --store.",
        subcommands = {
            ModelsCommand.ListModels.class,
            ModelsCommand.Show.class,
            ModelsCommand.Promote.class,
            ModelsCommand.Rollback.class,
            ModelsCommand.Retire.class,
            QuantizeCommand.class,
            ModelsCommand.Export.class,
            ModelsCommand.Import.class
        })
public final class ModelsCommand implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_UNREACHABLE = 3;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs an action with the shared error handling: one line, and an exit status by kind of problem. */
    static int run(String name, Action action) {
        try {
            return action.run();
        } catch (ModelsTarget.Unreachable e) {
            return fail(name, EXIT_UNREACHABLE, e.getMessage());
        } catch (AuthorizationException | AuthenticationException e) {
            return fail(name, EXIT_UNREACHABLE, "Kafka refused this client: " + e.getMessage());
        } catch (RegistryException | IllegalArgumentException | UnsupportedModelFormatException e) {
            return fail(name, EXIT_BAD_INPUT, e.getMessage());
        } catch (NoSuchFileException e) {
            return fail(name, EXIT_BAD_INPUT, "no such file: " + e.getMessage());
        } catch (IOException e) {
            boolean kafka = e.getMessage() != null
                    && (e.getMessage().contains("cannot reach Kafka")
                            || e.getMessage().contains("does not exist at"));
            return fail(name, kafka ? EXIT_UNREACHABLE : EXIT_FAILED, e.getMessage());
        } catch (Exception e) {
            return fail(name, EXIT_FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The registry, with a warning line on stderr per record of the topic that had to be skipped. */
    static RegistryView view(String name, ModelAdmin admin) throws IOException {
        RegistryView view = admin.view();
        for (String skipped : view.skipped()) {
            System.err.println("aimix models " + name + ": warning: skipped a models.registry record that cannot be "
                    + "applied (" + skipped.replace('\n', ' ') + ")");
        }
        return view;
    }

    static int fail(String name, int code, String message) {
        System.err.println(
                "aimix models " + name + ": error: " + String.valueOf(message).replace('\n', ' '));
        return code;
    }

    @FunctionalInterface
    interface Action {
        int run() throws Exception;
    }

    /** The descriptor as plain JSON (Avro's union wrappers such as {"long": 7} removed) plus its leagues. */
    static ObjectNode toJson(ModelDescriptor d, RegistryView view) throws IOException {
        ObjectNode n = (ObjectNode) unwrapUnions(JSON.readTree(Descriptors.toJson(d)));
        ArrayNode leagues = n.putArray("championOf");
        view.leaguesChampionedBy(d.getModelId()).forEach(leagues::add);
        return n;
    }

    private static final Set<String> AVRO_TYPES =
            Set.of("string", "long", "int", "double", "float", "boolean", "bytes");

    private static JsonNode unwrapUnions(JsonNode n) {
        if (n.isObject()) {
            if (n.size() == 1 && AVRO_TYPES.contains(n.fieldNames().next())) {
                return n.elements().next();
            }
            ObjectNode o = (ObjectNode) n;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String f : names) {
                o.set(f, unwrapUnions(o.get(f)));
            }
        } else if (n.isArray()) {
            ArrayNode a = (ArrayNode) n;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, unwrapUnions(a.get(i)));
            }
        }
        return n;
    }

    /** Which league a champion change is for, and why. */
    static final class LeagueChange {
        @Option(
                names = "--league",
                defaultValue = RegistryView.DEFAULT_LEAGUE,
                description = "The league. Default ${DEFAULT-VALUE}.")
        String league;

        @Option(names = "--reason", description = "Why (recorded with the champion).")
        String reason;
    }

    static void printChanges(List<RegistryEntry> changes) {
        for (RegistryEntry e : changes) {
            Object p = e.getPayload();
            if (p instanceof ChampionAlias) {
                ChampionAlias a = (ChampionAlias) p;
                System.out.println("league " + a.getLeague() + ": champion " + a.getModelId()
                        + (a.getPrevious().isEmpty() ? "" : " (before: " + String.join(", ", a.getPrevious()) + ")"));
            } else if (p instanceof ModelDescriptor) {
                ModelDescriptor d = (ModelDescriptor) p;
                System.out.println("model " + d.getModelId() + ": " + d.getStatus());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every registered model, newest last.")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        ModelsTarget target;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            return run("list", () -> {
                RegistryView view = view("list", target.admin());
                List<ModelDescriptor> models = new ArrayList<>(view.models());
                models.sort(Comparator.comparingLong(ModelDescriptor::getCreatedAtMillis)
                        .thenComparing(ModelDescriptor::getModelId));
                if (json) {
                    ObjectNode root = JSON.createObjectNode();
                    ArrayNode arr = root.putArray("models");
                    for (ModelDescriptor d : models) {
                        arr.add(toJson(d, view));
                    }
                    ObjectNode champions = root.putObject("champions");
                    for (ChampionAlias a : view.champions()) {
                        champions.put(a.getLeague(), a.getModelId());
                    }
                    System.out.println(JSON.writeValueAsString(root));
                    return 0;
                }
                System.out.printf(
                        "%-28s %-9s %-5s %-6s %10s  %-20s %s%n",
                        "MODEL", "STATUS", "PREC", "FORMAT", "BYTES", "CREATED", "LINEAGE");
                for (ModelDescriptor d : models) {
                    List<String> leagues = view.leaguesChampionedBy(d.getModelId());
                    System.out.printf(
                            "%-28s %-9s %-5s %-6d %10d  %-20s %s%s%n",
                            d.getModelId(),
                            d.getStatus(),
                            d.getPrecision(),
                            d.getFormatVersion(),
                            d.getSizeBytes(),
                            Instant.ofEpochMilli(d.getCreatedAtMillis())
                                    .toString()
                                    .substring(0, 19),
                            d.getLineage().getOperation()
                                    + (d.getLineage().getParents().isEmpty()
                                            ? ""
                                            : " of "
                                                    + String.join(
                                                            "+", d.getLineage().getParents())),
                            leagues.isEmpty() ? "" : "  [champion: " + String.join(", ", leagues) + "]");
                }
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One model's descriptor (JSON).")
    static final class Show implements Callable<Integer> {
        @Mixin
        ModelsTarget target;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return run("show", () -> {
                RegistryView view = view("show", target.admin());
                ModelDescriptor d = view.model(id).orElseThrow(() -> new RegistryException("no model '" + id + "'"));
                System.out.println(JSON.writeValueAsString(toJson(d, view)));
                return 0;
            });
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Make a model the champion of a league; the mix job serves it from its next batch.")
    static final class Promote implements Callable<Integer> {
        @Mixin
        ModelsTarget target;

        @Parameters(paramLabel = "ID")
        String id;

        @Mixin
        LeagueChange change;

        @Option(
                names = "--features",
                description = "The corpus feature store whose test split the quality gate "
                        + "runs on; required to promote any fp32 model other than the shipped ones (trained, imported, "
                        + "bred). Quantized models pass the quantization bounds instead.")
        Path features;

        @Override
        public Integer call() {
            return run("promote", () -> {
                ModelAdmin.Promotion p = target.admin()
                        .promote(
                                id,
                                change.league,
                                change.reason,
                                features == null
                                        ? null
                                        : QualityBenchmark.forCorpus(new FeatureStore(features).readIndex()));
                p.verdict().ifPresent(v -> System.out.println("quality gate passed: " + v.describe()));
                printChanges(p.changes());
                return 0;
            });
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Make a league's previous champion current again; the rolled-back model is retired.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        ModelsTarget target;

        @Mixin
        LeagueChange change;

        @Override
        public Integer call() {
            return run("rollback", () -> {
                printChanges(target.admin().rollback(change.league, change.reason));
                return 0;
            });
        }
    }

    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = "Retire a model that is no league's champion: requests naming it are refused.")
    static final class Retire implements Callable<Integer> {
        @Mixin
        ModelsTarget target;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return run("retire", () -> {
                printChanges(target.admin().retire(id));
                return 0;
            });
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Write a model and its descriptor to FILE (a zip bundle that 'models import' reads).")
    static final class Export implements Callable<Integer> {
        @Mixin
        ModelsTarget target;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            return run("export", () -> {
                ModelDescriptor d = target.admin().export(id, file);
                System.out.println("exported " + d.getModelId() + " (" + d.getSizeBytes() + " bytes, sha256 "
                        + d.getSha256().substring(0, 12) + "...) to " + file);
                return 0;
            });
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Register a model from a bundle written by 'models export', or from a bare .onnx file, as "
                    + "a candidate.")
    static final class Import implements Callable<Integer> {
        @Mixin
        ModelsTarget target;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--id", description = "The new model's id (default: the bundle's, or the file name).")
        String id;

        @Override
        public Integer call() {
            return run("import", () -> {
                ModelAdmin admin = target.admin();
                if (admin.store() == null) {
                    throw new IllegalArgumentException("no model store: pass --store (or run ./aimix serve)");
                }
                ModelDescriptor d = admin.importBundle(file, id);
                System.out.println("imported " + d.getModelId() + " as a candidate (" + d.getPrecision() + ", format "
                        + d.getFormatVersion() + ", " + d.getSizeBytes() + " bytes) at " + d.getUri());
                return 0;
            });
        }
    }
}
