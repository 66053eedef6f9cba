package io.gkm.verifier.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code spec.rules[]} entry: which resources it selects and how their images are verified.
 *
 * @param name {@code name}, unique within its policy
 * @param match {@code match}: the resources the rule applies to
 * @param exclude {@code exclude}: resources taken out again, when set
 * @param imageExtractors {@code imageExtractors}: per kind, where the images are; a kind not
 *                        listed uses {@link ImageExtractor#defaultsFor}
 * @param verifyImages {@code verifyImages}, in policy order
 */
public record Rule(
        String name,
        MatchBlock match,
        Optional<MatchBlock> exclude,
        Map<String, List<ImageExtractor>> imageExtractors,
        List<ImageVerification> verifyImages) {

    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(exclude, "exclude");
        Map<String, List<ImageExtractor>> copy = new LinkedHashMap<>();
        imageExtractors.forEach((kind, extractors) -> copy.put(kind, List.copyOf(extractors)));
        imageExtractors = Collections.unmodifiableMap(copy);
        verifyImages = List.copyOf(verifyImages);
    }

    /** The extractors for a resource kind: the rule's own, else the built-in ones, else none. */
    public List<ImageExtractor> extractorsFor(String kind) {
        return imageExtractors.getOrDefault(kind, ImageExtractor.defaultsFor(kind));
    }
}
