package io.gkm.verifier.identity;

import java.util.List;
import java.util.Optional;

/**
 * Matches a signer against a keyless entry's {@link IdentityRequirement}.
 *
 * <p>Rules (Kyverno's {@code pkg/image/verifiers/cpol/cosign/cosign.go}, made strict where it is
 * lax):
 * <ul>
 *   <li>{@code issuer} must match the whole issuer as a {@link Wildcard} glob;
 *       {@code issuerRegExp} must match somewhere in it; when both are set, both must hold.</li>
 *   <li>the subject criteria hold when one subject alternative name meets all of them:
 *       {@code subject} as a glob over the whole SAN, {@code subjectRegExp} found anywhere in it.
 *       Kyverno's cosign path accepts either one when both are set, and skips the subject check
 *       for a certificate without SANs; here both must hold, and no SAN fails.</li>
 *   <li>criteria are checked in the order issuer, issuerRegExp, subject, subjectRegExp; the first
 *       that fails is reported.</li>
 * </ul>
 */
public final class IdentityMatcher {

    private IdentityMatcher() {}

    public static IdentityMatch match(IdentityRequirement requirement, SignerIdentity signer) {
        String issuer = signer.issuer();
        if (requirement.issuer().isPresent() && !Wildcard.matches(requirement.issuer().get(), issuer)) {
            return new IdentityMatch.Mismatch(IdentityCriterion.ISSUER, requirement.issuer().get(), issuer);
        }
        if (requirement.issuerRegExp().isPresent() && !requirement.issuerRegExp().get().find(issuer)) {
            return new IdentityMatch.Mismatch(
                    IdentityCriterion.ISSUER_REGEXP, requirement.issuerRegExp().get().source(), issuer);
        }
        List<String> sans = signer.subjectAlternativeNames();
        Optional<String> subject = requirement.subject();
        Optional<GoRegex> subjectRegExp = requirement.subjectRegExp();
        if (subject.isEmpty() && subjectRegExp.isEmpty()) {
            return new IdentityMatch.Matched(issuer, sans.isEmpty() ? "" : sans.get(0));
        }
        for (String san : sans) {
            if (subject.map(glob -> Wildcard.matches(glob, san)).orElse(true)
                    && subjectRegExp.map(regex -> regex.find(san)).orElse(true)) {
                return new IdentityMatch.Matched(issuer, san);
            }
        }
        String actual = String.join(", ", sans);
        // Report the glob when no SAN meets it, else the regular expression that none met with it.
        if (subject.isPresent() && sans.stream().noneMatch(san -> Wildcard.matches(subject.get(), san))) {
            return new IdentityMatch.Mismatch(IdentityCriterion.SUBJECT, subject.get(), actual);
        }
        return new IdentityMatch.Mismatch(
                IdentityCriterion.SUBJECT_REGEXP, subjectRegExp.orElseThrow().source(), actual);
    }
}
