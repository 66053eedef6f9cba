package io.gkm.ingest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageFailedException;
import io.gkm.core.stage.StageSpec;
import io.gkm.ingest.admission.CacheAdmission;
import io.gkm.ingest.admission.InlineVerify;
import io.gkm.ingest.admission.KyvernoVerification;
import io.gkm.ingest.watch.KubernetesAccess;
import io.gkm.ingest.watch.LeaderElectedWatches;
import io.gkm.ingest.watch.ResourceWatches;
import io.gkm.ingest.watch.WatchScope;
import io.gkm.ingest.watch.Watches;
import io.gkm.ingest.webhook.AdmissionRecorder;
import io.gkm.ingest.webhook.CacheWebhook;
import io.gkm.ingest.webhook.InlineVerifier;
import io.gkm.ingest.webhook.RegistryDigestResolver;
import io.gkm.ingest.webhook.WebhookMetrics;
import io.gkm.ingest.webhook.WebhookServer;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoadException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gkm ingest} wired: the admission webhook (Vert.x HTTPS server, GKM's rules, the registry
 * resolver, the inline verifier, the Kafka recorder) and, given a Kubernetes client, the resource
 * watches. Reads its settings from a {@link GkmConfig} loaded with {@link Settings#all()},
 * {@link IngestSettings#all()} and the verifier's {@code RegistrySettings.all()} and
 * {@code VerifierSettings.all()}.
 */
public final class Ingest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** The webhook's certificate chain and key files (PEM), re-read when they change. */
    public record TlsFiles(Path cert, Path key) {
    }

    /**
     * Where ingest writes and what it serves with.
     *
     * @param verification the Kyverno switch, see {@link IngestSettings#kyvernoVerification}
     * @param metrics the registry the webhook's {@code /metrics} serves (and the caller may serve too)
     */
    public record Wiring(GkmConfig config, KyvernoVerification verification, TlsFiles tls, KafkaClientFactory kafka,
                         Topics topics, PrometheusMeterRegistry metrics) {
    }

    private final Vertx vertx;
    private final WebhookServer server;
    private final AdmissionRecorder recorder;
    private final RegistryDigestResolver resolver;
    private final InlineVerifier verifier;
    private final Watches watches;
    private final Runnable removeGauge;

    private Ingest(Vertx vertx, WebhookServer server, AdmissionRecorder recorder, RegistryDigestResolver resolver,
                   InlineVerifier verifier, Watches watches, Runnable removeGauge) {
        this.vertx = vertx;
        this.server = server;
        this.recorder = recorder;
        this.resolver = resolver;
        this.verifier = verifier;
        this.watches = watches;
        this.removeGauge = removeGauge;
    }

    /**
     * Starts the webhook, then the watches if {@code kubernetes} is given: they list the cluster
     * before this returns, or, under leader election, once this ingest takes their Lease.
     *
     * @throws IllegalStateException when the webhook cannot serve (TLS files unusable, port taken, policies
     *     of inline verification unreadable)
     */
    public static Ingest start(Wiring wiring, Optional<KubernetesClient> kubernetes) {
        GkmConfig config = wiring.config();
        Topics topics = wiring.topics();
        wiring.verification().warning().ifPresent(LOG::warn);
        if (!wiring.verification().enabled()) {
            LOG.warn("Kyverno verification is disabled: images are trusted as the registry resolves their tags, "
                    + "without any signature check at admission");
        }
        StageSpec identity = StageSpec.of(config, "ingest", List.of(topics.ingestWatchState()));
        Clock clock = Clock.systemUTC();
        Emitter emitter = new Emitter(identity.name(), identity.cluster(), identity.instance(), topics,
                EventCodec.INSTANCE, clock);
        WebhookMetrics metrics = new WebhookMetrics(wiring.metrics());
        CacheAdmission rules = new CacheAdmission(wiring.verification(), config.get(IngestSettings.INLINE_VERIFY));
        Duration inlineTimeout = config.get(IngestSettings.INLINE_VERIFY_TIMEOUT);
        InlineVerifier verifier = InlineVerifier.fromConfig(config, inlinePolicies(config, wiring.verification()),
                inlineTimeout);
        RegistryDigestResolver resolver = RegistryDigestResolver.fromConfig(config);
        AdmissionRecorder recorder = new AdmissionRecorder(
                wiring.kafka().producer("gkm-ingest-webhook-" + identity.instance()), emitter, topics);
        CacheWebhook webhook = new CacheWebhook(rules, resolver, verifier, recorder, metrics,
                new CacheWebhook.Settings(identity.cluster(), config.get(IngestSettings.AUDIT_TIMEOUT),
                        config.get(IngestSettings.AUDIT_REQUIRED), inlineTimeout), clock);
        Vertx vertx = Vertx.vertx();
        WebhookServer server;
        try {
            server = await(WebhookServer.start(vertx, webhookOptions(config, wiring.tls()), webhook, metrics,
                    wiring.metrics()).toCompletionStage().toCompletableFuture(), "start the admission webhook");
        } catch (RuntimeException e) {
            closeQuietly(vertx, recorder, resolver, verifier);
            throw e;
        }
        Watches watches;
        try {
            watches = kubernetes.map(k -> startWatches(k, wiring, identity, emitter, clock)).orElse(null);
        } catch (RuntimeException e) {
            new Ingest(vertx, server, recorder, resolver, verifier, null, null).close();
            throw e;
        }
        Gauge leader = Gauge.builder("gkm.ingest.watch.leader", () -> watches != null && watches.leading() ? 1 : 0)
                .description("1 while this ingest runs the watches (holds their Lease), else 0")
                .register(wiring.metrics());
        return new Ingest(vertx, server, recorder, resolver, verifier, watches, () -> wiring.metrics().remove(leader));
    }

    /**
     * The watches, at once or, with {@link IngestSettings#LEADER_ELECTION}, whenever this ingest
     * takes their Lease (its identity is the instance, the pod name).
     */
    private static Watches startWatches(KubernetesClient kubernetes, Wiring wiring, StageSpec identity, Emitter emitter,
                                        Clock clock) {
        GkmConfig config = wiring.config();
        ResourceWatches.Settings settings = new ResourceWatches.Settings(
                new WatchScope(identity.cluster(), namespaces(config)), wiring.topics(),
                config.get(Settings.STAGE_TRANSACTION_TIMEOUT), config.get(Settings.STAGE_RETRY_BACKOFF));
        Supplier<ResourceWatches> watches = () -> ResourceWatches.start(kubernetes, wiring.kafka(), emitter, settings, clock);
        if (!config.get(IngestSettings.LEADER_ELECTION)) {
            return watches.get();
        }
        return LeaderElectedWatches.start(kubernetes,
                IngestSettings.election(config, identity.instance(), KubernetesAccess.podNamespace()), watches);
    }

    /**
     * The policies of inline verification ({@link IngestSettings#POLICIES}), loaded only when it
     * verifies anything; none, with a warning, when they are not given.
     *
     * @throws IllegalStateException when they cannot be loaded, saying which file and field
     */
    private static List<ClusterPolicy> inlinePolicies(GkmConfig config, KyvernoVerification verification) {
        InlineVerify inline = config.get(IngestSettings.INLINE_VERIFY);
        if (!inline.on() || !verification.enabled()) {
            return List.of();
        }
        Optional<String> missing = IngestSettings.missingPolicies(config, verification);
        if (missing.isPresent()) {
            LOG.warn("inline verification denies every resource it verifies: {}", missing.get());
            return List.of();
        }
        try {
            List<ClusterPolicy> policies = IngestSettings.loadPolicies(config);
            LOG.info("inline verification ({}={}) with {} policies from {}", IngestSettings.INLINE_VERIFY.envVar(),
                    IngestSettings.INLINE_VERIFY.type().render(inline), policies.size(), config.get(IngestSettings.POLICIES));
            return policies;
        } catch (PolicyLoadException e) {
            throw new IllegalStateException("cannot load the policies of inline verification ("
                    + IngestSettings.POLICIES.envVar() + "): " + e.getMessage(), e);
        }
    }

    private static WebhookServer.Options webhookOptions(GkmConfig config, TlsFiles tls) {
        return new WebhookServer.Options(config.get(IngestSettings.WEBHOOK_HOST), config.get(IngestSettings.WEBHOOK_PORT),
                tls.cert(), tls.key(), config.get(IngestSettings.WEBHOOK_TLS_RELOAD_INTERVAL),
                config.get(IngestSettings.WEBHOOK_BODY_TIMEOUT));
    }

    private static Set<String> namespaces(GkmConfig config) {
        return Set.copyOf(config.find(IngestSettings.WATCH_NAMESPACES).orElse(List.of()));
    }

    /** The port the webhook listens on. */
    public int webhookPort() {
        return server.port();
    }

    /** Whether the watches run here now (under leader election: whether this ingest holds their Lease). */
    public boolean watching() {
        return watches != null && watches.leading();
    }

    /** The Lease the watches run under; empty without watches or with GKM_LEADER_ELECTION=false. */
    public Optional<LeaderElectedWatches.Election> leaderElection() {
        return watches instanceof LeaderElectedWatches elected ? Optional.of(elected.election()) : Optional.empty();
    }

    /** Why the watches stopped publishing on their own (fenced by another ingest, not authorised), if they did. */
    public Optional<StageFailedException> failure() {
        return watches == null ? Optional.empty() : watches.failure();
    }

    /**
     * Stops the watches (publishing what they saw; under leader election, then gives up their Lease),
     * then the webhook, then sends the decisions still queued.
     */
    @Override
    public void close() {
        if (removeGauge != null) {
            removeGauge.run();
        }
        if (watches != null) {
            watches.close();
        }
        try {
            await(server.close().toCompletionStage().toCompletableFuture(), "stop the admission webhook");
        } finally {
            closeQuietly(vertx, recorder, resolver, verifier);
        }
    }

    private static void closeQuietly(Vertx vertx, AdmissionRecorder recorder, RegistryDigestResolver resolver,
                                     InlineVerifier verifier) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Vert.x did not stop cleanly within {} s: {}", CLOSE_TIMEOUT.toSeconds(), e.toString());
        }
        recorder.close();
        resolver.close();
        verifier.close();
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + " within " + START_TIMEOUT.toSeconds() + " s", e);
        }
    }
}
