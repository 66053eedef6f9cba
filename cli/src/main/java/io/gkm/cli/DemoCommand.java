package io.gkm.cli;

import io.gkm.cli.demo.Demo;
import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.dispatcher.DispatcherSettings;
import io.gkm.localregistry.LocalRegistryException;
import io.gkm.nodeconsumer.NodeConsumerSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Runs the whole pipeline once with sample caches and prints what each stage did.",
        description = {"Shows the pipeline end to end with nothing but Debian's docker-registry",
                "(apt-get install -y docker-registry): an embedded Kafka with every topic (on a",
                "free port), a local OCI registry, MCV-format kernel caches for hip/gfx90a/64",
                "built on the spot and signed in cosign v2 and v3 format by a throw-away",
                "sandbox Sigstore, Kyverno policies shaped like GKM's trusting it, and every",
                "stage: ingest's HTTPS webhook, the verifier, the dispatcher, the audit ledger,",
                "and a node-consumer on each of two simulated ROCm nodes (sysfs written under",
                "the demo's folder: an MI210, gfx90a, which the caches fit; an RX 7900,",
                "gfx1100, which they do not). It then plays the API server: GKM's example",
                "resources (a cosign-v2 and a cosign-v3 GKMCache, a ClusterGKMCache, and one",
                "signed by an untrusted identity) go through the mutating and validating",
                "webhooks, and what is admitted is stored and published as the watches would.",
                "Prints each admission decision, each verdict, each install result and what",
                "each node holds on disk, each resource's trace from the audit ledger and the",
                "ledger's check, and how long each phase took. Not run: the dispatcher's status",
                "projection (it needs a Kubernetes API). Data goes to <GKM_DEV_DATA_DIR>/demo,",
                "emptied first; the environment's other GKM_* settings do not apply; gkm's",
                "log lines only from warn up unless --log-level says otherwise. Exits 0",
                "when all went as expected, 1 when not (saying what), 2 on bad usage; with",
                "--keep-running it stays up afterwards until Ctrl-C."})
final class DemoCommand extends ConfiguredCommand implements Callable<Integer> {
    static final List<Setting<?>> SETTINGS = List.of(Settings.DEV_DATA_DIR, Settings.CLUSTER, Settings.LOG_LEVEL);
    /** What the demo's stages read; the demo sets them itself. */
    private static final List<Setting<?>> STAGE_SETTINGS = Stream.of(IngestCommand.SETTINGS,
            NodeConsumerSettings.all(), DispatcherSettings.all())
            .flatMap(List::stream).toList();

    @Option(names = "--keep-running",
            description = "After the demo, keep Kafka, the registry, the webhook and the stages up until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s",
            converter = WebhookBenchCommand.DurationConverter.class,
            description = "Longest wait for the stages' results (default: ${DEFAULT-VALUE}).")
    Duration waitFor;

    @Override
    List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public Integer call() throws Exception {
        GkmConfig config = config();
        // The demo's report is read by people new to it: the stages' own info lines and the new broker's
        // "metadata log appears to be empty" warning would only interleave with it. Set before the stages'
        // and the broker's classes make their loggers; --log-level / GKM_LOG_LEVEL still win.
        if (givenText(Settings.LOG_LEVEL) == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.gkm", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.controller.QuorumController", "error");
        Demo.Options options = new Demo.Options(config.get(Settings.DEV_DATA_DIR), config.get(Settings.CLUSTER),
                waitFor);
        try (StopSignal stop = StopSignal.install("demo")) {
            Demo.Result result = new Demo(options, STAGE_SETTINGS, spec.commandLine().getOut())
                    .run(keepRunning ? Optional.of(stop::await) : Optional.empty());
            return result.asExpected() ? 0 : 1;
        } catch (LocalRegistryException e) {
            if (e.binaryMissing()) {
                throw new ConfigException(List.of("gkm demo needs Debian's docker-registry for its local OCI registry: "
                        + e.getMessage()));
            }
            throw e;
        }
    }
}
