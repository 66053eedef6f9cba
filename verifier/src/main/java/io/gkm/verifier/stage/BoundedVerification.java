package io.gkm.verifier.stage;

import io.gkm.core.stage.RetriableStageException;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerificationRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A verification with a deadline. The registry client's own timeout and retries let one registry
 * that accepts connections and never answers hold a verification for minutes, past the stage's
 * Kafka transaction timeout: the broker would abort the batch and the stage retry it forever.
 * Past the deadline the verdict is ERROR, and the stage goes on.
 */
final class BoundedVerification implements Function<VerificationRequest, VerificationResult> {
    /**
     * Most verifications running at once. The stage waits for one at a time, so more than one runs
     * only while abandoned ones are still ending; past this many, a verification is ERROR at once.
     */
    static final int MAX_RUNNING = 8;

    private final Function<VerificationRequest, VerificationResult> verify;
    private final Duration timeout;
    private final Clock clock;
    private final ThreadPoolExecutor executor;

    BoundedVerification(Function<VerificationRequest, VerificationResult> verify, Duration timeout, Clock clock) {
        this.verify = Objects.requireNonNull(verify, "verify");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        AtomicInteger threads = new AtomicInteger();
        // Daemon threads that end when idle: the executor needs no closing, and an abandoned
        // verification never keeps the process from exiting.
        this.executor = new ThreadPoolExecutor(0, MAX_RUNNING, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "gkm-verify-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * The verifier's verdict, or ERROR when it has none within the timeout.
     *
     * @throws RetriableStageException when the stage's thread is interrupted while it waits
     */
    @Override
    public VerificationResult apply(VerificationRequest request) {
        Future<VerificationResult> running;
        try {
            running = executor.submit(() -> verify.apply(request));
        } catch (RejectedExecutionException e) {
            return noVerdict(request, "no verdict: " + MAX_RUNNING + " earlier verifications that outlived "
                    + describe(timeout) + " are still running; the registry is slow or unreachable", clock.instant());
        }
        try {
            return running.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The abandoned verification ends on its own on the bounded executor, its result unused;
            // the interrupt ends it sooner (the registry client gives up a request or a retry pause on it).
            running.cancel(true);
            return noVerdict(request, timedOut(timeout), clock.instant());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new RetriableStageException("interrupted while verifying " + request.resourceKey(), e);
        }
    }

    /** The reason of a verification that had no verdict within {@code timeout}. */
    static String timedOut(Duration timeout) {
        return "no verdict within " + describe(timeout) + ": the registry is slow or unreachable";
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() + " ms (GKM_VERIFY_TIMEOUT)";
    }

    /**
     * An ERROR verdict that the verifier did not make: the image as the resource names it, and no
     * policy, rule, digest or format, which only the verification would have told.
     */
    static VerificationResult noVerdict(VerificationRequest request, String reason, Instant at) {
        return VerificationResult.newBuilder()
                .setVerdict(Verdict.ERROR)
                .setResourceKey(request.resourceKey().toString())
                .setImage(request.specImage().orElse(""))
                .setSignatureFormat(SignatureFormat.NONE)
                .setPolicyName("")
                .setReasons(List.of(reason))
                .setTimings(Map.of())
                .setVerifiedAt(at)
                .build();
    }
}
