package io.gkm.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The yardstick: a Vert.x HTTPS server with the webhook's certificate that reads each request body
 * and answers one constant AdmissionReview, so that what separates the webhook from it is the
 * webhook's own work (parsing, deciding, recording on Kafka).
 */
final class BareEndpoint {
    static final String ANSWER = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
            + "\"response\":{\"uid\":\"00000000-0000-0000-0000-000000000000\",\"allowed\":true,"
            + "\"status\":{\"code\":200}}}";

    private BareEndpoint() {
    }

    /** Listens on a free loopback port. */
    static Future<HttpServer> start(Vertx vertx, Path cert, Path key) {
        Buffer answer = Buffer.buffer(ANSWER.getBytes(StandardCharsets.UTF_8));
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
        return vertx.createHttpServer(options)
                .requestHandler(request -> request.body().onComplete(body -> request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(answer)))
                .listen();
    }
}
