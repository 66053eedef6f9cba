package io.gkm.cli.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code gkm bench webhook} against two endpoints on loopback, never both at once: the bare
 * endpoint and the webhook's validate path, first at a fixed concurrency (throughput), then at a
 * fixed rate (latency under a steady load). Each load is warmed up on both, then measured in slices
 * that alternate between the two.
 */
public final class WebhookBench implements AutoCloseable {
    /** Throughput the webhook must reach, as a share of the bare endpoint's. */
    public static final double THROUGHPUT_TARGET = 0.8;
    /** p99 the webhook must keep at the fixed rate, in milliseconds. */
    public static final double P99_TARGET_MS = 5.0;

    /** Each endpoint's measured time is cut into this many slices, taken in turn with the other's. */
    static final int SLICES = 4;
    static final String VALIDATE_PATH = "/validate-gkm-io-v1alpha1-gkmcache";
    static final String DIGEST = "sha256:9d5e4a6f6c1b0e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012";
    private static final String[] REVIEW = ("""
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"@UID@",\
            "kind":{"group":"gkm.io","version":"v1alpha1","kind":"GKMCache"},\
            "resource":{"group":"gkm.io","version":"v1alpha1","resource":"gkmcaches"},\
            "requestKind":{"group":"gkm.io","version":"v1alpha1","kind":"GKMCache"},\
            "requestResource":{"group":"gkm.io","version":"v1alpha1","resource":"gkmcaches"},\
            "name":"vector-add-cache-rocm-1","namespace":"gkm-test-ns-scoped-1","operation":"CREATE",\
            "userInfo":{"username":"kubernetes-admin","groups":["kubeadm:cluster-admins","system:authenticated"]},\
            "object":{"apiVersion":"gkm.io/v1alpha1","kind":"GKMCache","metadata":{"name":"vector-add-cache-rocm-1",\
            "namespace":"gkm-test-ns-scoped-1","labels":{"gkm.io/signature-format":"cosign-v2"},\
            "annotations":{"gkm.io/resolvedDigest":"@DIGEST@",\
            "kyverno.io/verify-images":"{\\"quay.io/gkm/cache-examples@@DIGEST@\\":\\"pass\\"}"}},\
            "spec":{"image":"quay.io/gkm/cache-examples:vector-add-cache-rocm@@DIGEST@"}},\
            "oldObject":null,"dryRun":false,"options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}}""")
            .replace("@DIGEST@", DIGEST).split("@UID@");

    /**
     * How hard and how long.
     *
     * @param concurrency requests in flight in the closed-loop phases
     * @param rate requests a second in the fixed-rate phases
     */
    public record Load(int concurrency, Duration warmup, Duration duration, int rate) {
    }

    /** What the four phases gave. */
    public record Results(PhaseResult bare, PhaseResult webhook, PhaseResult bareAtRate, PhaseResult webhookAtRate) {
        public double ratio() {
            return webhook.requestsPerSecond() / bare.requestsPerSecond();
        }

        public boolean throughputMet() {
            return ratio() >= THROUGHPUT_TARGET;
        }

        public boolean latencyMet() {
            return webhookAtRate.p99Millis() <= P99_TARGET_MS;
        }
    }

    /** A warm-up round on each endpoint. */
    private static final Duration WARMUP_ROUND = Duration.ofSeconds(1);
    /** The JIT compiler counts as quiet when it compiled for less than this share of a round. */
    private static final double JIT_QUIET = 0.05;
    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Vertx vertx;
    private final HttpClient client;
    private final LoadDriver driver;
    private final Vertx bareVertx;
    private final HttpServer bare;
    private final PrintWriter progress;

    private WebhookBench(Vertx vertx, HttpClient client, Vertx bareVertx, HttpServer bare, PrintWriter progress) {
        this.vertx = vertx;
        this.client = client;
        this.driver = new LoadDriver(vertx, vertx.getOrCreateContext(), client, "127.0.0.1");
        this.bareVertx = bareVertx;
        this.bare = bare;
        this.progress = progress;
    }

    /**
     * Starts the bare endpoint (a Vert.x of its own, as the webhook has, serving {@code cert} and
     * {@code key}) and the client: one Vert.x event loop, up to {@code load.concurrency()}
     * kept-alive HTTPS connections to each endpoint, trusting {@code cert}.
     */
    public static WebhookBench start(Path cert, Path key, Load load, PrintWriter progress) throws Exception {
        Vertx bareVertx = Vertx.vertx();
        HttpServer bare = BareEndpoint.start(bareVertx, cert, key).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setKeepAlive(true)
                        .setTrustOptions(new PemTrustOptions().addCertPath(cert.toString())),
                new PoolOptions().setHttp1MaxSize(load.concurrency()).setMaxWaitQueueSize(-1));
        return new WebhookBench(vertx, client, bareVertx, bare, progress);
    }

    /** A GKMCache CREATE as Kyverno leaves it (pinned, annotated, digest set): the webhook allows it. */
    static Buffer validateRequest(long sequence) {
        String uid = new UUID(0x676b6d2d62656e63L, sequence).toString();
        return Buffer.buffer((REVIEW[0] + uid + REVIEW[1]).getBytes(StandardCharsets.UTF_8));
    }

    /** Runs the four phases against the webhook on {@code webhookPort} and the bare endpoint. */
    public Results run(int webhookPort, Load load) throws InterruptedException {
        LoadDriver.Target bare = new LoadDriver.Target("bare endpoint", this.bare.actualPort(), VALIDATE_PATH,
                WebhookBench::validateRequest);
        LoadDriver.Target webhook = new LoadDriver.Target("webhook (validate)", webhookPort, VALIDATE_PATH,
                WebhookBench::validateRequest);
        say(load.concurrency() + " requests in flight: warm-up until the JIT compiler is quiet (at most "
                + load.warmup().toSeconds() + " s), then " + SLICES + " alternating slices of " + slice(load).toMillis()
                + " ms each");
        PhaseResult[] closed = interleaved(bare, webhook, load,
                (target, time) -> driver.closedLoop(target, load.concurrency(), time));
        say(load.rate() + " requests/s: warm-up until the JIT compiler is quiet (at most " + load.warmup().toSeconds()
                + " s), then " + SLICES + " alternating slices of " + slice(load).toMillis() + " ms each");
        PhaseResult[] atRate = interleaved(bare, webhook, load,
                (target, time) -> driver.fixedRate(target, load.rate(), time));
        return new Results(closed[0], closed[1], atRate[0], atRate[1]);
    }

    /** One kind of load on one endpoint for some time. */
    private interface LoadKind {
        Measurement apply(LoadDriver.Target target, Duration time) throws InterruptedException;
    }

    /**
     * Warms both endpoints up, then measures them in alternating slices, so that both see the same
     * state of the JIT compiler and of the machine. Warming up goes on in rounds until the JIT
     * compiler is quiet: on 2 cores, C2 compiling Kafka, Jackson and Vert.x takes the CPU away
     * from whichever endpoint runs for a minute or more, and the webhook's larger code pays more.
     */
    private PhaseResult[] interleaved(LoadDriver.Target first, LoadDriver.Target second, Load load, LoadKind run)
            throws InterruptedException {
        warmUp(first, second, load, run);
        Measurement a = new Measurement();
        Measurement b = new Measurement();
        for (int i = 0; i < SLICES; i++) {
            a.add(withCpu(() -> run.apply(first, slice(load))));
            b.add(withCpu(() -> run.apply(second, slice(load))));
        }
        return new PhaseResult[] {a.result(first.name()), b.result(second.name())};
    }

    private void warmUp(LoadDriver.Target first, LoadDriver.Target second, Load load, LoadKind run)
            throws InterruptedException {
        if (load.warmup().isZero()) {
            say("no warm-up");
            return;
        }
        long spentNanos = 0;
        double compiling = 1;
        while (spentNanos < load.warmup().toNanos() && compiling >= JIT_QUIET) {
            long compiledMillis = COMPILER.getTotalCompilationTime();
            long start = System.nanoTime();
            run.apply(first, WARMUP_ROUND);
            run.apply(second, WARMUP_ROUND);
            long round = System.nanoTime() - start;
            spentNanos += round;
            compiling = (COMPILER.getTotalCompilationTime() - compiledMillis) * 1e6 / round;
        }
        say(String.format("warmed up %.0f s; JIT compiling %.0f%% of the last round's time%s", spentNanos / 1e9,
                100 * compiling, compiling >= JIT_QUIET ? " (still busy: numbers may be low; raise --warmup)" : ""));
    }

    private interface Slice {
        Measurement run() throws InterruptedException;
    }

    /**
     * A slice with the CPU time the process's Java threads took meanwhile (client, endpoint, embedded
     * broker): the JIT compiler's and the garbage collector's threads are not counted.
     */
    private static Measurement withCpu(Slice slice) throws InterruptedException {
        long before = javaThreadsCpuNanos();
        Measurement m = slice.run();
        m.cpu(javaThreadsCpuNanos() - before);
        return m;
    }

    private static long javaThreadsCpuNanos() {
        long total = 0;
        for (long id : THREADS.getAllThreadIds()) {
            total += Math.max(0, THREADS.getThreadCpuTime(id));
        }
        return total;
    }

    private static Duration slice(Load load) {
        return load.duration().dividedBy(SLICES);
    }

    @Override
    public void close() throws Exception {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        bareVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void say(String line) {
        progress.println("  " + line);
        progress.flush();
    }

    /** The report: both endpoints side by side, the ratio, and each target with PASS or MISS. */
    public static String report(Results r, Load load) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("closed loop, %d requests in flight, %d s measured per endpoint:%n",
                load.concurrency(), load.duration().toSeconds()));
        b.append(String.format("  %-20s %12s %10s %10s %8s %12s%n", "endpoint", "requests/s", "p50", "p99", "errors",
                "CPU/request"));
        row(b, r.bare());
        row(b, r.webhook());
        b.append(String.format("  ratio webhook/bare  %12.2f   target >= %.2f: %s%n", r.ratio(), THROUGHPUT_TARGET,
                r.throughputMet() ? "PASS" : "MISS"));
        b.append(String.format("fixed rate, %d requests/s, %d s measured per endpoint (latency from when each request "
                + "was due):%n", load.rate(), load.duration().toSeconds()));
        b.append(String.format("  %-20s %12s %10s %10s %8s %12s%n", "endpoint", "requests/s", "p50", "p99", "errors",
                "CPU/request"));
        row(b, r.bareAtRate());
        row(b, r.webhookAtRate());
        b.append(String.format("  webhook p99 %.2f ms   target <= %.1f ms: %s%n", r.webhookAtRate().p99Millis(),
                P99_TARGET_MS, r.latencyMet() ? "PASS" : "MISS"));
        return b.toString();
    }

    private static void row(StringBuilder b, PhaseResult p) {
        b.append(String.format("  %-20s %12.1f %7.2f ms %7.2f ms %8d %9.0f us%n", p.endpoint(), p.requestsPerSecond(),
                p.p50Millis(), p.p99Millis(), p.errors(), p.cpuMicrosPerRequest()));
    }
}
