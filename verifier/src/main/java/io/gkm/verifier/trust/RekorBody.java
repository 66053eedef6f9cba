package io.gkm.verifier.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a Rekor v1 entry body records: the digest of the signed content, the signature and the
 * signer's certificate or key. A verified SET or inclusion proof only says the log holds this
 * body; {@link #requireBinds} says the body is about the signature at hand.
 *
 * <p>Kinds: {@code hashedrekord} and {@code rekord} 0.0.1 (digest of the signed bytes),
 * {@code dsse} 0.0.1 and {@code intoto} 0.0.2 (digest of the DSSE payload).
 */
public final class RekorBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String kind;
    private final String apiVersion;
    private final String contentSha256Hex;
    private final byte[] signature;
    private final String verifierPem;

    private RekorBody(String kind, String apiVersion, String contentSha256Hex, byte[] signature, String verifierPem) {
        this.kind = kind;
        this.apiVersion = apiVersion;
        this.contentSha256Hex = contentSha256Hex;
        this.signature = signature;
        this.verifierPem = verifierPem;
    }

    /** Parses the base64 {@code body} of a Rekor entry. */
    public static RekorBody parse(String base64Body) throws VerificationException {
        JsonNode body;
        try {
            body = JSON.readTree(Base64.getDecoder().decode(base64Body));
        } catch (IOException | IllegalArgumentException e) {
            throw new VerificationException(Check.FORMAT, "Rekor entry body is not base64 JSON: " + e.getMessage(), e);
        }
        String kind = body.path("kind").asText();
        String version = body.path("apiVersion").asText();
        JsonNode spec = body.path("spec");
        return switch (kind + ":" + version) {
            case "hashedrekord:0.0.1", "rekord:0.0.1" -> new RekorBody(kind, version, rekordHash(spec),
                    base64(spec.path("signature").path("content"), "signature.content"),
                    pem(spec.path("signature").path("publicKey").path("content"), "signature.publicKey.content"));
            case "dsse:0.0.1" -> {
                JsonNode only = onlySignature(spec.path("signatures"));
                yield new RekorBody(kind, version, sha256Hex(spec.path("payloadHash")),
                        base64(only.path("signature"), "signatures[0].signature"),
                        pem(only.path("verifier"), "signatures[0].verifier"));
            }
            case "intoto:0.0.2" -> {
                JsonNode content = spec.path("content");
                JsonNode only = onlySignature(content.path("envelope").path("signatures"));
                // intoto 0.0.2 stores the DSSE signature base64-encoded twice.
                byte[] signatureText = base64(only.path("sig"), "content.envelope.signatures[0].sig");
                byte[] signature;
                try {
                    signature = Base64.getDecoder().decode(signatureText);
                } catch (IllegalArgumentException e) {
                    throw new VerificationException(Check.TLOG_ENTRY,
                            "Rekor intoto entry does not record a DSSE signature (its sig is not double base64)", e);
                }
                yield new RekorBody(kind, version, sha256Hex(content.path("payloadHash")), signature,
                        pem(only.path("publicKey"), "content.envelope.signatures[0].publicKey"));
            }
            default -> throw new VerificationException(Check.UNSUPPORTED, "Rekor entry kind '" + kind + "' version '"
                    + version + "' is not supported (hashedrekord, rekord, dsse 0.0.1 and intoto 0.0.2 are)");
        };
    }

    public String kind() {
        return kind;
    }

    public String apiVersion() {
        return apiVersion;
    }

    /**
     * Throws {@link Check#TLOG_ENTRY} unless this body records content hashing to
     * {@code contentSha256}, exactly {@code signature}, and the signer: the same public key, and the
     * same certificate when both sides have one.
     */
    public void requireBinds(byte[] contentSha256, byte[] signature, PublicKey signerKey,
            Optional<X509Certificate> signerCertificate) throws VerificationException {
        String actual = HexFormat.of().formatHex(contentSha256);
        if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                contentSha256Hex.getBytes(StandardCharsets.US_ASCII))) {
            throw new VerificationException(Check.TLOG_ENTRY, "Rekor " + kind + " entry records sha256:" + contentSha256Hex
                    + " but the signed content hashes to sha256:" + actual);
        }
        if (!MessageDigest.isEqual(this.signature, signature)) {
            throw new VerificationException(Check.TLOG_ENTRY, "Rekor " + kind
                    + " entry records a different signature than the one verified");
        }
        requireSameSigner(signerKey, signerCertificate);
    }

    private void requireSameSigner(PublicKey signerKey, Optional<X509Certificate> signerCertificate)
            throws VerificationException {
        PublicKey recordedKey;
        Optional<X509Certificate> recordedCertificate = Optional.empty();
        if (verifierPem.contains("CERTIFICATE")) {
            List<X509Certificate> certificates;
            try {
                certificates = Pem.certificates(verifierPem);
            } catch (CertificateException e) {
                throw new VerificationException(Check.FORMAT, "Rekor entry certificate unreadable: " + e.getMessage(), e);
            }
            if (certificates.size() != 1) {
                throw new VerificationException(Check.FORMAT, "Rekor entry holds " + certificates.size()
                        + " certificates, expected one");
            }
            recordedCertificate = Optional.of(certificates.get(0));
            recordedKey = certificates.get(0).getPublicKey();
        } else {
            recordedKey = Pem.publicKey(verifierPem);
        }
        if (!MessageDigest.isEqual(recordedKey.getEncoded(), signerKey.getEncoded())) {
            throw new VerificationException(Check.TLOG_ENTRY, "Rekor " + kind
                    + " entry records a different signer key than the one that made the signature");
        }
        if (recordedCertificate.isPresent() && signerCertificate.isPresent()
                && !MessageDigest.isEqual(encoded(recordedCertificate.get()), encoded(signerCertificate.get()))) {
            throw new VerificationException(Check.TLOG_ENTRY, "Rekor " + kind
                    + " entry records a different certificate than the signing certificate");
        }
    }

    private static String rekordHash(JsonNode spec) throws VerificationException {
        JsonNode data = spec.path("data");
        if (data.has("hash")) {
            return sha256Hex(data.path("hash"));
        }
        // Old rekord entries carry the content itself instead of its hash.
        byte[] content = base64(data.path("content"), "data.content");
        return HexFormat.of().formatHex(TrustRoot.sha256(content));
    }

    private static String sha256Hex(JsonNode hash) throws VerificationException {
        if (!hash.path("algorithm").asText().equals("sha256")) {
            throw new VerificationException(Check.UNSUPPORTED, "Rekor entry hash algorithm '"
                    + hash.path("algorithm").asText() + "' is not sha256");
        }
        String value = hash.path("value").asText();
        if (!value.matches("[0-9a-fA-F]{64}")) {
            throw new VerificationException(Check.FORMAT, "Rekor entry sha256 value '" + value + "' is not 64 hex digits");
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode onlySignature(JsonNode signatures) throws VerificationException {
        if (!signatures.isArray() || signatures.size() != 1) {
            throw new VerificationException(Check.UNSUPPORTED, "Rekor entry has " + signatures.size()
                    + " signatures; exactly one is supported");
        }
        return signatures.get(0);
    }

    private static byte[] base64(JsonNode field, String name) throws VerificationException {
        if (!field.isTextual()) {
            throw new VerificationException(Check.FORMAT, "Rekor entry has no " + name);
        }
        try {
            return Base64.getDecoder().decode(field.asText());
        } catch (IllegalArgumentException e) {
            throw new VerificationException(Check.FORMAT, "Rekor entry " + name + " is not base64", e);
        }
    }

    private static String pem(JsonNode field, String name) throws VerificationException {
        return new String(base64(field, name), StandardCharsets.US_ASCII);
    }

    private static byte[] encoded(X509Certificate certificate) throws VerificationException {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new VerificationException(Check.FORMAT, "cannot encode certificate: " + e.getMessage(), e);
        }
    }
}
