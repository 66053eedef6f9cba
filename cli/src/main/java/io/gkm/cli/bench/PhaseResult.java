package io.gkm.cli.bench;

import java.time.Duration;

/**
 * What one measured phase of load on one endpoint gave.
 *
 * @param completed requests answered 200 inside the phase
 * @param errors requests that failed or were not answered 200
 * @param elapsed the phase's time under load (its slices added up)
 * @param cpuNanos CPU time the Java threads of this process used meanwhile: client, endpoint and,
 *     when embedded, the Kafka broker (not the JIT compiler nor the garbage collector)
 */
public record PhaseResult(String endpoint, long completed, long errors, Duration elapsed, long p50Nanos, long p99Nanos,
                          long cpuNanos) {
    public double requestsPerSecond() {
        return completed / (elapsed.toNanos() / 1e9);
    }

    /** CPU time of the Java threads per answered request, in microseconds. */
    public double cpuMicrosPerRequest() {
        return cpuNanos / 1e3 / completed;
    }

    public double p50Millis() {
        return p50Nanos / 1e6;
    }

    public double p99Millis() {
        return p99Nanos / 1e6;
    }
}
