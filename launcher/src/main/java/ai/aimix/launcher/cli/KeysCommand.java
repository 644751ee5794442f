package ai.aimix.launcher.cli;

import ai.aimix.clients.cli.ServeInfo;
import ai.aimix.clients.kafka.KafkaConnection;
import ai.aimix.gateway.GatewaySettings;
import ai.aimix.gateway.keys.ApiKey;
import ai.aimix.gateway.keys.KeyLimits;
import ai.aimix.gateway.keys.KeyRing;
import ai.aimix.gateway.keys.KeySeal;
import ai.aimix.gateway.webhooks.UrlGuard;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./aimix keys create|list|revoke}: the gateway's API keys, on its compacted keys topic (every replica sees a
 * change within a moment; a restart keeps them). The secret of a new key is printed once and stored only as a hash.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description =
                "Create, list and revoke API keys of the HTTP API (on the running ./aimix serve's Kafka, or --bootstrap).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The gateway secret that {@code ./aimix serve} keeps in its home (unless {@value KeySeal#ENV} is set). */
    static Path secretFile() {
        return ServeInfo.home().resolve("gateway-secret");
    }

    /** How long reading the keys topic may take. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** Where the keys are: --bootstrap and --topic, or the running serve's Kafka. */
    static final class Where {
        @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the running ./aimix serve).")
        String bootstrap;

        @Option(
                names = "--topic",
                defaultValue = GatewaySettings.DEFAULT_KEYS_TOPIC,
                description = "The keys topic. Default ${DEFAULT-VALUE}.")
        String topic;

        @Option(
                names = "--secret-file",
                description = "The gateway secret's file, when " + KeySeal.ENV + " is not set (default: the one"
                        + " ./aimix serve keeps in its home, ~/.aimix/gateway-secret).")
        Path secretFile;

        KeySeal seal() throws IOException {
            return KeySeal.load(secretFile == null ? KeysCommand.secretFile() : secretFile, false);
        }

        KafkaConnection kafka() {
            if (bootstrap != null) {
                return KafkaConnection.plain(bootstrap);
            }
            ServeInfo serve = ServeInfo.find();
            if (serve == null) {
                throw new IllegalArgumentException(
                        "no running './aimix serve' found (" + ServeInfo.file() + "); start one or pass --bootstrap");
            }
            return KafkaConnection.plain(serve.bootstrap);
        }
    }

    static int fail(String command, Exception e) {
        System.err.println("aimix keys " + command + ": error: " + e.getMessage());
        return 1;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; prints its token once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Where where;

        @Option(names = "--name", required = true, description = "Who or what the key is for.")
        String name;

        @Option(names = "--mixes-per-hour", description = "Mixes it may create in any hour.")
        Integer mixesPerHour;

        @Option(names = "--concurrent-mixes", description = "Mixes it may have running at once.")
        Integer concurrentMixes;

        @Option(names = "--max-upload-bytes", description = "Largest stem upload, bytes.")
        Long maxUploadBytes;

        @Option(names = "--max-stems", description = "Most stems per mix.")
        Integer maxStems;

        @Option(names = "--max-seconds", description = "Longest song, seconds.")
        Integer maxSeconds;

        @Option(names = "--renders-per-hour", description = "Renders of its mixes it may ask for in any hour.")
        Integer rendersPerHour;

        @Option(
                names = "--callback-url",
                description = "Where the key's mixes send their webhooks unless a mix names its own callbackUrl"
                        + " (http or https; the gateway checks its address on every mix and delivery).")
        String callbackUrl;

        @Override
        public Integer call() {
            try {
                KeyLimits d = KeyLimits.defaults();
                KeyLimits limits = new KeyLimits(
                        mixesPerHour == null ? d.mixesPerHour() : mixesPerHour,
                        concurrentMixes == null ? d.concurrentMixes() : concurrentMixes,
                        maxUploadBytes == null ? d.maxUploadBytes() : maxUploadBytes,
                        maxStems == null ? d.maxStems() : maxStems,
                        maxSeconds == null ? d.maxSeconds() : maxSeconds,
                        rendersPerHour == null ? d.rendersPerHour() : rendersPerHour);
                if (callbackUrl != null) {
                    // its form here; its address is checked by the gateway on every mix and delivery
                    try {
                        UrlGuard.checkedUri(callbackUrl);
                    } catch (UrlGuard.Refused e) {
                        throw new IllegalArgumentException("--callback-url: " + e.getMessage());
                    }
                }
                KeySeal seal = where.seal();
                ApiKey.Issued issued = ApiKey.issue(name, limits, System.currentTimeMillis(), callbackUrl, seal);
                KeyRing.publish(where.kafka(), where.topic, issued.key(), seal);
                System.out.println(issued.token());
                System.out.println(issued.key().webhookSecret());
                System.err.println("key " + issued.key().id() + " (" + name + ") created; the token above is shown "
                        + "only now: send it as Authorization: Bearer <token>. The second line is the secret its "
                        + "webhooks are signed with (docs/API.md, Webhooks).");
                return 0;
            } catch (Exception e) {
                return fail("create", e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        Where where;

        @Override
        public Integer call() {
            try {
                List<ApiKey> keys = KeyRing.readAll(where.kafka(), where.topic, where.seal(), READ_TIMEOUT).stream()
                        .sorted(Comparator.comparingLong(ApiKey::createdAtMillis))
                        .toList();
                keys.forEach(k -> System.out.println(k.publicJson()));
                return 0;
            } catch (Exception e) {
                return fail("list", e);
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: refused from then on.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Where where;

        @Parameters(paramLabel = "ID", description = "The key's id (the 16 hex digits after amx_).")
        String id;

        @Override
        public Integer call() {
            try {
                KafkaConnection kafka = where.kafka();
                KeySeal seal = where.seal();
                ApiKey k = KeyRing.readAll(kafka, where.topic, seal, READ_TIMEOUT).stream()
                        .filter(x -> x.id().equals(id))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no key " + id));
                KeyRing.publish(kafka, where.topic, k.revoke(), seal);
                System.err.println("key " + id + " (" + k.name() + ") revoked");
                return 0;
            } catch (Exception e) {
                return fail("revoke", e);
            }
        }
    }
}
