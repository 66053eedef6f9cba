package io.gkm.verifier;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Milliseconds spent per phase of one verification, summed over the phase's calls; not thread-safe. */
final class PhaseTimer {
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    <T> T time(String phase, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            nanos.merge(phase, System.nanoTime() - start, Long::sum);
        }
    }

    void record(String phase, long startNanos) {
        nanos.merge(phase, System.nanoTime() - startNanos, Long::sum);
    }

    /** An independent timer that starts from this one's sums. */
    PhaseTimer copy() {
        PhaseTimer copy = new PhaseTimer();
        copy.nanos.putAll(nanos);
        return copy;
    }

    /** Phase to whole milliseconds, in the order the phases first ran. */
    Map<String, Long> millis() {
        Map<String, Long> millis = new LinkedHashMap<>();
        nanos.forEach((phase, n) -> millis.put(phase, n / 1_000_000));
        return millis;
    }
}
