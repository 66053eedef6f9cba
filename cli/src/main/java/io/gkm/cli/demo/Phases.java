package io.gkm.cli.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** How long each phase of the demo took, in the order they ran. */
final class Phases {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final long started = System.nanoTime();
    private long phaseStart = started;

    /** Ends the phase running since the last call (or the start), under {@code name}; returns its seconds. */
    double end(String name) {
        long now = System.nanoTime();
        long took = now - phaseStart;
        nanos.merge(name, took, Long::sum);
        phaseStart = now;
        return took / 1e9;
    }

    /** e.g. {@code registry 0.3 s, kafka 2.1 s, ... total 9.8 s}. */
    String summary() {
        return nanos.entrySet().stream().map(e -> String.format("%s %.1f s", e.getKey(), e.getValue() / 1e9))
                .collect(Collectors.joining(", ")) + String.format("; total %.1f s", (System.nanoTime() - started) / 1e9);
    }

}
