package io.gkm.cli;

import io.gkm.cli.bench.VerifyBench;
import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.localregistry.LocalRegistry;
import io.gkm.localregistry.LocalRegistryException;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.trust.TrustRoot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measures registry requests, latency and verdicts/s of v2 and v3 verification.",
        description = {"Verifies a sample MCV image signed keyless by a throw-away sandbox Sigstore, in cosign v2 and v3",
                "format, with GKM-shaped Kyverno policies, against Debian's docker-registry started on loopback (or",
                "--registry). Prints per format: registry requests of a cold verification (a new client each) split into",
                "the image manifest and what comes beyond it, with cosign's own minimum beside it; cold latency p50/p99",
                "against one registry round trip measured in the same run; the same with one client kept; and verdicts/s",
                "decided over evidence already fetched. Target: <= " + VerifyBench.TARGET_BEYOND_MANIFEST
                        + " registry requests beyond the image manifest per format."})
final class VerifyBenchCommand extends ConfiguredCommand implements Callable<Integer> {
    @Option(names = "--runs", paramLabel = "N", defaultValue = "50",
            description = "Measured verifications of each kind per format (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "10",
            description = "Unmeasured verifications before each kind (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "5s",
            converter = WebhookBenchCommand.DurationConverter.class,
            description = "Time spent deciding over fetched evidence per format (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--registry", paramLabel = "HOST:PORT",
            description = "Push the samples to this registry (repositories gkm-bench/*) instead of starting "
                    + "/usr/bin/docker-registry on loopback; plain HTTP only for loopback or --insecure-registries.")
    String registry;

    @Override
    List<Setting<?>> settings() {
        return RegistrySettings.all();
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0 || duration.isZero() || duration.isNegative()) {
            throw new ConfigException(List.of("--runs must be at least 1, --warmup not negative, --duration positive; "
                    + "got " + runs + ", " + warmup + ", " + duration));
        }
        GkmConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        try (LocalRegistry local = registry == null ? startRegistry() : null) {
            String host = local == null ? registry : local.hostPort();
            out.printf("gkm bench verify: %d cores, registry %s (%s), sandbox Sigstore, keyless signatures%n",
                    Runtime.getRuntime().availableProcessors(), host,
                    local == null ? "given" : "docker-registry started on loopback");
            out.flush();
            SandboxSigstore sigstore = SandboxSigstore.create();
            Path trustedRoot = Files.createTempFile("gkm-bench-trusted-root-", ".json");
            try {
                TrustRoot root = TrustRoot.fromFile(sigstore.writeTrustedRoot(trustedRoot));
                VerifyBench.Load load = new VerifyBench.Load(runs, warmup, duration);
                VerifyBench.Results results = VerifyBench.run(host,
                        listener -> RegistryClient.builder().configure(config).requestListener(listener).build(),
                        load, root, sigstore, out);
                out.print(VerifyBench.report(results, load));
                out.flush();
            } finally {
                Files.deleteIfExists(trustedRoot);
            }
        }
        return 0;
    }

    private static LocalRegistry startRegistry() {
        try {
            return LocalRegistry.start();
        } catch (LocalRegistryException e) {
            if (e.binaryMissing()) {
                throw new ConfigException(List.of("gkm bench verify needs a registry: give --registry HOST:PORT, or "
                        + e.getMessage()));
            }
            throw e;
        }
    }
}
