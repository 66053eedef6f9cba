package io.gkm.verifier.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;

/**
 * Writes a Sigstore {@code trusted_root.json} (protobuf-specs {@code dev.sigstore.trustroot.v1.TrustedRoot},
 * media type version 0.1, protobuf JSON form): certificate authorities with their chain
 * leaf-most first, Rekor and CT logs with their key, log id and validity.
 */
final class TrustedRootJson {
    static final String MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
    /** protobuf-specs PublicKeyDetails of an ECDSA P-256 key in SubjectPublicKeyInfo form. */
    private static final String P256_KEY_DETAILS = "PKIX_ECDSA_P256_SHA_256";

    private TrustedRootJson() {
    }

    /** A trusted root with {@code fulcio}, {@code rekor} and {@code ctLog}, each trusted from {@code since} on. */
    static ObjectNode of(SandboxFulcio fulcio, SandboxRekor rekor, SandboxCtLog ctLog, Instant since) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("mediaType", MEDIA_TYPE);
        root.putArray("tlogs").add(log(SandboxRekor.BASE_URL, rekor.publicKey(), rekor.logId(), since));
        ObjectNode authority = root.putArray("certificateAuthorities").addObject();
        authority.putObject("subject").put("organization", "gkm.test").put("commonName", fulcio.name());
        authority.put("uri", fulcio.uri());
        ArrayNode certificates = authority.putObject("certChain").putArray("certificates");
        for (X509Certificate certificate : fulcio.chain()) {
            certificates.addObject().put("rawBytes", base64(Crypto.der(certificate)));
        }
        authority.set("validFor", validFor(since));
        root.putArray("ctlogs").add(log(SandboxCtLog.BASE_URL, ctLog.publicKey(), ctLog.logId(), since));
        root.putArray("timestampAuthorities");
        return root;
    }

    private static ObjectNode log(String baseUrl, PublicKey key, byte[] logId, Instant since) {
        ObjectNode log = JsonNodeFactory.instance.objectNode().put("baseUrl", baseUrl).put("hashAlgorithm", "SHA2_256");
        log.putObject("publicKey")
                .put("rawBytes", base64(key.getEncoded()))
                .put("keyDetails", P256_KEY_DETAILS)
                .set("validFor", validFor(since));
        log.putObject("logId").put("keyId", base64(logId));
        return log;
    }

    /** Open-ended: a sandbox Sigstore's keys never retire. */
    private static ObjectNode validFor(Instant since) {
        return JsonNodeFactory.instance.objectNode().put("start", since.toString());
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
