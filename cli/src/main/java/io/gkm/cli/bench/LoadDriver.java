package io.gkm.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongFunction;

/**
 * Sends requests to one endpoint from a Vert.x HTTP client, every request issued and every answer
 * handled on the client's one event loop (so no locks: the counters are the loop's own). Two kinds
 * of load: a closed loop of {@code concurrency} requests always in flight, and an open loop at a
 * fixed rate, whose latency counts from when a request was due (so a stall is not hidden by the
 * requests it delayed).
 */
final class LoadDriver {
    /** A request silent this long fails (counted as an error) rather than stalling its phase. */
    static final long REQUEST_IDLE_TIMEOUT_MS = 30_000;

    /** Where to send and what. */
    record Target(String name, int port, String path, LongFunction<Buffer> body) {
    }

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final String host;
    private long sequence;

    /** @param context the context of {@code client}'s requests: its event loop runs the whole load */
    LoadDriver(Vertx vertx, Context context, HttpClient client, String host) {
        this.vertx = vertx;
        this.context = context;
        this.client = client;
        this.host = host;
    }

    /** Keeps {@code concurrency} requests in flight for {@code duration}. */
    Measurement closedLoop(Target target, int concurrency, Duration duration) throws InterruptedException {
        CompletableFuture<Measurement> done = new CompletableFuture<>();
        context.runOnContext(v -> new ClosedLoop(target, concurrency, duration, done).start());
        return await(done);
    }

    /** Sends {@code rate} requests a second, whatever the answers do, for {@code duration}. */
    Measurement fixedRate(Target target, int rate, Duration duration) throws InterruptedException {
        CompletableFuture<Measurement> done = new CompletableFuture<>();
        context.runOnContext(v -> new FixedRate(target, rate, duration, done).start());
        return await(done);
    }

    private Future<Void> send(Target target) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(target.port())
                .setURI(target.path()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MS);
        Buffer body = target.body().apply(sequence++);
        return client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.statusCode() == 200 ? response.body().mapEmpty()
                        : Future.failedFuture(target.name() + " answered HTTP " + response.statusCode()));
    }

    private final class ClosedLoop {
        private final Target target;
        private final int concurrency;
        private final Duration duration;
        private final CompletableFuture<Measurement> done;
        private final Measurement measurement = new Measurement();
        private int inFlight;
        private long start;
        private long end;

        ClosedLoop(Target target, int concurrency, Duration duration, CompletableFuture<Measurement> done) {
            this.target = target;
            this.concurrency = concurrency;
            this.duration = duration;
            this.done = done;
        }

        void start() {
            start = System.nanoTime();
            end = start + duration.toNanos();
            for (int i = 0; i < concurrency; i++) {
                inFlight++;
                next();
            }
        }

        private void next() {
            long sent = System.nanoTime();
            if (sent >= end) {
                if (--inFlight == 0) {
                    measurement.elapsed(sent - start);
                    done.complete(measurement);
                }
                return;
            }
            send(target).onComplete(answer -> {
                if (answer.succeeded()) {
                    measurement.answered(System.nanoTime() - sent);
                } else {
                    measurement.failed(answer.cause());
                }
                next();
            });
        }
    }

    private final class FixedRate {
        private final Target target;
        private final int rate;
        private final long total;
        private final CompletableFuture<Measurement> done;
        private final Measurement measurement = new Measurement();
        private long issued;
        private long answered;
        private long start;
        private long timer;

        FixedRate(Target target, int rate, Duration duration, CompletableFuture<Measurement> done) {
            this.target = target;
            this.rate = rate;
            this.total = Math.max(1, rate * duration.toMillis() / 1000);
            this.done = done;
        }

        void start() {
            start = System.nanoTime();
            timer = vertx.setPeriodic(1, id -> tick());
            tick();
        }

        private void tick() {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            while (issued < due) {
                long intended = start + issued++ * 1_000_000_000L / rate;
                send(target).onComplete(answer -> {
                    if (answer.succeeded()) {
                        measurement.answered(System.nanoTime() - intended);
                    } else {
                        measurement.failed(answer.cause());
                    }
                    if (++answered == total) {
                        measurement.elapsed(System.nanoTime() - start);
                        done.complete(measurement);
                    }
                });
            }
            if (issued == total) {
                vertx.cancelTimer(timer);
            }
        }
    }

    private static Measurement await(CompletableFuture<Measurement> done) throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }
}
