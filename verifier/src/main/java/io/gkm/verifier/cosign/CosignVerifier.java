package io.gkm.verifier.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.rekor.client.ImmutableRekorEntry;
import dev.sigstore.rekor.client.ImmutableVerification;
import dev.sigstore.rekor.client.RekorEntry;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.Pem;
import io.gkm.verifier.trust.RekorBody;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SignerFacts;
import io.gkm.verifier.trust.Signatures;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.TlogEntry;
import io.gkm.verifier.trust.TrustRoot;
import io.gkm.verifier.trust.VerificationException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies cosign v2 ("legacy") image signatures: the layers of the {@code sha256-<hex>.sig}
 * manifest, each a simple-signing payload with its signature, certificate, chain and Rekor SET in
 * annotations. Pure: the caller fetches the layers; this class checks them, one verdict per layer.
 *
 * <p>Per layer, in this order (cosign's): the media type; the signature over the payload bytes,
 * with the given key or the certificate's; the Rekor SET (log key chosen by log id, valid at the
 * integrated time), and that its body records this payload, signature and signer; for keyless,
 * the chain to a trusted CA at the signing time, the embedded SCT, and the signing time inside the
 * certificate's validity; last, the payload's claims ({@code critical.type} and
 * {@code critical.image.docker-manifest-digest} = the image digest).
 */
public final class CosignVerifier {
    static final String SIGNATURE_TYPE = "cosign container image signature";
    private static final Pattern IMAGE_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<TrustRoot> trustRoot;
    private final Optional<PublicKey> publicKey;
    private final boolean ignoreTlog;
    private final boolean ignoreSct;
    private final Clock clock;

    private CosignVerifier(Builder builder) {
        this.trustRoot = Optional.ofNullable(builder.trustRoot);
        this.publicKey = Optional.ofNullable(builder.publicKey);
        this.ignoreTlog = builder.ignoreTlog;
        this.ignoreSct = builder.ignoreSct;
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One verdict per layer, in layer order. */
    public List<SignatureVerdict> verify(String imageDigest, List<SignatureLayer> layers) {
        List<SignatureVerdict> verdicts = new ArrayList<>(layers.size());
        for (SignatureLayer layer : layers) {
            verdicts.add(verify(imageDigest, layer));
        }
        return verdicts;
    }

    /** The verdict on one layer as a signature of the image {@code imageDigest} ({@code sha256:<hex>}). */
    public SignatureVerdict verify(String imageDigest, SignatureLayer layer) {
        try {
            return SignatureVerdict.verified(check(imageDigest, layer));
        } catch (VerificationException e) {
            return SignatureVerdict.rejected(e);
        }
    }

    private SignerFacts check(String imageDigest, SignatureLayer layer) throws VerificationException {
        if (imageDigest == null || !IMAGE_DIGEST.matcher(imageDigest).matches()) {
            throw new VerificationException(Check.IMAGE_DIGEST, "image digest '" + imageDigest
                    + "' is not sha256:<64 lower-case hex digits>: there is no image to bind the signature to");
        }
        if (!layer.mediaType().equals(SignatureLayer.SIMPLE_SIGNING_MEDIA_TYPE)) {
            throw new VerificationException(Check.FORMAT, "layer media type " + layer.mediaType() + " is not "
                    + SignatureLayer.SIMPLE_SIGNING_MEDIA_TYPE + ": not a cosign signature");
        }
        byte[] payload = layer.payload();
        byte[] signature = signature(layer);
        Optional<X509Certificate> certificate = publicKey.isPresent() ? Optional.empty() : Optional.of(certificate(layer));
        PublicKey key = publicKey.orElseGet(() -> certificate.get().getPublicKey());
        Signatures.verify(key, payload, signature, "payload");

        Optional<TlogEntry> tlogEntry = Optional.empty();
        if (!ignoreTlog) {
            tlogEntry = Optional.of(verifyTlog(layer, payload, signature, key, certificate));
        }
        Optional<SigningCertificate> signer = Optional.empty();
        if (certificate.isPresent()) {
            signer = Optional.of(verifyCertificate(layer, certificate.get(), tlogEntry));
        }
        checkClaims(payload, imageDigest);
        return new SignerFacts(signer, tlogEntry);
    }

    private TlogEntry verifyTlog(SignatureLayer layer, byte[] payload, byte[] signature, PublicKey key,
            Optional<X509Certificate> certificate) throws VerificationException {
        String bundle = layer.annotations().get(SignatureLayer.BUNDLE);
        if (bundle == null) {
            throw new VerificationException(Check.TLOG, "layer has no " + SignatureLayer.BUNDLE
                    + " annotation (Rekor SET), and the transparency log is required");
        }
        RekorEntry entry = rekorEntry(bundle);
        TlogEntry verified = trustRoot.orElseThrow().verifyTlogEntry(entry);
        RekorBody.parse(entry.getBody()).requireBinds(sha256(payload), signature, key, certificate);
        return verified;
    }

    private SigningCertificate verifyCertificate(SignatureLayer layer, X509Certificate certificate,
            Optional<TlogEntry> tlogEntry) throws VerificationException {
        SigningCertificate signer = SigningCertificate.of(certificate);
        // Without a log entry nothing proves when the signature was made, so it must be valid now.
        Instant signingTime = tlogEntry.map(TlogEntry::integratedTime).orElseGet(clock::instant);
        if (!signer.isValidAt(signingTime)) {
            throw new VerificationException(Check.SIGNING_TIME, (tlogEntry.isPresent() ? "integrated time " : "current time ")
                    + signingTime + " outside certificate validity " + signer.notBefore() + " to " + signer.notAfter());
        }
        TrustRoot root = trustRoot.orElseThrow();
        List<X509Certificate> chain = root.verifyCertificateChain(certificate, chain(layer), signingTime);
        if (!ignoreSct) {
            root.verifySct(chain);
        }
        return signer;
    }

    private static void checkClaims(byte[] payload, String imageDigest) throws VerificationException {
        JsonNode critical;
        try {
            critical = JSON.readTree(payload).path("critical");
        } catch (IOException e) {
            throw new VerificationException(Check.FORMAT, "payload is not simple-signing JSON: " + e.getMessage(), e);
        }
        String type = critical.path("type").asText();
        if (!type.equals(SIGNATURE_TYPE)) {
            throw new VerificationException(Check.FORMAT, "payload critical.type '" + type + "' is not '"
                    + SIGNATURE_TYPE + "'");
        }
        String signed = critical.path("image").path("docker-manifest-digest").asText();
        if (!signed.equals(imageDigest)) {
            throw new VerificationException(Check.IMAGE_DIGEST, "payload docker-manifest-digest "
                    + (signed.isEmpty() ? "<missing>" : signed) + " does not match image digest " + imageDigest);
        }
    }

    private static byte[] signature(SignatureLayer layer) throws VerificationException {
        String text = layer.annotations().get(SignatureLayer.SIGNATURE);
        if (text == null) {
            throw new VerificationException(Check.SIGNATURE, "layer has no " + SignatureLayer.SIGNATURE + " annotation");
        }
        try {
            // cosign and skopeo wrap long (RSA) signatures in lines.
            return Base64.getDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new VerificationException(Check.FORMAT, SignatureLayer.SIGNATURE + " annotation is not base64", e);
        }
    }

    private static X509Certificate certificate(SignatureLayer layer) throws VerificationException {
        String pem = layer.annotations().get(SignatureLayer.CERTIFICATE);
        if (pem == null) {
            throw new VerificationException(Check.KEY, "layer has no " + SignatureLayer.CERTIFICATE
                    + " annotation: keyless verification needs the signing certificate");
        }
        List<X509Certificate> certificates = certificates(pem, SignatureLayer.CERTIFICATE);
        if (certificates.size() != 1) {
            throw new VerificationException(Check.FORMAT, SignatureLayer.CERTIFICATE + " annotation holds "
                    + certificates.size() + " certificates, expected one");
        }
        return certificates.get(0);
    }

    private static List<X509Certificate> chain(SignatureLayer layer) throws VerificationException {
        String pem = layer.annotations().get(SignatureLayer.CHAIN);
        return pem == null ? List.of() : certificates(pem, SignatureLayer.CHAIN);
    }

    private static List<X509Certificate> certificates(String pem, String annotation) throws VerificationException {
        try {
            return Pem.certificates(pem);
        } catch (CertificateException e) {
            throw new VerificationException(Check.FORMAT, annotation + " annotation: " + e.getMessage(), e);
        }
    }

    /** cosign's bundle annotation as sigstore-java's entry model (SET, no inclusion proof). */
    private static RekorEntry rekorEntry(String bundleJson) throws VerificationException {
        JsonNode bundle;
        try {
            bundle = JSON.readTree(bundleJson);
        } catch (IOException e) {
            throw new VerificationException(Check.FORMAT, SignatureLayer.BUNDLE + " annotation is not JSON: "
                    + e.getMessage(), e);
        }
        JsonNode payload = bundle.path("Payload");
        JsonNode set = bundle.path("SignedEntryTimestamp");
        if (!payload.path("body").isTextual() || !payload.path("integratedTime").canConvertToLong()
                || !payload.path("logIndex").canConvertToLong() || !payload.path("logID").isTextual()
                || !set.isTextual()) {
            throw new VerificationException(Check.FORMAT, SignatureLayer.BUNDLE
                    + " annotation lacks SignedEntryTimestamp or Payload{body, integratedTime, logIndex, logID}");
        }
        return ImmutableRekorEntry.builder()
                .body(payload.path("body").asText())
                .integratedTime(payload.path("integratedTime").asLong())
                .logIndex(payload.path("logIndex").asLong())
                .logID(payload.path("logID").asText())
                .verification(ImmutableVerification.builder().signedEntryTimestamp(set.asText()).build())
                .build();
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Keyless by default: a {@link #trustRoot} gives the CAs, Rekor keys and CT keys. With a
     * {@link #publicKey} the signature is checked against that key and certificates are ignored;
     * the trust root then only supplies Rekor keys, and may be left out with {@link #ignoreTlog}.
     */
    public static final class Builder {
        private TrustRoot trustRoot;
        private PublicKey publicKey;
        private boolean ignoreTlog;
        private boolean ignoreSct;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder trustRoot(TrustRoot trustRoot) {
            this.trustRoot = trustRoot;
            return this;
        }

        public Builder publicKey(PublicKey publicKey) {
            this.publicKey = publicKey;
            return this;
        }

        /** Accept layers without a Rekor SET (Kyverno's {@code rekor.ignoreTlog}). */
        public Builder ignoreTlog(boolean ignoreTlog) {
            this.ignoreTlog = ignoreTlog;
            return this;
        }

        /** Skip the certificate's SCT (Kyverno's {@code ctlog.ignoreSCT}). */
        public Builder ignoreSct(boolean ignoreSct) {
            this.ignoreSct = ignoreSct;
            return this;
        }

        /** The clock for "now", the signing time when there is no log entry. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public CosignVerifier build() {
            if (trustRoot == null && publicKey == null) {
                throw new IllegalStateException("keyless verification needs a trust root");
            }
            if (trustRoot == null && !ignoreTlog) {
                throw new IllegalStateException("the transparency log is required but no trust root gives Rekor keys;"
                        + " set a trust root or ignoreTlog");
            }
            return new CosignVerifier(this);
        }
    }
}
