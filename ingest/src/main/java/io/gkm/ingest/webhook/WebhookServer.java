package io.gkm.ingest.webhook;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server of the admission webhook: GKM's four paths, {@code /healthz}, {@code /readyz}
 * and {@code /metrics}. Its certificate and key are re-read from their files every
 * {@link Options#tlsReloadInterval()} and a new, consistent pair is served to new connections
 * without a restart.
 *
 * <p>Bad input never reaches admission as a 5xx: a body that is not {@code application/json} gets
 * 415, one over {@value #MAX_BODY_BYTES} bytes 413, one not fully sent within
 * {@link Options#bodyTimeout()} 408 (and those connections are closed, so no more of the body is
 * read); what admission cannot read it answers itself (see {@link CacheWebhook}).
 */
public final class WebhookServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);

    /** Largest AdmissionReview accepted: 3 MiB, more than any object etcd stores (1.5 MiB) twice over. */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
    private static final String BODY_TIMER = "gkm.bodyTimer";

    /**
     * Where and how to serve.
     *
     * @param host address to bind
     * @param port port to bind; 0 picks a free one
     */
    public record Options(String host, int port, Path certFile, Path keyFile, Duration tlsReloadInterval,
                          Duration bodyTimeout) {
        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(certFile, "certFile: set GKM_WEBHOOK_TLS_CERT");
            Objects.requireNonNull(keyFile, "keyFile: set GKM_WEBHOOK_TLS_KEY");
            Objects.requireNonNull(tlsReloadInterval, "tlsReloadInterval");
            Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        }
    }

    private final Vertx vertx;
    private final Options options;
    private final CacheWebhook webhook;
    private final WebhookMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private HttpServer server;
    private volatile TlsMaterial served;
    private String lastRejection;
    private long reloadTimer = -1;

    private WebhookServer(Vertx vertx, Options options, CacheWebhook webhook, WebhookMetrics metrics,
                          PrometheusMeterRegistry registry) {
        this.vertx = vertx;
        this.options = options;
        this.webhook = webhook;
        this.metrics = metrics;
        this.registry = registry;
    }

    /**
     * Reads the TLS pair and starts serving.
     *
     * @return fails if the TLS files are unusable or the port cannot be bound, saying which
     */
    public static Future<WebhookServer> start(Vertx vertx, Options options, CacheWebhook webhook,
                                              WebhookMetrics metrics, PrometheusMeterRegistry registry) {
        WebhookServer s = new WebhookServer(vertx, options, webhook, metrics, registry);
        return vertx.executeBlocking(() -> TlsMaterial.read(vertx, options.certFile(), options.keyFile()))
                .compose(tls -> {
                    s.served = tls;
                    HttpServerOptions http = new HttpServerOptions()
                            .setHost(options.host())
                            .setPort(options.port())
                            .setSsl(true)
                            .setKeyCertOptions(tls.keyCertOptions())
                            .setSslHandshakeTimeout(options.bodyTimeout().toMillis())
                            .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                            // Kept-alive connections of the API server may idle; a peer silent this long is gone.
                            .setIdleTimeout(60)
                            .setIdleTimeoutUnit(TimeUnit.SECONDS);
                    s.server = vertx.createHttpServer(http).requestHandler(s.router());
                    return s.server.listen();
                })
                .map(listening -> {
                    s.reloadTimer = vertx.setPeriodic(options.tlsReloadInterval().toMillis(), id -> s.reloadTls());
                    LOG.info("admission webhook serving HTTPS on {}:{} with certificate {}", options.host(),
                            listening.actualPort(), s.served.certificate().getSubjectX500Principal());
                    return s;
                });
    }

    /** The port actually bound. */
    public int port() {
        return server.actualPort();
    }

    /** The certificate currently presented to new connections. */
    public TlsMaterial servedTls() {
        return served;
    }

    public Future<Void> close() {
        vertx.cancelTimer(reloadTimer);
        return server.close();
    }

    private Router router() {
        Router router = Router.router(vertx);
        for (WebhookPath path : WebhookPath.all()) {
            router.post(path.path())
                    .handler(new BodyGuard())
                    .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                    .handler(ctx -> admit(ctx, path));
        }
        router.get("/healthz").handler(ctx -> plain(ctx.response(), 200, "ok"));
        router.get("/readyz").handler(ctx -> plain(ctx.response(), 200, "ready"));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
        router.errorHandler(404, ctx -> plain(ctx.response(), 404, "no such path: " + ctx.request().path()));
        router.errorHandler(405, ctx -> plain(ctx.response(), 405, ctx.request().method() + " is not served on "
                + ctx.request().path()));
        router.errorHandler(413, ctx -> {
            metrics.rejected("too-large");
            refuseAndClose(ctx, 413, "request body is larger than " + MAX_BODY_BYTES + " bytes");
        });
        return router;
    }

    /**
     * Runs before the body is read (a platform handler, as Vert.x Web orders those first): refuses a
     * body that is not JSON without reading it, and starts the clock the client has for sending it.
     */
    private final class BodyGuard implements PlatformHandler {
        @Override
        public void handle(RoutingContext ctx) {
            // The API server always sends application/json; anything else is not an AdmissionReview.
            String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mediaType.equals("application/json")) {
                metrics.rejected("unsupported-media-type");
                refuseAndClose(ctx, 415, "Content-Type is '" + contentType + "', expected application/json");
                return;
            }
            long timer = vertx.setTimer(options.bodyTimeout().toMillis(), id -> {
                if (!ctx.response().ended() && !ctx.response().closed()) {
                    metrics.rejected("body-timeout");
                    refuseAndClose(ctx, 408, "request body not received within " + options.bodyTimeout().toMillis() + " ms");
                }
            });
            ctx.put(BODY_TIMER, timer);
            ctx.next();
        }
    }

    private void admit(RoutingContext ctx, WebhookPath path) {
        vertx.cancelTimer(ctx.<Long>get(BODY_TIMER));
        if (ctx.response().ended()) {
            return; // answered 408 already
        }
        Context context = vertx.getOrCreateContext();
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        CompletionStage<WebhookAnswer> answer;
        try {
            answer = webhook.admit(path, body, command -> context.runOnContext(v -> command.run()));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        Future.fromCompletionStage(answer, context).onComplete(done -> {
            if (ctx.response().closed() || ctx.response().ended()) {
                return;
            }
            WebhookAnswer a = done.succeeded() ? done.result() : unhandled(path, done.cause());
            ctx.response().setStatusCode(a.status()).putHeader(HttpHeaders.CONTENT_TYPE, a.contentType())
                    .end(Buffer.buffer(a.body()));
        });
    }

    /** A bug must not become a 5xx or a hang: the request is refused, and the error logged. */
    private static WebhookAnswer unhandled(WebhookPath path, Throwable error) {
        LOG.error("request to {} could not be handled", path.path(), error);
        return WebhookAnswer.plain(400, "the webhook could not handle this request: " + error);
    }

    private static void plain(HttpServerResponse response, int status, String text) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, WebhookAnswer.TEXT).end(text + "\n");
    }

    /** Answers and closes the connection, so that the rest of a refused body is never read. */
    private static void refuseAndClose(RoutingContext ctx, int status, String text) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, WebhookAnswer.TEXT)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(text + "\n")
                .onComplete(done -> ctx.request().connection().close());
    }

    private void reloadTls() {
        vertx.executeBlocking(() -> TlsMaterial.readIfChanged(vertx, options.certFile(), options.keyFile(), served))
                .onSuccess(changed -> changed.ifPresent(this::serve))
                .onFailure(e -> rejected(e.getMessage()));
    }

    private void serve(TlsMaterial tls) {
        server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(tls.keyCertOptions()))
                .onSuccess(updated -> {
                    served = tls;
                    lastRejection = null;
                    metrics.tlsReload(true);
                    LOG.info("webhook now serves certificate {} (valid until {})",
                            tls.certificate().getSubjectX500Principal(), tls.certificate().getNotAfter());
                })
                .onFailure(e -> rejected("the server refused the new pair: " + e.getMessage()));
    }

    /** Keeps serving the old pair; says so once per distinct problem, not every interval. */
    private void rejected(String reason) {
        if (reason.equals(lastRejection)) {
            return;
        }
        lastRejection = reason;
        metrics.tlsReload(false);
        LOG.warn("webhook keeps its current certificate: {}", reason);
    }
}
