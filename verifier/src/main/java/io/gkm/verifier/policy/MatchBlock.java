package io.gkm.verifier.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule's {@code match} or {@code exclude}: a list of {@link ResourceFilter}s under {@code any}
 * or {@code all} (Kyverno does not allow both).
 *
 * <p>As {@code match}: {@code any} selects a resource that passes one filter, {@code all} one
 * that passes every filter. As {@code exclude}: {@code any} removes a resource that passes one
 * filter, {@code all} only one that passes every filter.
 *
 * @param mode {@code any} or {@code all}
 * @param filters at least one
 */
public record MatchBlock(Mode mode, List<ResourceFilter> filters) {

    public MatchBlock {
        Objects.requireNonNull(mode, "mode");
        filters = List.copyOf(filters);
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("a match block needs at least one filter");
        }
    }

    /** As {@code match}: why {@code resource} is not selected, or empty when it is. */
    public Optional<String> mismatch(KubeResource resource) {
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            Optional<String> miss = filters.get(i).mismatch(resource);
            if (miss.isPresent()) {
                if (mode == Mode.ALL) {
                    return Optional.of("match.all[" + i + "]: " + miss.get());
                }
                misses.add("match.any[" + i + "]: " + miss.get());
            } else if (mode == Mode.ANY) {
                return Optional.empty();
            }
        }
        return misses.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", misses));
    }

    /** As {@code exclude}: why {@code resource} is excluded, or empty when it is not. */
    public Optional<String> exclusion(KubeResource resource) {
        for (int i = 0; i < filters.size(); i++) {
            boolean passes = filters.get(i).mismatch(resource).isEmpty();
            if (mode == Mode.ANY && passes) {
                return Optional.of("excluded by exclude.any[" + i + "]");
            }
            if (mode == Mode.ALL && !passes) {
                return Optional.empty();
            }
        }
        return mode == Mode.ALL ? Optional.of("excluded by exclude.all (every filter matched)") : Optional.empty();
    }

    /** {@code any} or {@code all}. */
    public enum Mode {
        ANY,
        ALL
    }
}
