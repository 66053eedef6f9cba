package io.gkm.verifier.bundle;

import io.gkm.verifier.bundle.SigstoreBundle.Dsse;
import io.gkm.verifier.bundle.SigstoreBundle.MessageSignature;
import io.gkm.verifier.bundle.SigstoreBundle.TlogEntryJson;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.RekorBody;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SignerFacts;
import io.gkm.verifier.trust.Signatures;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.TlogEntry;
import io.gkm.verifier.trust.TrustRoot;
import io.gkm.verifier.trust.VerificationException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies Sigstore bundles (v0.1 to v0.3, Rekor v1 entries): cosign v3 image signatures (a DSSE
 * in-toto statement whose subject is the image digest) and, for the conformance suite, message
 * signatures over an artifact. Pure: bytes in, one verdict out.
 *
 * <p>The checks: the bundle's structure for its version (v0.1 needs the SET, v0.2+ an inclusion
 * proof, v0.3 a single certificate); the signature (over the artifact, or DSSE's PAE) with the
 * certificate's key or the given key; the subject digest; the Rekor entry (log key valid at the
 * integrated time, SET, inclusion proof and checkpoint) and that its body records this content,
 * signature and signer; for keyless, the chain to a CA of the trust root at the integrated time,
 * the SCT, and what sigstore-java 2.0.0 leaves out: the integrated time, and every RFC 3161
 * timestamp a trusted TSA signed, inside the certificate's validity.
 *
 * <p>Rekor v2 entries carry no integrated time and need RFC 3161 timestamps as the time source:
 * they are rejected as {@link Check#UNSUPPORTED}.
 */
public final class SigstoreBundleVerifier {
    private static final Pattern IMAGE_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private final TrustRoot trustRoot;
    private final Optional<PublicKey> publicKey;
    private final boolean ignoreSct;

    private SigstoreBundleVerifier(Builder builder) {
        this.trustRoot = builder.trustRoot;
        this.publicKey = Optional.ofNullable(builder.publicKey);
        this.ignoreSct = builder.ignoreSct;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The verdict on {@code bundleJson} as a signature of the image {@code imageDigest} ({@code sha256:<hex>}). */
    public SignatureVerdict verifyImage(byte[] bundleJson, String imageDigest) {
        try {
            if (imageDigest == null || !IMAGE_DIGEST.matcher(imageDigest).matches()) {
                throw new VerificationException(Check.IMAGE_DIGEST, "image digest '" + imageDigest
                        + "' is not sha256:<64 lower-case hex digits>");
            }
            String hex = imageDigest.substring("sha256:".length());
            return SignatureVerdict.verified(check(bundleJson, new Subject("image " + imageDigest,
                    HexFormat.of().parseHex(hex), Optional.empty(), Check.IMAGE_DIGEST)));
        } catch (VerificationException e) {
            return SignatureVerdict.rejected(e);
        }
    }

    /** The verdict on {@code bundleJson} as a signature of {@code artifact}: a message signature or a DSSE statement about it. */
    public SignatureVerdict verifyArtifact(byte[] bundleJson, byte[] artifact) {
        try {
            return SignatureVerdict.verified(check(bundleJson, new Subject("artifact", sha256(artifact),
                    Optional.of(artifact), Check.ARTIFACT_DIGEST)));
        } catch (VerificationException e) {
            return SignatureVerdict.rejected(e);
        }
    }

    /** What the bundle must be about: its sha256, and the bytes themselves when a message signature needs them. */
    private record Subject(String description, byte[] sha256, Optional<byte[]> content, Check mismatch) {
    }

    private SignerFacts check(byte[] bundleJson, Subject subject) throws VerificationException {
        SigstoreBundle bundle = SigstoreBundle.parse(bundleJson);
        TlogEntryJson tlog = bundle.tlogEntry();
        requireRekorV1(tlog);
        if (bundle.minorVersion() >= 2 && !tlog.hasInclusionProof()) {
            throw new VerificationException(Check.INCLUSION_PROOF, "bundle v0." + bundle.minorVersion()
                    + " has no inclusion proof (required from v0.2)");
        }

        Optional<X509Certificate> certificate = signingCertificate(bundle);
        PublicKey key = publicKey.orElseGet(() -> certificate.get().getPublicKey());

        byte[] signature;
        byte[] contentSha256;
        if (bundle.messageSignature().isPresent()) {
            MessageSignature message = bundle.messageSignature().get();
            signature = message.signature();
            contentSha256 = checkMessageSignature(message, subject, key);
        } else {
            Dsse dsse = bundle.dsse().orElseThrow();
            signature = checkDsse(dsse, subject, key);
            contentSha256 = sha256(dsse.payload());
        }

        TlogEntry tlogEntry = trustRoot.verifyTlogEntry(tlog.entry());
        RekorBody body = RekorBody.parse(tlog.entry().getBody());
        if (!body.kind().equals(tlog.kind()) || !body.apiVersion().equals(tlog.version())) {
            throw new VerificationException(Check.TLOG_ENTRY, "bundle names a " + tlog.kind() + " " + tlog.version()
                    + " entry but the logged body is " + body.kind() + " " + body.apiVersion());
        }
        body.requireBinds(contentSha256, signature, key, certificate);

        Optional<SigningCertificate> signer = Optional.empty();
        if (certificate.isPresent()) {
            signer = Optional.of(checkCertificate(bundle, certificate.get(), tlogEntry, signature));
        }
        return new SignerFacts(signer, Optional.of(tlogEntry));
    }

    private static void requireRekorV1(TlogEntryJson tlog) throws VerificationException {
        if (tlog.integratedTime() == 0 || (tlog.version().equals("0.0.2") && !tlog.kind().equals("intoto"))) {
            throw new VerificationException(Check.UNSUPPORTED, "the transparency log entry is a Rekor v2 entry ("
                    + tlog.kind() + " " + tlog.version() + ", no integrated time); verifying it needs RFC 3161 "
                    + "timestamps as the time source, which is not supported");
        }
    }

    private Optional<X509Certificate> signingCertificate(SigstoreBundle bundle) throws VerificationException {
        if (publicKey.isPresent()) {
            if (bundle.publicKeyHint().isEmpty()) {
                throw new VerificationException(Check.KEY, "bundle is signed keyless (it carries a certificate) "
                        + "but verification was asked with a public key");
            }
            return Optional.empty();
        }
        if (bundle.publicKeyHint().isPresent()) {
            throw new VerificationException(Check.KEY, "bundle is signed with a public key (hint '"
                    + bundle.publicKeyHint().get() + "') but no public key was given");
        }
        if (bundle.certificates().stream().skip(1).anyMatch(SigstoreBundleVerifier::isSelfSigned)) {
            // The root must come from the trust root; a bundle that ships one is malformed (Sigstore client spec).
            throw new VerificationException(Check.CERTIFICATE_CHAIN, "bundle certificate chain contains a root certificate");
        }
        return Optional.of(bundle.certificates().get(0));
    }

    private static byte[] checkMessageSignature(MessageSignature message, Subject subject, PublicKey key)
            throws VerificationException {
        byte[] artifact = subject.content().orElseThrow(() -> new VerificationException(Check.FORMAT,
                "bundle holds a message signature over a blob; an image signature is a DSSE in-toto statement"));
        if (message.digest().isPresent()) {
            String algorithm = message.digestAlgorithm().orElse("");
            if (!algorithm.equals("SHA2_256")) {
                throw new VerificationException(Check.UNSUPPORTED, "message digest algorithm '" + algorithm
                        + "' is not supported (SHA2_256 is)");
            }
            // An unauthenticated hint, but one that contradicts the artifact means the wrong bundle.
            if (!MessageDigest.isEqual(message.digest().get(), subject.sha256())) {
                throw new VerificationException(Check.ARTIFACT_DIGEST, "bundle message digest sha256:"
                        + HexFormat.of().formatHex(message.digest().get()) + " does not match the artifact's sha256:"
                        + HexFormat.of().formatHex(subject.sha256()));
            }
        }
        Signatures.verify(key, artifact, message.signature(), "artifact");
        return subject.sha256();
    }

    /** @return the envelope's signature */
    private static byte[] checkDsse(Dsse dsse, Subject subject, PublicKey key) throws VerificationException {
        if (!dsse.payloadType().equals(InTotoStatement.PAYLOAD_TYPE)) {
            throw new VerificationException(Check.FORMAT, "DSSE payload type '" + dsse.payloadType() + "' is not "
                    + InTotoStatement.PAYLOAD_TYPE);
        }
        if (dsse.signatures().size() != 1) {
            throw new VerificationException(Check.UNSUPPORTED, "DSSE envelope has " + dsse.signatures().size()
                    + " signatures; exactly one is supported");
        }
        byte[] signature = dsse.signatures().get(0);
        Signatures.verify(key, pae(dsse.payloadType(), dsse.payload()), signature, "DSSE envelope");
        InTotoStatement statement = InTotoStatement.parse(dsse.payload());
        String expected = HexFormat.of().formatHex(subject.sha256());
        if (!statement.subjectSha256().contains(expected)) {
            throw new VerificationException(subject.mismatch(), "in-toto statement subjects "
                    + statement.subjectSha256().stream().map(d -> "sha256:" + d).toList() + " do not include the "
                    + subject.description() + (subject.content().isPresent() ? " sha256:" + expected : ""));
        }
        return signature;
    }

    private SigningCertificate checkCertificate(SigstoreBundle bundle, X509Certificate certificate, TlogEntry tlogEntry,
            byte[] signature) throws VerificationException {
        SigningCertificate signer = SigningCertificate.of(certificate);
        Instant integrated = tlogEntry.integratedTime();
        if (!signer.isValidAt(integrated)) {
            throw new VerificationException(Check.SIGNING_TIME, "integrated time " + integrated
                    + " outside certificate validity " + signer.notBefore() + " to " + signer.notAfter());
        }
        for (Instant timestamp : trustRoot.verifiedTimestamps(bundle.rfc3161Timestamps(), signature)) {
            if (!signer.isValidAt(timestamp)) {
                throw new VerificationException(Check.SIGNING_TIME, "RFC 3161 timestamp " + timestamp
                        + " outside certificate validity " + signer.notBefore() + " to " + signer.notAfter());
            }
        }
        List<X509Certificate> rest = bundle.certificates().subList(1, bundle.certificates().size());
        List<X509Certificate> chain = trustRoot.verifyCertificateChain(certificate, rest, integrated);
        if (!ignoreSct) {
            trustRoot.verifySct(chain);
        }
        return signer;
    }

    /**
     * DSSE's pre-authentication encoding, {@code DSSEv1 <len(type)> <type> <len(payload)> <payload>}:
     * what a DSSE signature signs. Lengths are byte counts (sigstore-java 2.0.0 counts UTF-16 chars).
     * The sandbox signer uses it too; the conformance suite's DSSE bundles check it independently.
     */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Keyless with a trust root; with {@link #publicKey}, for bundles signed with a managed key. */
    public static final class Builder {
        private TrustRoot trustRoot;
        private PublicKey publicKey;
        private boolean ignoreSct;

        private Builder() {
        }

        /** CAs, CT keys and Rekor keys; required, also for keyed bundles (their Rekor entry). */
        public Builder trustRoot(TrustRoot trustRoot) {
            this.trustRoot = trustRoot;
            return this;
        }

        public Builder publicKey(PublicKey publicKey) {
            this.publicKey = publicKey;
            return this;
        }

        /** Skip the certificate's SCT (Kyverno's {@code ctlog.ignoreSCT}). */
        public Builder ignoreSct(boolean ignoreSct) {
            this.ignoreSct = ignoreSct;
            return this;
        }

        public SigstoreBundleVerifier build() {
            if (trustRoot == null) {
                throw new IllegalStateException("bundle verification needs a trust root (Rekor keys, and CAs for keyless)");
            }
            return new SigstoreBundleVerifier(this);
        }
    }
}
