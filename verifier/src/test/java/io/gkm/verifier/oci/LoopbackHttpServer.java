package io.gkm.verifier.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 (JDK HttpServer) for what the Debian registry cannot be made to
 * do: answer 429, hang, redirect elsewhere, serve a Referrers API, issue bearer tokens. Records
 * every request it receives.
 */
final class LoopbackHttpServer implements AutoCloseable {

    /** What the server saw: method, path with query, and the Authorization header (or null). */
    record Seen(String method, String pathAndQuery, String authorization) {
    }

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange, int requestNumber) throws IOException;
    }

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private LoopbackHttpServer(HttpServer server) {
        this.server = server;
    }

    static LoopbackHttpServer start(Handler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LoopbackHttpServer result = new LoopbackHttpServer(server);
            server.createContext("/", exchange -> {
                try (exchange) {
                    String query = exchange.getRequestURI().getRawQuery();
                    result.seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                            + (query == null ? "" : "?" + query),
                            exchange.getRequestHeaders().getFirst("Authorization")));
                    handler.handle(exchange, result.seen.size());
                }
            });
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a loopback HTTP server", e);
        }
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    static void respond(HttpExchange exchange, int status, byte[] body, String... headers) throws IOException {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
