package io.gkm.cli.demo;

import io.gkm.cli.demo.DemoResources.DemoResource;
import io.gkm.cli.demo.SimulatedApiServer.Admission;
import io.gkm.cli.dev.DevTls;
import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.read.LedgerReader;
import io.gkm.audit.stage.AuditLedgerStage;
import io.gkm.cli.dev.EmbeddedKafka;
import io.gkm.core.cache.CacheLayout;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.dispatcher.DispatcherSettings;
import io.gkm.dispatcher.routing.DispatchHandler;
import io.gkm.dispatcher.stage.DispatcherStage;
import io.gkm.ingest.Ingest;
import io.gkm.ingest.IngestSettings;
import io.gkm.localregistry.LocalRegistry;
import io.gkm.localregistry.LocalRegistryException;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.nodeconsumer.NodeConsumerSettings;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.policy.ClusterPolicy;
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
 * Sigstore, whose trusted root and GKM-shaped policies are what the stages trust; every stage
 * (ingest's real HTTPS webhook, the verifier, the dispatcher, a node-consumer on each of two
 * simulated ROCm nodes, the audit ledger); then GKM's example resources created as the API server
 * would (see {@link SimulatedApiServer}). Prints each admission decision, each verdict, each
 * install result and what each node holds, each resource's trace from the ledger and the ledger's
 * check; every phase is timed.
 */
public final class Demo {
    static final String INSTANCE = "demo";
    private static final int TRACE_WIDTH = 180;

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
        Map<String, String> env = stageEnv(layout, kafka, tls);
        GkmConfig config = load(env);
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
        AuditLedgerStage ledger = AuditLedgerStage.of(config, clients, topics, metrics);
        try (AuditLedgerStage runningLedger = ledger;
             Ingest ingest = Ingest.start(wiring, Optional.empty());
             StageLoop verifier = VerifierStage.loop(config, clients, topics, VerifierStage.verifier(config, policies),
                     metrics);
             RunningNodes nodes = RunningNodes.start(SimulatedNode.both(), layout, node -> load(nodeEnv(env, layout, node)),
                     clients, topics);
             // The simulated nodes share this machine, so each has its own cache root; jobs name the compatible one's.
             DispatcherStage dispatcher = DispatcherStage.start(StageSpec.of(config, DispatchHandler.STAGE,
                     DispatchHandler.inputs(topics)), StageLoop.Timing.from(config),
                     config.get(DispatcherSettings.CATCH_UP_TIMEOUT), clients, topics, metrics,
                     new CacheLayout(nodeCaches(layout, SimulatedNode.COMPATIBLE)));
             SimulatedApiServer api = SimulatedApiServer.start(tls.certificate(), ingest.webhookPort(), cluster, clients,
                     topics, new Emitter("ingest", cluster, INSTANCE, topics, EventCodec.INSTANCE, Clock.systemUTC()),
                     config.get(Settings.STAGE_TRANSACTION_TIMEOUT), config.get(Settings.STAGE_RETRY_BACKOFF));
             TopicTail<VerificationResult> verifications = new TopicTail<>(clients, topics.verifications(),
                     VerificationResult.class);
             TopicTail<InstallResult> installs = new TopicTail<>(clients, topics.installResults(), InstallResult.class);
             TopicTail<AuditEvent> audit = new TopicTail<>(clients, topics.audit(), AuditEvent.class)) {
            ledger.start();
            verifier.start();
            phase("stages", "ingest: webhook https://localhost:%d (certificate %s), every kind verified inline "
                    + "(GKM_INLINE_VERIFY=all: no Kyverno here); verifier stage %s -> %s; dispatcher %s -> %s "
                    + "(jobs name the compatible node's cache root, as the nodes share this machine; its status "
                    + "projection onto GKMCacheNode needs a Kubernetes API: not run); audit ledger %s -> %s; "
                    + "a node-consumer on each of %d simulated ROCm nodes", ingest.webhookPort(), tls.cert(),
                    topics.resources(), topics.verifications(), topics.verifications(), topics.jobsPrefix() + "*",
                    topics.audit(), topics.auditLedger(), nodes.nodes().size());
            for (RunningNodes.RunningNode n : nodes.nodes()) {
                say("           %-17s %s: %s; sysfs %s, caches %s", n.node().name(), n.node().gpu(),
                        n.stage().inventory().gpus().stream().map(Demo::gpu).collect(Collectors.joining(", ")),
                        n.sysfs(), n.caches());
            }

            List<String> problems = new ArrayList<>();
            List<Admission> admissions = admit(api, DemoResources.of(images), problems);
            phase("admission", "%d of %d resources admitted", admissions.stream().filter(Admission::allowed).count(),
                    admissions.size());

            List<VerificationResult> results = verify(verifications, admissions, cluster, problems);
            phase("verification", "%d verdicts on %s", results.size(), topics.verifications());

            List<InstallResult> installed = install(installs, audit, nodes, results, problems);
            phase("install", "%d install results on %s", installed.size(), topics.installResults());

            auditTrail(ledger, audit, clients, topics, admissions, cluster, problems);

            verifier.failure().ifPresent(f -> problems.add("the verifier stage stopped: " + f.getMessage()));
            dispatcher.failure().ifPresent(f -> problems.add("the dispatcher stopped: " + f.getMessage()));
            ledger.failure().ifPresent(f -> problems.add("the audit ledger stage stopped: " + f.getMessage()));
            nodes.failure().ifPresent(problems::add);
            api.failure().ifPresent(f -> problems.add(f.getMessage()));

            say("");
            say("timings: %s", phases.summary());
            say("not run: the dispatcher's status projection onto GKMCacheNode / ClusterGKMCacheNode (it writes to a "
                    + "Kubernetes API, which the demo does not have)");
            if (problems.isEmpty()) {
                say("result: as expected: %d resources verified, 1 refused at admission; %s installed them, %s "
                        + "skipped as incompatible; the audit ledger intact",
                        results.stream().filter(r -> r.getVerdict() == Verdict.VERIFIED).count(),
                        SimulatedNode.COMPATIBLE.name(), SimulatedNode.INCOMPATIBLE.name());
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

    /**
     * Waits for the compatible node's install result of each verified cache, printing each as it
     * appears; then shows the dispatcher's decisions for the other node, and what each node holds on disk.
     */
    private List<InstallResult> install(TopicTail<InstallResult> installs, TopicTail<AuditEvent> audit,
            RunningNodes nodes, List<VerificationResult> verified, List<String> problems) {
        say("install: the dispatcher sends each verified cache to the nodes whose GPUs it fits; they pull it by "
                + "digest and unpack it");
        Set<String> expected = verified.stream().filter(r -> r.getVerdict() == Verdict.VERIFIED)
                .map(VerificationResult::getResourceKey).collect(Collectors.toSet());
        String compatible = SimulatedNode.COMPATIBLE.name();
        boolean complete = installs.follow(this::print, seen -> seen.stream()
                .filter(r -> r.getNode().equals(compatible)).map(InstallResult::getResourceKey)
                .collect(Collectors.toSet()).containsAll(expected), options.waitFor());
        List<InstallResult> results = installs.seen();
        if (!complete) {
            problems.add("no install result from " + compatible + " within " + options.waitFor().toSeconds()
                    + " s for " + expected.stream().filter(k -> results.stream().noneMatch(r ->
                    r.getResourceKey().equals(k) && r.getNode().equals(compatible))).sorted()
                    .collect(Collectors.joining(", ")));
        }
        results.stream().filter(r -> r.getOutcome() != InstallOutcome.INSTALLED
                        && r.getOutcome() != InstallOutcome.ALREADY_PRESENT)
                .forEach(r -> problems.add(r.getNode() + " did not install " + r.getResourceKey() + ": "
                        + r.getOutcome() + (r.getError() == null ? "" : " (" + r.getError() + ")")));
        audit.catchUp(event -> { }, options.waitFor());
        String incompatible = SimulatedNode.INCOMPATIBLE.name();
        List<AuditEvent> skipped = audit.seen().stream()
                .filter(e -> e.getAction().equals(DispatchHandler.ACTION)
                        && e.getOutcome().equals(DispatchHandler.SKIPPED_INCOMPATIBLE)
                        && incompatible.equals(e.getDetails().get("node")))
                .toList();
        skipped.forEach(e -> say("  %-9s %-17s %s: %s", "SKIPPED", incompatible, e.getResourceKey(), e.getReason()));
        Set<String> skippedKeys = skipped.stream().map(AuditEvent::getResourceKey).collect(Collectors.toSet());
        if (!skippedKeys.containsAll(expected)) {
            problems.add("the dispatcher did not skip " + incompatible + " as incompatible for every cache: only "
                    + skippedKeys);
        }
        if (results.stream().anyMatch(r -> r.getNode().equals(incompatible))) {
            problems.add(incompatible + " was sent a job, though no cache fits its GPUs");
        }
        say("  on disk:");
        for (RunningNodes.RunningNode n : nodes.nodes()) {
            RunningNodes.Disk disk = RunningNodes.disk(n.caches());
            say("  %-17s %d files, %d bytes in %s", n.node().name(), disk.files(), disk.bytes(), n.caches());
            for (RunningNodes.DigestFolder folder : RunningNodes.digestFolders(n.caches())) {
                say("    %s/  %d files, %d bytes; beside it %s", folder.relative(), folder.disk().files(),
                        folder.disk().bytes(), CacheLayout.METADATA_FILE);
            }
            if (n.node().equals(SimulatedNode.INCOMPATIBLE) && disk.files() > 0) {
                problems.add(incompatible + " holds " + disk.files() + " files, though no cache fits its GPUs");
            }
        }
        return results;
    }

    private void print(InstallResult r) {
        say("  %-9s %-17s %s: %s, %d files, %d bytes in %d ms%s", r.getOutcome(), r.getNode(), r.getResourceKey(),
                r.getDigest(), r.getFiles(), r.getBytes(), r.getDurationMillis(),
                r.getError() == null ? "" : "; " + r.getError());
    }

    /**
     * Waits until the ledger has chained every audit event written so far, then prints the trace
     * of each resource from the ledger and checks the whole chain, as {@code gkm audit trace} and
     * {@code gkm audit verify} do.
     */
    private void auditTrail(AuditLedgerStage ledger, TopicTail<AuditEvent> audit, KafkaClientFactory clients,
            Topics topics, List<Admission> admissions, String cluster, List<String> problems)
            throws InterruptedException {
        if (!audit.catchUp(event -> { }, options.waitFor())) {
            problems.add("could not read " + topics.audit() + " to its end within " + options.waitFor().toSeconds()
                    + " s");
        }
        long audited = audit.seen().size();
        long deadline = System.nanoTime() + options.waitFor().toNanos();
        while (chained(ledger) < audited && System.nanoTime() < deadline && ledger.failure().isEmpty()) {
            Thread.sleep(100);
        }
        if (chained(ledger) < audited) {
            problems.add("the audit ledger chained " + chained(ledger) + " of " + audited + " audit events within "
                    + options.waitFor().toSeconds() + " s");
        }
        phase("audit", "%d audit events on %s, chained into %s", audited, topics.audit(), topics.auditLedger());
        try (LedgerReader reader = new LedgerReader(clients, topics.auditLedger(), "gkm-demo-ledger-reader",
                Duration.ofSeconds(10))) {
            for (Admission admission : admissions) {
                String key = admission.resource().key(cluster).toString();
                LedgerReader.TraceResult trace = reader.trace(EventCodec.INSTANCE, key);
                say("  trace %s", key);
                trace.lines().forEach(line -> say("    %s", abbreviate(line)));
                if (trace.lines().isEmpty()) {
                    problems.add("the audit ledger holds nothing about " + key);
                }
            }
            ChainCheck check = reader.verify(EventCodec.INSTANCE);
            if (check.broken().isPresent()) {
                say("  ledger verify: BROKEN after %d intact entries: %s", check.checked(), check.broken().get());
                problems.add("the audit ledger does not verify: " + check.broken().get());
            } else {
                say("  ledger verify: %d entries, every link intact; head #%d %s", check.checked(),
                        check.head().sequence(), check.head().hashHex());
            }
        }
    }

    /** A trace line cut to a terminal's width: the reasons behind a decision are long (gkm audit trace has them whole). */
    private static String abbreviate(String line) {
        return line.length() <= TRACE_WIDTH ? line : line.substring(0, TRACE_WIDTH - 3) + "...";
    }

    private static long chained(AuditLedgerStage ledger) {
        return ledger.committedTail() == null ? 0 : ledger.committedTail().sequence();
    }

    private static String gpu(Gpu g) {
        return g.getBackend() + "/" + g.getArch() + "/" + g.getWarpSize() + " (" + g.getIds().size() + " GPU, driver "
                + g.getDriverVersion() + ")";
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
    private Map<String, String> stageEnv(DemoLayout layout, EmbeddedKafka kafka, DevTls.Pair tls) {
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
        return env;
    }

    /** A node-consumer's configuration: the stages', plus its node name, sysfs and cache root, and its own instance. */
    private static Map<String, String> nodeEnv(Map<String, String> stageEnv, DemoLayout layout, SimulatedNode node) {
        Map<String, String> env = new HashMap<>(stageEnv);
        env.put(Settings.INSTANCE.envVar(), node.name());
        env.put(NodeConsumerSettings.NODE_NAME.envVar(), node.name());
        env.put(NodeConsumerSettings.SYSFS_ROOT.envVar(), layout.node(node.name()).resolve("sysfs").toString());
        env.put(NodeConsumerSettings.CACHE_DIR.envVar(), nodeCaches(layout, node).toString());
        return env;
    }

    private static Path nodeCaches(DemoLayout layout, SimulatedNode node) {
        return layout.node(node.name()).resolve("caches");
    }

    private GkmConfig load(Map<String, String> env) {
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
