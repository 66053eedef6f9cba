package io.gkm.verifier;

import io.gkm.core.image.Digest;
import io.gkm.verifier.ImageEvidence.FetchedSignature;
import io.gkm.verifier.ImageEvidence.SignatureSearch;
import io.gkm.verifier.bundle.SigstoreBundleVerifier;
import io.gkm.verifier.cosign.CosignVerifier;
import io.gkm.verifier.identity.IdentityMatch;
import io.gkm.verifier.identity.IdentityMatcher;
import io.gkm.verifier.identity.SignerIdentity;
import io.gkm.verifier.policy.Attestor;
import io.gkm.verifier.policy.AttestorSet;
import io.gkm.verifier.policy.CtLog;
import io.gkm.verifier.policy.EntryOutcome;
import io.gkm.verifier.policy.KeyAttestor;
import io.gkm.verifier.policy.KeylessAttestor;
import io.gkm.verifier.policy.Rekor;
import io.gkm.verifier.policy.SignatureType;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.Pem;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SignerFacts;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.TrustRoot;
import io.gkm.verifier.trust.VerificationException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks one attestor entry against an image's signatures of one format: the entry passes when
 * one signature verifies with the entry's key or trust root and, for keyless entries, its
 * certificate's identity meets the entry's issuer and subject criteria. Pure: the signatures are
 * fetched already, the trust root is loaded already; what it does is cryptography.
 *
 * <p>Trust per entry, as Kyverno configures cosign: {@code roots} replaces the CAs,
 * {@code rekor.pubkey} the Rekor keys, {@code ctlog.pubkey} the CT log keys of the configured
 * trust root; keyed entries need no CAs and no CT keys, and with {@code rekor.ignoreTlog} (cosign
 * v2 only) no Rekor keys either, so such an entry needs no trust root at all. A Sigstore bundle
 * always carries a transparency log entry and it is always verified, {@code ignoreTlog} or not.
 */
final class SignatureCheck {
    /** Failed signatures named one by one in a reason; the rest are counted. */
    static final int REASONS_SHOWN = 5;

    private SignatureCheck() {
    }

    /**
     * The configured trust root as far as it could be loaded: a root, or why there is none.
     *
     * @param root the root, when loaded
     * @param problem why there is no root (e.g. no {@code GKM_TRUSTED_ROOT} and no TUF access)
     */
    record ConfiguredTrust(Optional<TrustRoot> root, String problem) {
        ConfiguredTrust {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(problem, "problem");
        }

        static ConfiguredTrust of(TrustRoot root) {
            return new ConfiguredTrust(Optional.of(root), "");
        }

        static ConfiguredTrust unavailable(String problem) {
            return new ConfiguredTrust(Optional.empty(), problem);
        }

        TrustRoot require() throws VerificationException {
            return root.orElseThrow(() -> new VerificationException(Check.TRUST_ROOT, problem));
        }
    }

    /**
     * One entry checked.
     *
     * @param outcome passed or failed, with the reason
     * @param signer what the verified signature proves, when the entry passed
     * @param unavailable why the entry could not be checked at all (no trust root), when so
     */
    record EntryCheck(EntryOutcome outcome, Optional<SignerFacts> signer, Optional<String> unavailable) {
        EntryCheck {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(signer, "signer");
            Objects.requireNonNull(unavailable, "unavailable");
        }
    }

    /** True when {@code entry} needs (part of) the configured trust root for {@code type} signatures. */
    static boolean needsConfiguredRoot(Attestor entry, SignatureType type) {
        return (needsCas(entry) && roots(entry).isEmpty())
                || (needsTlog(entry, type) && entry.rekor().flatMap(Rekor::publicKey).isEmpty())
                || (needsCtKeys(entry) && entry.ctlog().flatMap(CtLog::publicKey).isEmpty());
    }

    /**
     * Checks the entries of {@code set} in order until {@code count} of them passed (Kyverno stops
     * there too); entries not reached count as not checked.
     */
    static List<EntryCheck> checkSet(AttestorSet set, SignatureSearch search, Digest digest, ConfiguredTrust trust,
            Clock clock) {
        List<EntryCheck> checks = new ArrayList<>();
        int passed = 0;
        for (int i = 0; i < set.entries().size() && passed < set.requiredCount(); i++) {
            EntryCheck check = check(i, set.entries().get(i), search, digest, trust, clock);
            checks.add(check);
            if (check.outcome().passed()) {
                passed++;
            }
        }
        return checks;
    }

    /**
     * Checks entry {@code index} of its set against the signatures in {@code search}, which holds
     * at least one; stops at the first signature that passes.
     */
    static EntryCheck check(int index, Attestor entry, SignatureSearch search, Digest digest, ConfiguredTrust trust,
            Clock clock) {
        Verification verification;
        try {
            verification = verification(entry, search.type(), trust, clock);
        } catch (VerificationException e) {
            String reason = "cannot be checked: " + e.getMessage();
            return new EntryCheck(EntryOutcome.failed(index, reason), Optional.empty(), Optional.of(e.getMessage()));
        }
        List<String> failures = new ArrayList<>();
        for (FetchedSignature signature : search.signatures()) {
            String name = "signature " + shortId(signature.id());
            SignatureVerdict verdict;
            if (signature instanceof FetchedSignature.CosignLayer layer) {
                verdict = verification.cosign().verify(digest.toString(), layer.layer());
            } else if (signature instanceof FetchedSignature.Bundle bundle) {
                verdict = verification.bundle().verifyImage(bundle.json(), digest.toString());
            } else {
                failures.add(name + " could not be read: " + ((FetchedSignature.Unreadable) signature).problem());
                continue;
            }
            if (!verdict.isVerified()) {
                failures.add(name + ": " + verdict.reason());
                continue;
            }
            SignerFacts facts = verdict.facts().orElseThrow();
            if (entry instanceof KeylessAttestor keyless) {
                IdentityMatch match = IdentityMatcher.match(keyless.identity(), identity(facts));
                if (!match.matched()) {
                    failures.add(name + " verified, but " + match.reason());
                    continue;
                }
                return passed(index, name + " " + verdict.reason() + "; " + match.reason(), facts);
            }
            return passed(index, name + " " + verdict.reason(), facts);
        }
        String shown = String.join("; ", failures.subList(0, Math.min(failures.size(), REASONS_SHOWN)));
        String more = failures.size() > REASONS_SHOWN ? "; and " + (failures.size() - REASONS_SHOWN) + " more" : "";
        return new EntryCheck(EntryOutcome.failed(index, "no signature verified: " + shown + more), Optional.empty(),
                Optional.empty());
    }

    /** The verifier configured for one entry; the one of the other format is null. */
    private record Verification(CosignVerifier cosign, SigstoreBundleVerifier bundle) {
    }

    private static Verification verification(Attestor entry, SignatureType type, ConfiguredTrust trust, Clock clock)
            throws VerificationException {
        Optional<PublicKey> key = entry instanceof KeyAttestor keyed
                ? Optional.of(Pem.publicKey(keyed.publicKey())) : Optional.empty();
        boolean ignoreSct = entry.ctlog().map(CtLog::ignoreSct).orElse(false);
        Optional<TrustRoot> root = trustRoot(entry, type, trust);
        return switch (type) {
            case COSIGN -> new Verification(CosignVerifier.builder()
                    .trustRoot(root.orElse(null))
                    .publicKey(key.orElse(null))
                    .ignoreTlog(!needsTlog(entry, type))
                    .ignoreSct(ignoreSct)
                    .clock(clock)
                    .build(), null);
            case SIGSTORE_BUNDLE -> new Verification(null, SigstoreBundleVerifier.builder()
                    .trustRoot(root.orElseThrow())
                    .publicKey(key.orElse(null))
                    .ignoreSct(ignoreSct)
                    .build());
        };
    }

    /** The entry's trust root, its own parts replacing the configured root's; empty when it needs none. */
    private static Optional<TrustRoot> trustRoot(Attestor entry, SignatureType type, ConfiguredTrust trust)
            throws VerificationException {
        boolean cas = needsCas(entry);
        boolean tlog = needsTlog(entry, type);
        boolean ct = needsCtKeys(entry);
        if (!cas && !tlog && !ct) {
            return Optional.empty();
        }
        Optional<String> roots = roots(entry);
        Optional<String> rekorKeys = entry.rekor().flatMap(Rekor::publicKey);
        Optional<String> ctKeys = entry.ctlog().flatMap(CtLog::publicKey);
        if (roots.isEmpty() && rekorKeys.isEmpty() && ctKeys.isEmpty()) {
            return Optional.of(trust.require());
        }
        TrustRoot none = TrustRoot.builder().build();
        TrustRoot caPart = !cas ? none : roots.isPresent()
                ? TrustRoot.builder().caCertificates(roots.get(), entry.path() + ".keyless.roots").build()
                : trust.require();
        TrustRoot tlogPart = !tlog ? none : rekorKeys.isPresent()
                ? logKeys(rekorKeys.get(), entry.path() + ".rekor.pubkey", true) : trust.require();
        TrustRoot ctPart = !ct ? none : ctKeys.isPresent()
                ? logKeys(ctKeys.get(), entry.path() + ".ctlog.pubkey", false) : trust.require();
        return Optional.of(TrustRoot.combine(caPart, tlogPart, ctPart));
    }

    private static TrustRoot logKeys(String pem, String origin, boolean rekor) throws VerificationException {
        TrustRoot.Builder builder = TrustRoot.builder();
        for (PublicKey key : Pem.publicKeys(pem)) {
            if (rekor) {
                builder.rekorKey(key, origin);
            } else {
                builder.ctLogKey(key, origin);
            }
        }
        return builder.build();
    }

    private static boolean needsCas(Attestor entry) {
        return entry instanceof KeylessAttestor;
    }

    private static boolean needsTlog(Attestor entry, SignatureType type) {
        return type == SignatureType.SIGSTORE_BUNDLE || !entry.rekor().map(Rekor::ignoreTlog).orElse(false);
    }

    private static boolean needsCtKeys(Attestor entry) {
        return entry instanceof KeylessAttestor && !entry.ctlog().map(CtLog::ignoreSct).orElse(false);
    }

    private static Optional<String> roots(Attestor entry) {
        return entry instanceof KeylessAttestor keyless ? keyless.roots() : Optional.empty();
    }

    private static SignerIdentity identity(SignerFacts facts) {
        SigningCertificate certificate = facts.certificate().orElseThrow(() -> new IllegalStateException(
                "a keyless signature verified without a certificate"));
        return new SignerIdentity(certificate.issuer().orElse(""), certificate.subjectAlternativeNames());
    }

    private static EntryCheck passed(int index, String reason, SignerFacts facts) {
        return new EntryCheck(EntryOutcome.passed(index, reason), Optional.of(facts), Optional.empty());
    }

    /** {@code sha256:0123456789ab}: enough to tell signatures apart in a reason. */
    static String shortId(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }
}
