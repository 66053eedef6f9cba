package io.gkm.verifier.trust;

import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.encryption.certificates.transparency.CTLogInfo;
import dev.sigstore.encryption.certificates.transparency.CTVerificationResult;
import dev.sigstore.encryption.certificates.transparency.CTVerifier;
import dev.sigstore.encryption.certificates.transparency.VerifiedSCT;
import io.gkm.verifier.trust.TrustRoot.FulcioCa;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Certificate path validation against a trust root's CAs, and SCT verification against its CT logs. */
final class ChainValidator {
    private static final String EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

    private ChainValidator() {
    }

    static List<X509Certificate> validate(TrustRoot root, X509Certificate leaf, List<X509Certificate> untrustedChain,
            Instant signingTime) throws VerificationException {
        requireCodeSigning(leaf);
        if (root.fulcioCas().isEmpty()) {
            throw new VerificationException(Check.CERTIFICATE_CHAIN, "trust root " + root.source() + " has no Fulcio CA");
        }
        // The CA must have been trusted when it issued the leaf (sigstore-java picks CAs the same way).
        Instant issued = leaf.getNotBefore().toInstant();
        List<FulcioCa> candidates = root.fulcioCas().stream().filter(ca -> ca.validFor().contains(issued)).toList();
        if (candidates.isEmpty()) {
            throw new VerificationException(Check.CERTIFICATE_CHAIN, "no Fulcio CA valid at " + issued
                    + " (the certificate's issuance) in " + root.source());
        }
        List<X509Certificate> untrustedIntermediates = untrustedChain.stream().filter(c -> !isSelfSigned(c)).toList();
        Map<String, String> failures = new LinkedHashMap<>();
        for (FulcioCa ca : candidates) {
            try {
                return buildPath(ca, leaf, untrustedIntermediates, signingTime);
            } catch (CertPathBuilderException e) {
                failures.put(ca.name(), String.valueOf(e.getMessage()));
            }
        }
        throw new VerificationException(Check.CERTIFICATE_CHAIN, "certificate of " + signerOf(leaf)
                + " issued by " + leaf.getIssuerX500Principal() + " does not chain to a trusted Fulcio root of "
                + root.source() + " at " + signingTime + ": " + failures.entrySet().stream()
                        .map(f -> f.getKey() + " (" + f.getValue() + ")").collect(Collectors.joining("; ")));
    }

    /** Fulcio leaves have an empty subject: the signer is in the subject alternative name. */
    private static String signerOf(X509Certificate leaf) {
        try {
            return SigningCertificate.of(leaf).describeIdentity();
        } catch (VerificationException unreadable) {
            return leaf.getSubjectX500Principal().getName();
        }
    }

    static void verifySct(TrustRoot root, List<X509Certificate> chain) throws VerificationException {
        if (root.ctlogs().isEmpty()) {
            throw new VerificationException(Check.TRUST_ROOT, "trust root " + root.source()
                    + " has no CT log key to verify the certificate's SCT with");
        }
        X509Certificate leaf = chain.get(0);
        if (Certificates.getEmbeddedSCTs(leaf).isEmpty()) {
            throw new VerificationException(Check.SCT, "signing certificate has no embedded SCT");
        }
        List<CTLogInfo> logs = root.ctlogs().stream()
                .map(l -> new CTLogInfo(l.key(), "CT log", l.url())).toList();
        CTVerifier verifier = new CTVerifier(logId -> logs.stream()
                .filter(l -> Arrays.equals(l.getID(), logId)).findFirst().orElse(null));
        CTVerificationResult result;
        try {
            result = verifier.verifySignedCertificateTimestamps(chain, null, null);
        } catch (CertificateEncodingException e) {
            throw new VerificationException(Check.SCT, "cannot encode the certificate chain for SCT verification: "
                    + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        for (VerifiedSCT valid : result.getValidSCTs()) {
            Instant logged = Instant.ofEpochMilli(valid.sct.getTimestamp());
            boolean trustedThen = root.ctlogs().stream().anyMatch(
                    l -> Arrays.equals(l.logId(), valid.sct.getLogID()) && l.isValidAt(logged));
            if (trustedThen) {
                return;
            }
            problems.add("SCT of log " + hex(valid.sct.getLogID()) + " at " + logged + ": log key not valid then");
        }
        for (VerifiedSCT invalid : result.getInvalidSCTs()) {
            problems.add("SCT of log " + hex(invalid.sct.getLogID()) + ": " + invalid.status);
        }
        throw new VerificationException(Check.SCT, "no valid SCT from a CT log of " + root.source() + " ("
                + String.join("; ", problems) + ")");
    }

    static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<X509Certificate> buildPath(FulcioCa ca, X509Certificate leaf,
            List<X509Certificate> untrustedIntermediates, Instant signingTime) throws CertPathBuilderException {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(Set.of(new TrustAnchor(ca.anchor(), null)), target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(signingTime));
            List<X509Certificate> store = new ArrayList<>(ca.intermediates());
            store.addAll(untrustedIntermediates);
            store.add(leaf);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            var result = CertPathBuilder.getInstance("PKIX").build(params);
            @SuppressWarnings("unchecked")
            List<X509Certificate> path = new ArrayList<>((List<X509Certificate>) result.getCertPath().getCertificates());
            path.add(ca.anchor());
            return path;
        } catch (CertPathBuilderException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new CertPathBuilderException(e.getMessage(), e);
        }
    }

    /** Like Go's x509 (and so cosign): a leaf without extended key usage may sign code, one with it must say so. */
    private static void requireCodeSigning(X509Certificate leaf) throws VerificationException {
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new VerificationException(Check.CERTIFICATE_CHAIN, "unreadable extended key usage: " + e.getMessage(), e);
        }
        if (usages != null && !usages.contains(EKU_CODE_SIGNING)) {
            throw new VerificationException(Check.CERTIFICATE_CHAIN,
                    "signing certificate's extended key usage " + usages + " does not include code signing");
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
