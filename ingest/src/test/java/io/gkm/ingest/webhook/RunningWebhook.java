package io.gkm.ingest.webhook;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.Emitter;
import io.gkm.ingest.admission.CacheAdmission;
import io.gkm.ingest.admission.DigestResolver;
import io.gkm.ingest.admission.ImageVerifier;
import io.gkm.ingest.admission.InlineVerify;
import io.gkm.ingest.admission.KyvernoVerification;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The real webhook (server, admission, recorder on a real Kafka producer) and a real HTTPS client for it. */
final class RunningWebhook implements AutoCloseable {
    static final String CLUSTER = "test";

    /** How to run it. */
    record Config(String bootstrapServers, Topics topics, KyvernoVerification verification, DigestResolver resolver,
                  InlineVerify inline, ImageVerifier verifier, Duration inlineTimeout, Duration auditTimeout,
                  boolean auditRequired, Duration bodyTimeout, Duration tlsReloadInterval) {
        /** With Kyverno verification enabled and inline verification off, which never asks a registry. */
        static Config of(String bootstrapServers, Topics topics) {
            return new Config(bootstrapServers, topics, KyvernoVerification.ENABLED, NO_REGISTRY, InlineVerify.OFF,
                    NO_VERIFIER, Duration.ofSeconds(10), Duration.ofSeconds(2), false, Duration.ofSeconds(5),
                    Duration.ofSeconds(10));
        }

        Config withAudit(Duration timeout, boolean required) {
            return new Config(bootstrapServers, topics, verification, resolver, inline, verifier, inlineTimeout, timeout,
                    required, bodyTimeout, tlsReloadInterval);
        }

        Config withTimeouts(Duration body, Duration tlsReload) {
            return new Config(bootstrapServers, topics, verification, resolver, inline, verifier, inlineTimeout,
                    auditTimeout, auditRequired, body, tlsReload);
        }

        /** Kyverno verification disabled: tags resolved by {@code r}. */
        Config resolvingTagsWith(DigestResolver r) {
            return new Config(bootstrapServers, topics, KyvernoVerification.DISABLED, r, inline, verifier, inlineTimeout,
                    auditTimeout, auditRequired, bodyTimeout, tlsReloadInterval);
        }

        /** The kinds {@code mode} covers verified by {@code v} within {@code timeout}. */
        Config verifyingInline(InlineVerify mode, ImageVerifier v, Duration timeout) {
            return new Config(bootstrapServers, topics, verification, resolver, mode, v, timeout, auditTimeout,
                    auditRequired, bodyTimeout, tlsReloadInterval);
        }
    }

    /** For tests that never resolve a tag: says so if one does. */
    static final DigestResolver NO_REGISTRY = (image, budget) -> CompletableFuture.failedFuture(
            new IllegalStateException("this test's webhook has no registry; resolve tags with Config.resolvingTagsWith"));

    /** For tests that never verify inline: says so if one does. */
    static final ImageVerifier NO_VERIFIER = (kind, object) -> CompletableFuture.failedFuture(
            new IllegalStateException("this test's webhook has no verifier; verify with Config.verifyingInline"));

    final Vertx vertx;
    final WebhookServer server;
    final PrometheusMeterRegistry registry;
    final Path certFile;
    final Path keyFile;
    final TestTls.Pair tls;
    final HttpClient http;
    private final AdmissionRecorder recorder;

    private RunningWebhook(Vertx vertx, WebhookServer server, PrometheusMeterRegistry registry, Path certFile,
                           Path keyFile, TestTls.Pair tls, AdmissionRecorder recorder) throws Exception {
        this.vertx = vertx;
        this.server = server;
        this.registry = registry;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.tls = tls;
        this.recorder = recorder;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestTls.trusting(tls.certificate())).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static RunningWebhook start(Path dir, Config config) throws Exception {
        TestTls.Pair tls = TestTls.selfSigned("gkm-webhook");
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        tls.writeTo(cert, key);
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        WebhookMetrics metrics = new WebhookMetrics(registry);
        Emitter emitter = new Emitter("ingest", CLUSTER, "it", config.topics(), EventCodec.INSTANCE, Clock.systemUTC());
        AdmissionRecorder recorder = new AdmissionRecorder(
                new KafkaClientFactory(config.bootstrapServers(), Map.of()).producer("gkm-ingest-webhook-it"),
                emitter, config.topics());
        CacheWebhook webhook = new CacheWebhook(new CacheAdmission(config.verification(), config.inline()),
                config.resolver(), config.verifier(), recorder, metrics,
                new CacheWebhook.Settings(CLUSTER, config.auditTimeout(), config.auditRequired(), config.inlineTimeout()),
                Clock.systemUTC());
        Vertx vertx = Vertx.vertx();
        WebhookServer server = WebhookServer.start(vertx, new WebhookServer.Options("127.0.0.1", 0, cert, key,
                        config.tlsReloadInterval(), config.bodyTimeout()), webhook, metrics, registry)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new RunningWebhook(vertx, server, registry, cert, key, tls, recorder);
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + server.port() + path);
    }

    HttpResponse<String> post(String path, byte[] body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        recorder.close(Duration.ofMillis(500));
    }
}
