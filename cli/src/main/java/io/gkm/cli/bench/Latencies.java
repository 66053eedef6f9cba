package io.gkm.cli.bench;

import java.util.Arrays;

/** Latencies of one phase, in nanoseconds; percentiles by rank over all samples (no bucketing). */
final class Latencies {
    private long[] samples = new long[1 << 16];
    private int count;

    void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[count++] = nanos;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.count; i++) {
            add(other.samples[i]);
        }
    }

    int count() {
        return count;
    }

    /**
     * The nearest-rank percentile: the smallest sample that {@code percent} % of all samples do not exceed.
     *
     * @throws IllegalStateException when there are no samples
     */
    long percentile(double percent) {
        if (count == 0) {
            throw new IllegalStateException("no requests completed");
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * count);
        return sorted[Math.max(0, rank - 1)];
    }
}
