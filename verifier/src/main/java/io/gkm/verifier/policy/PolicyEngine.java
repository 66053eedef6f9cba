package io.gkm.verifier.policy;

import io.gkm.core.image.ImageReference;
import io.gkm.core.image.InvalidImageReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a set of policies to a resource, as Kyverno's admission does for {@code verifyImages}
 * rules: {@code match}, then {@code exclude}, then the images found by the rule's extractors,
 * then per {@code verifyImages} entry {@code imageReferences} and {@code skipImageReferences}.
 * Pure: the decision of what to verify, not the verification.
 */
public final class PolicyEngine {

    private final List<ClusterPolicy> policies;

    public PolicyEngine(List<ClusterPolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    public PolicyEvaluation evaluate(KubeResource resource) {
        List<RuleOutcome> outcomes = new ArrayList<>();
        for (ClusterPolicy policy : policies) {
            for (Rule rule : policy.rules()) {
                outcomes.add(evaluate(policy, rule, resource));
            }
        }
        return new PolicyEvaluation(resource, outcomes);
    }

    private static RuleOutcome evaluate(ClusterPolicy policy, Rule rule, KubeResource resource) {
        Optional<String> mismatch = rule.match().mismatch(resource);
        if (mismatch.isPresent()) {
            return new RuleOutcome(policy, rule, RuleOutcome.Status.NOT_MATCHED, mismatch.get(), List.of());
        }
        Optional<String> exclusion = rule.exclude().flatMap(exclude -> exclude.exclusion(resource));
        if (exclusion.isPresent()) {
            return new RuleOutcome(policy, rule, RuleOutcome.Status.EXCLUDED, exclusion.get(), List.of());
        }
        List<ExtractedImage> images = new ArrayList<>();
        try {
            for (ImageExtractor extractor : rule.extractorsFor(resource.kind())) {
                Map<String, ImageExtractor.FoundImage> found = extractor.extract(resource.object());
                for (Map.Entry<String, ImageExtractor.FoundImage> entry : found.entrySet()) {
                    ImageReference reference = ImageReference.parse(entry.getValue().value());
                    images.add(new ExtractedImage(
                            extractor.name(), entry.getKey(), entry.getValue().pointer(), reference));
                }
            }
        } catch (ImageExtractor.ImageExtractionException | InvalidImageReferenceException e) {
            return new RuleOutcome(policy, rule, RuleOutcome.Status.IMAGE_ERROR, e.getMessage(), List.of());
        }
        List<ImageOutcome> outcomes = new ArrayList<>();
        for (ExtractedImage image : images) {
            for (ImageVerification verification : rule.verifyImages()) {
                outcomes.add(select(policy, rule, image, verification));
            }
        }
        String reason = images.isEmpty()
                ? "no image found by the image extractors for " + resource.kind()
                : images.size() + " image(s): " + String.join(", ", images.stream()
                        .map(i -> i.reference().kyvernoForm()).toList());
        return new RuleOutcome(policy, rule, RuleOutcome.Status.APPLIES, reason, outcomes);
    }

    private static ImageOutcome select(
            ClusterPolicy policy, Rule rule, ExtractedImage image, ImageVerification verification) {
        String form = image.reference().kyvernoForm();
        Optional<String> referenced = verification.referencedBy(image.reference());
        if (referenced.isEmpty()) {
            return new ImageOutcome(policy, rule, image, verification, ImageOutcome.Selection.NOT_REFERENCED,
                    verification.path() + ": " + form + " matches none of imageReferences "
                            + verification.imageReferences());
        }
        Optional<String> skipped = verification.skippedBy(image.reference());
        if (skipped.isPresent()) {
            return new ImageOutcome(policy, rule, image, verification, ImageOutcome.Selection.SKIPPED,
                    verification.path() + ": " + form + " matches skipImageReferences \"" + skipped.get() + "\"");
        }
        return new ImageOutcome(policy, rule, image, verification, ImageOutcome.Selection.VERIFY,
                verification.path() + ": " + form + " matches imageReferences \"" + referenced.get() + "\"");
    }
}
