package io.gkm.verifier.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.rekor.client.ImmutableInclusionProof;
import dev.sigstore.rekor.client.ImmutableRekorEntry;
import dev.sigstore.rekor.client.ImmutableVerification;
import dev.sigstore.rekor.client.RekorEntry;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.VerificationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A Sigstore bundle (protobuf-specs {@code dev.sigstore.bundle.v1.Bundle}, JSON form) read into the
 * parts verification needs, with the structural rules of its media type version applied.
 *
 * <p>Read with Jackson, not sigstore-java's {@code Bundle.from}: that refuses public-key bundles,
 * requires an inclusion proof even in v0.1, and sigstore-java's protobuf classes are not on our
 * compile classpath (runtime scope).
 */
record SigstoreBundle(
        String mediaType,
        int minorVersion,
        List<X509Certificate> certificates,
        Optional<String> publicKeyHint,
        Optional<MessageSignature> messageSignature,
        Optional<Dsse> dsse,
        TlogEntryJson tlogEntry,
        List<byte[]> rfc3161Timestamps) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.bundle";

    /** A signature over the artifact bytes; the digest is an unauthenticated hint. */
    record MessageSignature(Optional<String> digestAlgorithm, Optional<byte[]> digest, byte[] signature) {
    }

    /** A DSSE envelope; verification supports exactly one signature. */
    record Dsse(String payloadType, byte[] payload, List<byte[]> signatures) {
    }

    /** The bundle's transparency log entry, kept as it came plus sigstore-java's entry model. */
    record TlogEntryJson(String kind, String version, long integratedTime, boolean hasInclusionProof, RekorEntry entry) {
    }

    static SigstoreBundle parse(byte[] json) throws VerificationException {
        JsonNode bundle;
        try {
            bundle = JSON.readTree(json);
        } catch (IOException e) {
            throw new VerificationException(Check.FORMAT, "bundle is not JSON: " + e.getMessage(), e);
        }
        if (bundle == null || !bundle.isObject()) {
            throw new VerificationException(Check.FORMAT, "bundle is not a JSON object");
        }
        String mediaType = bundle.path("mediaType").asText();
        int minor = minorVersion(mediaType);
        JsonNode material = bundle.path("verificationMaterial");

        List<X509Certificate> certificates = new ArrayList<>();
        Optional<String> hint = Optional.empty();
        if (material.has("certificate")) {
            certificates.add(certificate(material.path("certificate"), "verificationMaterial.certificate"));
        } else if (material.has("x509CertificateChain")) {
            if (minor >= 3) {
                throw new VerificationException(Check.FORMAT, "a v0.3 bundle must carry one certificate, not an "
                        + "x509CertificateChain");
            }
            JsonNode chain = material.path("x509CertificateChain").path("certificates");
            for (JsonNode certificate : chain) {
                certificates.add(certificate(certificate, "verificationMaterial.x509CertificateChain"));
            }
            if (certificates.isEmpty()) {
                throw new VerificationException(Check.FORMAT, "bundle certificate chain is empty");
            }
        } else if (material.has("publicKey")) {
            hint = Optional.of(material.path("publicKey").path("hint").asText());
        } else {
            throw new VerificationException(Check.FORMAT, "bundle has no certificate, certificate chain or public key");
        }

        if (bundle.has("messageSignature") == bundle.has("dsseEnvelope")) {
            throw new VerificationException(Check.FORMAT, "bundle must hold exactly one of messageSignature and dsseEnvelope");
        }
        Optional<MessageSignature> messageSignature = Optional.empty();
        Optional<Dsse> dsse = Optional.empty();
        if (bundle.has("messageSignature")) {
            JsonNode signature = bundle.path("messageSignature");
            JsonNode digest = signature.path("messageDigest");
            messageSignature = Optional.of(new MessageSignature(
                    digest.has("algorithm") ? Optional.of(digest.path("algorithm").asText()) : Optional.empty(),
                    digest.has("digest") ? Optional.of(bytes(digest.path("digest"), "messageSignature.messageDigest.digest"))
                            : Optional.empty(),
                    bytes(signature.path("signature"), "messageSignature.signature")));
        } else {
            JsonNode envelope = bundle.path("dsseEnvelope");
            List<byte[]> signatures = new ArrayList<>();
            for (JsonNode signature : envelope.path("signatures")) {
                signatures.add(bytes(signature.path("sig"), "dsseEnvelope.signatures[].sig"));
            }
            dsse = Optional.of(new Dsse(envelope.path("payloadType").asText(),
                    bytes(envelope.path("payload"), "dsseEnvelope.payload"), signatures));
        }

        JsonNode entries = material.path("tlogEntries");
        if (!entries.isArray() || entries.isEmpty()) {
            throw new VerificationException(Check.TLOG, "bundle has no transparency log entry");
        }
        if (entries.size() > 1) {
            throw new VerificationException(Check.UNSUPPORTED, "bundle has " + entries.size()
                    + " transparency log entries; exactly one is supported");
        }
        List<byte[]> timestamps = new ArrayList<>();
        for (JsonNode timestamp : material.path("timestampVerificationData").path("rfc3161Timestamps")) {
            timestamps.add(bytes(timestamp.path("signedTimestamp"), "rfc3161Timestamps[].signedTimestamp"));
        }
        return new SigstoreBundle(mediaType, minor, certificates, hint, messageSignature, dsse,
                tlogEntry(entries.get(0)), timestamps);
    }

    /** {@code …bundle+json;version=0.2} and {@code …bundle.v0.3+json} both name version 0.x. */
    private static int minorVersion(String mediaType) throws VerificationException {
        String version = switch (mediaType) {
            case MEDIA_TYPE_PREFIX + "+json;version=0.1" -> "0.1";
            case MEDIA_TYPE_PREFIX + "+json;version=0.2" -> "0.2";
            case MEDIA_TYPE_PREFIX + "+json;version=0.3", MEDIA_TYPE_PREFIX + ".v0.3+json" -> "0.3";
            default -> throw new VerificationException(Check.FORMAT, "unsupported bundle media type '" + mediaType
                    + "' (versions 0.1 to 0.3 are supported)");
        };
        return Integer.parseInt(version.substring(2));
    }

    private static TlogEntryJson tlogEntry(JsonNode entry) throws VerificationException {
        JsonNode kindVersion = entry.path("kindVersion");
        JsonNode promise = entry.path("inclusionPromise");
        var verification = ImmutableVerification.builder();
        if (promise.has("signedEntryTimestamp")) {
            verification.signedEntryTimestamp(Base64.getEncoder().encodeToString(
                    bytes(promise.path("signedEntryTimestamp"), "inclusionPromise.signedEntryTimestamp")));
        }
        boolean hasProof = entry.has("inclusionProof");
        if (hasProof) {
            JsonNode proof = entry.path("inclusionProof");
            var inclusionProof = ImmutableInclusionProof.builder()
                    .logIndex(number(proof.path("logIndex"), "inclusionProof.logIndex"))
                    .rootHash(hex(bytes(proof.path("rootHash"), "inclusionProof.rootHash")))
                    .treeSize(number(proof.path("treeSize"), "inclusionProof.treeSize"))
                    .checkpoint(proof.path("checkpoint").path("envelope").asText());
            for (JsonNode hash : proof.path("hashes")) {
                inclusionProof.addHashes(hex(bytes(hash, "inclusionProof.hashes[]")));
            }
            verification.inclusionProof(inclusionProof.build());
        }
        long integratedTime = entry.has("integratedTime") ? number(entry.path("integratedTime"), "integratedTime") : 0;
        RekorEntry rekorEntry = ImmutableRekorEntry.builder()
                .body(Base64.getEncoder().encodeToString(bytes(entry.path("canonicalizedBody"), "canonicalizedBody")))
                .integratedTime(integratedTime)
                .logIndex(number(entry.path("logIndex"), "logIndex"))
                .logID(hex(bytes(entry.path("logId").path("keyId"), "logId.keyId")))
                .verification(verification.build())
                .build();
        return new TlogEntryJson(kindVersion.path("kind").asText(), kindVersion.path("version").asText(),
                integratedTime, hasProof, rekorEntry);
    }

    private static X509Certificate certificate(JsonNode node, String field) throws VerificationException {
        byte[] der = bytes(node.path("rawBytes"), field + ".rawBytes");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new VerificationException(Check.FORMAT, field + " is not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** Protobuf JSON writes bytes as base64, standard or URL-safe alphabet. */
    private static byte[] bytes(JsonNode node, String field) throws VerificationException {
        if (!node.isTextual()) {
            throw new VerificationException(Check.FORMAT, "bundle field " + field + " is missing");
        }
        String text = node.asText();
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException standard) {
            try {
                return Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException urlSafe) {
                throw new VerificationException(Check.FORMAT, "bundle field " + field + " is not base64: "
                        + standard.getMessage(), standard);
            }
        }
    }

    /** Protobuf JSON writes 64-bit integers as strings, but numbers are accepted too. */
    private static long number(JsonNode node, String field) throws VerificationException {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText());
            } catch (NumberFormatException e) {
                throw new VerificationException(Check.FORMAT, "bundle field " + field + " '" + node.asText()
                        + "' is not an integer", e);
            }
        }
        throw new VerificationException(Check.FORMAT, "bundle field " + field + " is missing");
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
