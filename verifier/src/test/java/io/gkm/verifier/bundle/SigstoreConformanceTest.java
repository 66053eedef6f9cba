package io.gkm.verifier.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.Pem;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.SigstoreFixtures;
import io.gkm.verifier.trust.TrustRoot;
import io.gkm.verifier.trust.VerificationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Sigstore conformance suite's bundle-verify cases ({@code fixtures/sigstore/conformance/}):
 * a {@code _fail} case must be rejected for the check it was written for, the others verified
 * with the expected identity. Cases whose only time source is an RFC 3161 timestamp are out of
 * scope, each with its reason in {@link #OUT_OF_SCOPE}.
 */
class SigstoreConformanceTest {
    private static final String DEFAULT_IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
            + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";
    private static final String REKOR_V2 = "Rekor v2 entry (no integrated time): the signing time comes only from an "
            + "RFC 3161 timestamp, which is not supported";

    /** Cases not run, and why. Every {@code rekor2-*} case is out of scope for {@link #REKOR_V2}. */
    static final Map<String, String> OUT_OF_SCOPE = Map.of(
            "bundle-with-sct-with-extensions", REKOR_V2 + " (hashedrekord 0.0.2 with a TSA timestamp)",
            "trust-root-tsa-validity-end-inclusive", REKOR_V2 + "; the case tests a TSA validity window");

    /** The check each {@code _fail} case must fail: the test list reads as the threat model. */
    static final Map<String, Check> EXPECTED_FAILURE = Map.ofEntries(
            Map.entry("bundle-empty-certificate-chain_fail", Check.FORMAT),
            Map.entry("bundle-from-wrong-instance_fail", Check.TLOG),
            Map.entry("bundle-invalid-base64-signature_fail", Check.FORMAT),
            Map.entry("bundle-malformed-json_fail", Check.FORMAT),
            Map.entry("bundle-negative-log-index_fail", Check.TLOG),
            Map.entry("bundle-unknown-version_fail", Check.FORMAT),
            Map.entry("bundle-with-root-cert_fail", Check.CERTIFICATE_CHAIN),
            Map.entry("checkpoint-bad-keyhint_fail", Check.INCLUSION_PROOF),
            Map.entry("checkpoint-wrong-roothash_fail", Check.INCLUSION_PROOF),
            Map.entry("dsse-invalid-sig_fail", Check.SIGNATURE),
            Map.entry("dsse-mismatch-envelope_fail", Check.TLOG_ENTRY),
            Map.entry("dsse-mismatch-sig_fail", Check.TLOG_ENTRY),
            Map.entry("inclusion-proof-corrupted-hash_fail", Check.INCLUSION_PROOF),
            Map.entry("incorrect-public-key_fail", Check.SET),
            Map.entry("integrated-time-in-future_fail", Check.SIGNING_TIME),
            Map.entry("intoto-expired-certificate_fail", Check.SIGNING_TIME),
            Map.entry("intoto-log-entry-mismatch_fail", Check.TLOG_ENTRY),
            Map.entry("intoto-missing-inclusion-proof_fail", Check.INCLUSION_PROOF),
            Map.entry("intoto-set-outside-signing-cert-validity_fail", Check.SIGNING_TIME),
            Map.entry("intoto-tsa-timestamp-outside-cert-validity_fail", Check.SIGNING_TIME),
            Map.entry("invalid-checkpoint-signature_fail", Check.INCLUSION_PROOF),
            Map.entry("invalid-ct-key_fail", Check.SCT),
            Map.entry("invalid-inclusion-proof_fail", Check.INCLUSION_PROOF),
            Map.entry("managed-key-no-key_fail", Check.KEY),
            Map.entry("managed-key-wrong-key_fail", Check.SIGNATURE),
            Map.entry("message-digest-mismatch_fail", Check.ARTIFACT_DIGEST),
            Map.entry("set-invalid-signature_fail", Check.SET),
            Map.entry("signature-mismatch_fail", Check.SIGNATURE),
            Map.entry("trust-root-tlog-missing-validity-start_fail", Check.TRUST_ROOT),
            Map.entry("wrong-hashedrekord-artifact_fail", Check.TLOG_ENTRY),
            Map.entry("wrong-hashedrekord-cert-and-sig_fail", Check.TLOG_ENTRY),
            Map.entry("wrong-hashedrekord-entry_fail", Check.TLOG_ENTRY),
            Map.entry("wrong-material_fail", Check.ARTIFACT_DIGEST));

    private static final Map<Outcome, AtomicInteger> COUNTS = new EnumMap<>(Map.of(
            Outcome.VERIFIED, new AtomicInteger(), Outcome.REJECTED, new AtomicInteger(),
            Outcome.OUT_OF_SCOPE, new AtomicInteger()));

    private enum Outcome { VERIFIED, REJECTED, OUT_OF_SCOPE }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(SigstoreFixtures.path("conformance"))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bundleGetsTheConformanceSuitesVerdict(String name) throws Exception {
        Optional<String> outOfScope = outOfScopeReason(name);
        if (outOfScope.isPresent()) {
            COUNTS.get(Outcome.OUT_OF_SCOPE).incrementAndGet();
            return;
        }
        Path dir = SigstoreFixtures.path("conformance/" + name);
        SignatureVerdict verdict = verify(dir);

        if (name.endsWith("_fail")) {
            assertThat(verdict.isVerified()).as("%s must be rejected, but: %s", name, verdict.reason()).isFalse();
            assertThat(verdict.failedCheck()).as("%s: %s", name, verdict.reason()).contains(EXPECTED_FAILURE.get(name));
            COUNTS.get(Outcome.REJECTED).incrementAndGet();
        } else {
            assertThat(verdict.isVerified()).as("%s must verify, but: %s", name, verdict.reason()).isTrue();
            Optional<SigningCertificate> certificate = verdict.facts().orElseThrow().certificate();
            if (certificate.isPresent()) {
                assertThat(certificate.get().subject()).as(name).contains(text(dir.resolve("identity"), DEFAULT_IDENTITY));
                assertThat(certificate.get().issuer()).as(name).contains(text(dir.resolve("issuer"), DEFAULT_ISSUER));
            }
            COUNTS.get(Outcome.VERIFIED).incrementAndGet();
        }
    }

    @Test
    void everyExpectedFailureAndOutOfScopeReasonNamesAnExistingCase() throws IOException {
        List<String> names = cases().toList();
        assertThat(names).containsAll(EXPECTED_FAILURE.keySet()).containsAll(OUT_OF_SCOPE.keySet());
        assertThat(names.stream().filter(n -> n.endsWith("_fail") && outOfScopeReason(n).isEmpty()))
                .allSatisfy(n -> assertThat(EXPECTED_FAILURE).containsKey(n));
    }

    @AfterAll
    static void printCounts() {
        System.out.printf("Sigstore conformance bundle-verify: %d verified, %d rejected, %d out of scope%n",
                COUNTS.get(Outcome.VERIFIED).get(), COUNTS.get(Outcome.REJECTED).get(),
                COUNTS.get(Outcome.OUT_OF_SCOPE).get());
    }

    static Optional<String> outOfScopeReason(String name) {
        if (name.startsWith("rekor2-")) {
            return Optional.of(REKOR_V2);
        }
        return Optional.ofNullable(OUT_OF_SCOPE.get(name));
    }

    private static SignatureVerdict verify(Path dir) throws IOException {
        TrustRoot trustRoot;
        try {
            trustRoot = Files.exists(dir.resolve("trusted_root.json"))
                    ? TrustRoot.fromFile(dir.resolve("trusted_root.json")) : SigstoreFixtures.publicGood();
        } catch (VerificationException e) {
            return SignatureVerdict.rejected(e);
        }
        SigstoreBundleVerifier.Builder builder = SigstoreBundleVerifier.builder().trustRoot(trustRoot);
        if (Files.exists(dir.resolve("key.pub"))) {
            try {
                builder.publicKey(Pem.publicKey(Files.readString(dir.resolve("key.pub"), StandardCharsets.US_ASCII)));
            } catch (VerificationException e) {
                return SignatureVerdict.rejected(e);
            }
        }
        Path artifact = Files.exists(dir.resolve("artifact")) ? dir.resolve("artifact") : dir.resolveSibling("a.txt");
        return builder.build().verifyArtifact(Files.readAllBytes(dir.resolve("bundle.sigstore.json")),
                Files.readAllBytes(artifact));
    }

    private static String text(Path file, String fallback) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : fallback;
    }
}
