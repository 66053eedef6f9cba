package io.gkm.cli.demo;

import io.gkm.cli.demo.DemoResources.DemoResource;
import io.gkm.cli.demo.SimulatedApiServer.Admission;
import io.gkm.cli.dev.DevTls;
import io.gkm.cli.dev.EmbeddedKafka;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageLoop;
import io.gkm.ingest.Ingest;
import io.gkm.ingest.IngestSettings;
import io.gkm.localregistry.LocalRegistry;
import io.gkm.localregistry.LocalRegistryException;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoadException;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.stage.VerifierStage;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code gkm demo}: the pipeline end to end on this machine, with nothing but Debian's
 * docker-registry. A fresh embedded Kafka with every topic; a local OCI registry; MCV-format
 * kernel caches built on the spot and signed in cosign v2 and v3 format by a throw-away sandbox
 * Sigstore, whose trusted root and GKM-shaped policies are what the stages trust; ingest's real
 * HTTPS webhook and the verifier stage; then GKM's example resources created as the API server
 * would (see {@link SimulatedApiServer}), each admission decision and each verdict printed as it
 * appears. Every phase is timed.
 */
public final class Demo {
    /** Stages of DESIGN.md the demo does not run yet, because they are not built yet. */
    public static final List<String> NOT_RUN = List.of("dispatcher", "node-consumer", "audit");
    static final String INSTANCE = "demo";

    /**
     * @param dataDir GKM_DEV_DATA_DIR; the demo works in its {@code demo} folder
     * @param waitFor longest wait for the stages' results
     */
    public record Options(Path dataDir, String cluster, Duration waitFor) {
    }

    /** Waits until the user stops the demo (after it ran), when asked to keep running. */
    @FunctionalInterface
    public interface KeepRunning {
        void untilStopped() throws InterruptedException;
    }

    /**
     * What the demo saw.
     *
     * @param problems every way the run differed from what the demo expects; empty when it went as it should
     */
    public record Result(List<Admission> admissions, List<VerificationResult> verifications, List<String> problems) {
        public boolean asExpected() {
            return problems.isEmpty();
        }
    }

    private final Options options;
    private final List<Setting<?>> stageSettings;
    private final PrintWriter out;
    private final Phases phases = new Phases();

    /**
     * @param stageSettings the settings the stages read (ingest's, the verifier's); the demo
     *     gives them its own values, so nothing in the environment changes what it shows
     */
    public Demo(Options options, List<Setting<?>> stageSettings, PrintWriter out) {
        this.options = options;
        this.stageSettings = List.copyOf(stageSettings);
        this.out = out;
    }

    /**
     * Runs the demo; then, if {@code keepRunning} is given, keeps everything up until it returns.
     *
     * @throws LocalRegistryException when docker-registry is missing ({@link LocalRegistryException#binaryMissing()})
     *     or does not start
     */
    public Result run(Optional<KeepRunning> keepRunning) throws Exception {
        DemoLayout layout = DemoLayout.fresh(options.dataDir());
        say("gkm demo: the GKM trust pipeline end to end on this machine; data in %s (emptied first)", layout.root());
        try (LocalRegistry registry = LocalRegistry.start()) {
            phase("registry", "Debian's docker-registry on %s (storage %s)", registry.hostPort(), registry.storageDir());
            try (EmbeddedKafka kafka = EmbeddedKafka.start(layout.kafka(), freePort(), Duration.ofSeconds(60))) {
                Topics topics = new Topics();
                KafkaClientFactory clients = new KafkaClientFactory(kafka.bootstrapServers(), Map.of());
                try (Admin admin = clients.admin("gkm-demo")) {
                    new TopicAdmin(admin).create(topics.pipelineTopics());
                }
                phase("kafka", "embedded KRaft broker %s, %d pipeline topics (%s)", kafka.bootstrapServers(),
                        topics.pipelineTopics().size(), topics.prefix() + "*");
                return withKafka(layout, registry, kafka, topics, clients, keepRunning);
            }
        }
    }

    private Result withKafka(DemoLayout layout, LocalRegistry registry, EmbeddedKafka kafka, Topics topics,
            KafkaClientFactory clients, Optional<KeepRunning> keepRunning) throws Exception {
        SandboxSigstore sigstore = SandboxSigstore.create();
        sigstore.writeTrustedRoot(layout.trustedRoot());
        Files.writeString(layout.dockerConfig(), "{\"auths\":{}}");
        List<Path> policyFiles = DemoPolicies.write(layout.policies());
        DevTls.Pair tls = DevTls.inDirectory(layout.tls(), Clock.systemUTC());
        GkmConfig config = stageConfig(layout, kafka, tls);
        SampleImages images = SampleImages.pushAndSign(registry.hostPort(),
                RegistryClient.builder().configure(config).build(), sigstore);
        phase("sample", "throw-away sandbox Sigstore (Fulcio CA, CT log, Rekor), trusted root %s", layout.trustedRoot());
        for (SampleImages.Sample sample : images.all()) {
            say("           pushed %s", sample.describe());
        }
        say("           %d Kyverno policies shaped like GKM's in %s: %s", policyFiles.size(), layout.policies(),
                policyFiles.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")));

        List<ClusterPolicy> policies = IngestSettings.loadPolicies(config);
        PrometheusMeterRegistry metrics = MetricsServer.newRegistry();
        Ingest.Wiring wiring = new Ingest.Wiring(config, IngestSettings.kyvernoVerification(config, Map.of()),
                new Ingest.TlsFiles(tls.cert(), tls.key()), clients, topics, metrics);
        String cluster = config.get(Settings.CLUSTER);
        try (Ingest ingest = Ingest.start(wiring, Optional.empty());
             StageLoop verifier = VerifierStage.loop(config, clients, topics, VerifierStage.verifier(config, policies),
                     metrics);
             SimulatedApiServer api = SimulatedApiServer.start(tls.certificate(), ingest.webhookPort(), cluster, clients,
                     topics, new Emitter("ingest", cluster, INSTANCE, topics, EventCodec.INSTANCE, Clock.systemUTC()),
                     config.get(Settings.STAGE_TRANSACTION_TIMEOUT), config.get(Settings.STAGE_RETRY_BACKOFF));
             TopicTail<VerificationResult> verifications = new TopicTail<>(clients, topics.verifications(),
                     VerificationResult.class)) {
            verifier.start();
            phase("stages", "ingest: webhook https://localhost:%d (certificate %s), every kind verified inline "
                    + "(GKM_INLINE_VERIFY=all: no Kyverno here); verifier stage %s -> %s", ingest.webhookPort(),
                    tls.cert(), topics.resources(), topics.verifications());
            say("           not run: %s (not built yet)", String.join(", ", NOT_RUN));

            List<String> problems = new ArrayList<>();
            List<Admission> admissions = admit(api, DemoResources.of(images), problems);
            phase("admission", "%d of %d resources admitted", admissions.stream().filter(Admission::allowed).count(),
                    admissions.size());

            List<VerificationResult> results = verify(verifications, admissions, cluster, problems);
            phase("verification", "%d verdicts on %s", results.size(), topics.verifications());
            if (verifier.failure().isPresent()) {
                problems.add("the verifier stage stopped: " + verifier.failure().get().getMessage());
            }
            api.failure().ifPresent(f -> problems.add(f.getMessage()));

            say("");
            say("timings: %s", phases.summary());
            say("not run yet: %s; the demo ends at the verifier's verdicts", String.join(", ", NOT_RUN));
            if (problems.isEmpty()) {
                say("result: as expected: %d resources verified, 1 refused at admission",
                        results.stream().filter(r -> r.getVerdict() == Verdict.VERIFIED).count());
            } else {
                say("result: NOT as expected:");
                problems.forEach(p -> say("  - %s", p));
            }
            if (keepRunning.isPresent()) {
                say("still running: webhook https://localhost:%d (curl --cacert %s), Kafka %s, registry %s; "
                        + "Ctrl-C stops", ingest.webhookPort(), tls.cert(), kafka.bootstrapServers(), registry.hostPort());
                keepRunning.get().untilStopped();
            }
            return new Result(admissions, results, problems);
        }
    }

    /** Creates each resource through the webhooks, printing the decision, checking it against the expectation. */
    private List<Admission> admit(SimulatedApiServer api, List<DemoResource> resources, List<String> problems)
            throws Exception {
        say("admission: the API server's part, mutate then validate over HTTPS, for GKM's example resources");
        List<Admission> admissions = new ArrayList<>();
        for (DemoResource resource : resources) {
            Admission admission = api.create(resource);
            admissions.add(admission);
            say("  %-8s %s (%s)", admission.allowed() ? "ALLOWED" : "DENIED", resource.title(), resource.expectation());
            if (admission.allowed()) {
                say("           stored as uid %s, spec.image %s", admission.uid(),
                        admission.stored().path("spec").path("image").asString());
            }
            say("           webhook: %s", brief(admission));
            if (admission.allowed() != resource.admitted()) {
                problems.add(resource.title() + " was " + (admission.allowed() ? "admitted" : "refused")
                        + ", expected " + (resource.admitted() ? "admitted" : "refused") + ": " + admission.message());
            }
        }
        return admissions;
    }

    /** A refusal's whole reason; of an allowance, the verdict and policy, not every check behind them. */
    private static String brief(Admission admission) {
        int details = admission.message().indexOf(": attestors:");
        return admission.allowed() && details > 0 ? admission.message().substring(0, details) : admission.message();
    }

    /** Follows gkm.verifications until each stored resource has a verdict, printing each as it appears. */
    private List<VerificationResult> verify(TopicTail<VerificationResult> tail, List<Admission> admissions,
            String cluster, List<String> problems) {
        say("verification: the verifier stage re-checks every stored resource (digest, signature, identity)");
        Set<String> expected = admissions.stream().filter(Admission::allowed)
                .map(a -> a.resource().key(cluster).toString()).collect(Collectors.toSet());
        boolean complete = tail.follow(this::print, seen -> seen.stream().map(VerificationResult::getResourceKey)
                .collect(Collectors.toSet()).containsAll(expected), options.waitFor());
        List<VerificationResult> results = tail.seen();
        if (!complete) {
            problems.add("no verdict within " + options.waitFor().toSeconds() + " s for "
                    + expected.stream().filter(k -> results.stream().noneMatch(r -> r.getResourceKey().equals(k)))
                    .sorted().collect(Collectors.joining(", ")));
        }
        results.stream().filter(r -> r.getVerdict() != Verdict.VERIFIED).forEach(r -> problems.add(
                r.getResourceKey() + " was " + r.getVerdict() + ": " + String.join("; ", r.getReasons())));
        return results;
    }

    private void print(VerificationResult r) {
        say("  %-8s %s", r.getVerdict(), r.getResourceKey());
        say("           %s (%s), policy %s/%s", r.getImageDigest(), r.getSignatureFormat(), r.getPolicyName(),
                r.getRuleName());
        if (r.getVerdict() == Verdict.VERIFIED) {
            say("           signed by %s (issuer %s), Rekor index %s; cache: %s kernels, %s B, targets %s; took %s",
                    r.getSignerSubject(), r.getSignerIssuer(), r.getTlogIndex(), r.getCacheEntryCount(),
                    r.getCacheSizeBytes(), r.getCacheTargets().stream().map(Demo::target).collect(Collectors.joining(", ")),
                    r.getTimings().entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " ms")
                            .collect(Collectors.joining(", ")));
        } else {
            r.getReasons().forEach(reason -> say("           reason: %s", reason));
        }
    }

    private static String target(CacheTarget t) {
        return t.getBackend() + "/" + t.getArch() + "/" + t.getWarpSize();
    }

    /** The stages' configuration: the demo's own values, whatever the environment says. */
    private GkmConfig stageConfig(DemoLayout layout, EmbeddedKafka kafka, DevTls.Pair tls) {
        Map<String, String> env = new HashMap<>();
        env.put(Settings.CLUSTER.envVar(), options.cluster());
        env.put(Settings.INSTANCE.envVar(), INSTANCE);
        env.put(Settings.KAFKA_BOOTSTRAP_SERVERS.envVar(), kafka.bootstrapServers());
        env.put(Settings.STAGE_POLL_TIMEOUT.envVar(), "100ms");
        env.put(Settings.METRICS_PORT.envVar(), "0");
        env.put(IngestSettings.WEBHOOK_HOST.envVar(), "127.0.0.1");
        env.put(IngestSettings.WEBHOOK_PORT.envVar(), "0");
        env.put(IngestSettings.WEBHOOK_TLS_CERT.envVar(), tls.cert().toString());
        env.put(IngestSettings.WEBHOOK_TLS_KEY.envVar(), tls.key().toString());
        env.put(IngestSettings.KYVERNO_VERIFICATION_ENABLED.envVar(), "true");
        env.put(IngestSettings.INLINE_VERIFY.envVar(), "all");
        env.put(IngestSettings.POLICIES.envVar(), layout.policies().toString());
        env.put(IngestSettings.LEADER_ELECTION.envVar(), "false");
        env.put(VerifierSettings.TRUSTED_ROOT.envVar(), layout.trustedRoot().toString());
        env.put(RegistrySettings.REGISTRY_AUTH_FILE.envVar(), layout.dockerConfig().toString());
        return GkmConfig.load(stageSettings, env, Map.of(), Map.of(), KafkaClientFactory.clientPropertyNames());
    }

    private void phase(String name, String format, Object... args) {
        double seconds = phases.end(name);
        say("%-10s %s (%.1f s)", name, String.format(format, args), seconds);
    }

    private void say(String format, Object... args) {
        out.println(String.format(format, args));
        out.flush();
    }

    /** A free loopback port for the broker, so the demo runs beside a gkm dev on 9092. */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the demo's broker: " + e.getMessage(), e);
        }
    }
}
