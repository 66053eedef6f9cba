package io.gkm.cli.bench;

import java.time.Duration;

/** What load on one endpoint gave, over one or more slices of time: answers, failures, time spent. */
final class Measurement {
    private final Latencies latencies = new Latencies();
    private long errors;
    private Throwable firstError;
    private long elapsedNanos;
    private long cpuNanos;

    void answered(long latencyNanos) {
        latencies.add(latencyNanos);
    }

    void failed(Throwable error) {
        if (errors++ == 0) {
            firstError = error;
        }
    }

    void elapsed(long nanos) {
        elapsedNanos += nanos;
    }

    void cpu(long nanos) {
        cpuNanos += nanos;
    }

    /** Adds another slice of the same endpoint. */
    void add(Measurement slice) {
        latencies.addAll(slice.latencies);
        if (firstError == null) {
            firstError = slice.firstError;
        }
        errors += slice.errors;
        elapsedNanos += slice.elapsedNanos;
        cpuNanos += slice.cpuNanos;
    }

    /**
     * @throws IllegalStateException when no request was answered, naming the first error
     */
    PhaseResult result(String endpoint) {
        if (latencies.count() == 0) {
            throw new IllegalStateException("all " + errors + " requests to " + endpoint + " failed, the first with: "
                    + firstError, firstError);
        }
        return new PhaseResult(endpoint, latencies.count(), errors, Duration.ofNanos(elapsedNanos),
                latencies.percentile(50), latencies.percentile(99), cpuNanos);
    }
}
