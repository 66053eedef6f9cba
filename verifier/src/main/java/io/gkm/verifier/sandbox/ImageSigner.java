package io.gkm.verifier.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.verifier.bundle.SigstoreBundleVerifier;
import io.gkm.verifier.oci.Manifest;
import io.gkm.verifier.oci.MediaTypes;
import io.gkm.verifier.oci.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Signs images in a real OCI registry and attaches the signature the way cosign does, in either
 * {@link SignatureFormat}, keyless or keyed, well-formed or with one {@link SignatureDefect}.
 * Every signature is logged in the test Rekor first, as cosign does by default.
 *
 * <p>Attaching adds to what is there: a second v2 signature becomes a second layer of the
 * {@code .sig} manifest, a second v3 signature a second entry of the referrers tag index. Signing
 * one image from two threads at once may lose one of them, as with cosign.
 */
public final class ImageSigner {
    private static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    private static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
    private static final String CHAIN_ANNOTATION = "dev.sigstore.cosign/chain";
    private static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";
    private static final String COSIGN_SIGNATURE_TYPE = "cosign container image signature";

    private static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
    private static final String IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
    /** The predicate {@code cosign sign} states in its v3 bundles: "this image is signed", nothing more. */
    private static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
    private static final String BUNDLE_CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
    private static final String BUNDLE_PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";
    private static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
    /** The OCI empty descriptor's content: the config of artifacts that have none. */
    private static final byte[] EMPTY_CONTENT = "{}".getBytes(StandardCharsets.UTF_8);

    /** How much an {@link SignatureDefect#EXPIRED_CERTIFICATE} expired before the log took the signature. */
    private static final Duration EXPIRED_BY = Duration.ofMinutes(10);
    /** How much an {@link SignatureDefect#INTEGRATED_TIME_OUTSIDE_VALIDITY} entry predates its certificate. */
    private static final Duration BACKDATED_BY = Duration.ofHours(1);
    /** Fulcio issues, the client signs and Rekor integrates within seconds of each other. */
    private static final Duration ISSUED_BEFORE_INTEGRATION = Duration.ofSeconds(10);
    private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SandboxSigstore sigstore;
    private final RegistryClient client;
    private final String registry;

    ImageSigner(SandboxSigstore sigstore, RegistryClient client, String registry) {
        this.sigstore = sigstore;
        this.client = client;
        this.registry = registry;
    }

    /**
     * Signs the image {@code repository@imageDigest} (already in this signer's registry) and
     * attaches the signature in {@code format}.
     *
     * @param imageDigest {@code sha256:<64 hex digits>} of the image manifest
     */
    public AttachedSignature sign(SignatureFormat format, String repository, String imageDigest, Signing signing) {
        if (!SHA256_DIGEST.matcher(imageDigest).matches()) {
            throw new IllegalArgumentException("image digest must be sha256:<64 lower-case hex digits>, got " + imageDigest);
        }
        ImageReference repo = ImageReference.of(registry, repository);
        Signer signer = signer(signing);
        String signedDigest = signing.has(SignatureDefect.WRONG_SUBJECT_DIGEST) ? anotherImageDigest(imageDigest) : imageDigest;
        return switch (format) {
            case COSIGN_V2 -> attachCosignV2(repo, imageDigest, signedDigest, signer, signing);
            case SIGSTORE_BUNDLE -> attachBundle(repo, imageDigest, signedDigest, signer, signing);
        };
    }

    /** The signing key, its certificate and chain if keyless, and when Rekor is to say it logged the signature. */
    private record Signer(PrivateKey key, Optional<X509Certificate> certificate, List<X509Certificate> chain,
            Optional<SigningIdentity> certifiedIdentity, String verifierPem, Instant integratedTime) {
    }

    private Signer signer(Signing signing) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (!signing.isKeyless()) {
            KeyPair key = sigstore.signingKey();
            return new Signer(key.getPrivate(), Optional.empty(), List.of(), Optional.empty(),
                    Crypto.pem(key.getPublic()), now);
        }
        SigningIdentity identity = signing.identity().orElseThrow();
        if (signing.has(SignatureDefect.WRONG_SUBJECT)) {
            identity = identity.withSubject(identity.kind() == SigningIdentity.SubjectKind.EMAIL
                    ? SignatureDefect.INTRUDER_EMAIL : SignatureDefect.INTRUDER_URI);
        }
        if (signing.has(SignatureDefect.WRONG_ISSUER)) {
            identity = identity.withIssuer(SignatureDefect.INTRUDER_ISSUER);
        }
        Instant notBefore = now.minus(ISSUED_BEFORE_INTEGRATION);
        Instant integrated = now;
        if (signing.has(SignatureDefect.EXPIRED_CERTIFICATE)) {
            notBefore = now.minus(SandboxFulcio.LEAF_LIFETIME).minus(EXPIRED_BY);
        }
        if (signing.has(SignatureDefect.INTEGRATED_TIME_OUTSIDE_VALIDITY)) {
            integrated = notBefore.minus(BACKDATED_BY);
        }
        SandboxFulcio ca = signing.has(SignatureDefect.UNTRUSTED_CA) ? sigstore.untrustedFulcio() : sigstore.fulcio();
        KeyPair ephemeral = Crypto.ecKeyPair(Crypto.P256);
        X509Certificate certificate = ca.issue(identity, ephemeral.getPublic(), notBefore,
                notBefore.plus(SandboxFulcio.LEAF_LIFETIME));
        return new Signer(ephemeral.getPrivate(), Optional.of(certificate), ca.chain(), Optional.of(identity),
                Crypto.pem(certificate), integrated);
    }

    // --- cosign v2 -----------------------------------------------------------------------------

    private AttachedSignature attachCosignV2(ImageReference repository, String imageDigest, String signedDigest,
            Signer signer, Signing signing) {
        String dockerReference = repository.name();
        byte[] payload = simpleSigningPayload(dockerReference, signedDigest, false);
        byte[] signature = Crypto.sign(signer.key(), payload);
        RekorEntry entry = sigstore.rekor().log(hashedRekordBody(Crypto.sha256(payload), signature, signer.verifierPem()),
                signer.integratedTime());
        byte[] attached = signing.has(SignatureDefect.TAMPERED_PAYLOAD)
                ? simpleSigningPayload(dockerReference, signedDigest, true) : payload;

        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(SIGNATURE_ANNOTATION, base64(signature));
        annotations.put(BUNDLE_ANNOTATION, json(setBundle(entry)));
        signer.certificate().ifPresent(c -> {
            annotations.put(CERTIFICATE_ANNOTATION, Crypto.pem(c));
            annotations.put(CHAIN_ANNOTATION, Crypto.pem(signer.chain()));
        });
        Digest layerDigest = client.pushBlob(repository, attached);
        ObjectNode layer = descriptor(MediaTypes.COSIGN_SIMPLE_SIGNING, layerDigest, attached.length);
        annotations.forEach(layer.putObject("annotations")::put);

        String tag = imageDigest.replace(':', '-') + ".sig";
        ArrayNode layers = existing(repository.withTag(tag))
                .map(existing -> (ArrayNode) existing.path("layers").deepCopy()).orElseGet(NODES::arrayNode);
        layers.add(layer);
        byte[] config = signatureConfig(layers);
        Digest configDigest = client.pushBlob(repository, config);
        ObjectNode manifest = NODES.objectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.set("config", descriptor(MediaTypes.OCI_CONFIG, configDigest, config.length));
        manifest.set("layers", layers);
        Digest manifestDigest = client.pushManifest(repository.withTag(tag), MediaTypes.OCI_MANIFEST, bytes(manifest));
        return attached(SignatureFormat.COSIGN_V2, repository, imageDigest, manifestDigest, tag, signer, entry, signing);
    }

    /** cosign's simple-signing payload; tampering adds an annotation the signer never saw. */
    private static byte[] simpleSigningPayload(String dockerReference, String digest, boolean tampered) {
        ObjectNode payload = NODES.objectNode();
        ObjectNode critical = payload.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", digest);
        critical.put("type", COSIGN_SIGNATURE_TYPE);
        if (tampered) {
            payload.putObject("optional").put("tampered", "after signing");
        } else {
            payload.putNull("optional");
        }
        return bytes(payload);
    }

    /** A Rekor hashedrekord 0.0.1 body: sha256 of the signed bytes, the signature, the PEM certificate or key. */
    private static byte[] hashedRekordBody(byte[] contentSha256, byte[] signature, String verifierPem) {
        ObjectNode body = NODES.objectNode().put("apiVersion", "0.0.1").put("kind", "hashedrekord");
        ObjectNode spec = body.putObject("spec");
        spec.putObject("data").putObject("hash").put("algorithm", "sha256")
                .put("value", HexFormat.of().formatHex(contentSha256));
        ObjectNode signatureNode = spec.putObject("signature").put("content", base64(signature));
        signatureNode.putObject("publicKey").put("content", base64(verifierPem.getBytes(StandardCharsets.US_ASCII)));
        return CanonicalJson.encode(body);
    }

    /** cosign's bundle annotation: the SET and the entry it signs, log id in hex. */
    private static ObjectNode setBundle(RekorEntry entry) {
        ObjectNode bundle = NODES.objectNode().put("SignedEntryTimestamp", base64(entry.signedEntryTimestamp()));
        bundle.putObject("Payload")
                .put("body", base64(entry.canonicalizedBody()))
                .put("integratedTime", entry.integratedTime().getEpochSecond())
                .put("logIndex", entry.logIndex())
                .put("logID", entry.logIdHex());
        return bundle;
    }

    /** The config cosign writes for a signature image: empty but for the layers' diff ids (uncompressed payloads). */
    private static byte[] signatureConfig(ArrayNode layers) {
        ObjectNode config = NODES.objectNode().put("architecture", "").put("created", "0001-01-01T00:00:00Z");
        config.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
        config.put("os", "");
        ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        layers.forEach(layer -> diffIds.add(layer.path("digest").asText()));
        config.putObject("config");
        return bytes(config);
    }

    // --- cosign v3 -----------------------------------------------------------------------------

    private AttachedSignature attachBundle(ImageReference repository, String imageDigest, String signedDigest,
            Signer signer, Signing signing) {
        byte[] statement = inTotoStatement(signedDigest, false);
        byte[] signature = Crypto.sign(signer.key(), SigstoreBundleVerifier.pae(IN_TOTO_PAYLOAD_TYPE, statement));
        ObjectNode loggedEnvelope = dsseEnvelope(statement, signature);
        RekorEntry entry = sigstore.rekor().log(dsseBody(loggedEnvelope, statement, signature, signer.verifierPem()),
                signer.integratedTime());
        byte[] attachedStatement = signing.has(SignatureDefect.TAMPERED_PAYLOAD) ? inTotoStatement(signedDigest, true)
                : statement;

        ObjectNode bundle = NODES.objectNode().put("mediaType", MediaTypes.SIGSTORE_BUNDLE_V03);
        ObjectNode material = bundle.putObject("verificationMaterial");
        if (signer.certificate().isPresent()) {
            material.putObject("certificate").put("rawBytes", base64(Crypto.der(signer.certificate().get())));
        } else {
            // cosign's hint for a key: base64 of the SHA-256 of its DER SubjectPublicKeyInfo.
            material.putObject("publicKey").put("hint",
                    base64(Crypto.sha256(sigstore.signingKey().getPublic().getEncoded())));
        }
        material.putArray("tlogEntries").add(tlogEntry(entry, "dsse"));
        bundle.set("dsseEnvelope", dsseEnvelope(attachedStatement, signature));
        byte[] bundleBytes = bytes(bundle);

        Manifest image = client.findManifest(repository.withDigest(Digest.parse(imageDigest)))
                .orElseThrow(() -> new IllegalArgumentException("image " + repository.name() + "@" + imageDigest
                        + " is not in the registry; push it before signing it"));
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Digest bundleDigest = client.pushBlob(repository, bundleBytes);
        Digest emptyDigest = client.pushBlob(repository, EMPTY_CONTENT);
        ObjectNode manifest = NODES.objectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST)
                .put("artifactType", MediaTypes.SIGSTORE_BUNDLE_V03);
        manifest.set("config", descriptor(MediaTypes.OCI_EMPTY, emptyDigest, EMPTY_CONTENT.length));
        manifest.putArray("layers").add(descriptor(MediaTypes.SIGSTORE_BUNDLE_V03, bundleDigest, bundleBytes.length));
        manifest.set("subject", descriptor(image.mediaType(), image.digest(), image.bytes().length));
        ObjectNode annotations = manifest.putObject("annotations")
                .put(BUNDLE_CONTENT_ANNOTATION, "dsse-envelope")
                .put(BUNDLE_PREDICATE_ANNOTATION, COSIGN_SIGN_PREDICATE)
                .put(CREATED_ANNOTATION, created);
        byte[] manifestBytes = bytes(manifest);
        Digest manifestDigest = client.pushManifest(repository.withDigest(Digest.sha256(manifestBytes)),
                MediaTypes.OCI_MANIFEST, manifestBytes);

        // Debian's registry (distribution 2.8) has no Referrers API: clients keep the list at this tag.
        String tag = imageDigest.replace(':', '-');
        ObjectNode index = existing(repository.withTag(tag)).map(existing -> (ObjectNode) existing)
                .orElseGet(() -> NODES.objectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX));
        ObjectNode referrer = descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifestBytes.length)
                .put("artifactType", MediaTypes.SIGSTORE_BUNDLE_V03);
        referrer.set("annotations", annotations.deepCopy());
        index.withArray("manifests").add(referrer);
        client.pushManifest(repository.withTag(tag), MediaTypes.OCI_INDEX, bytes(index));
        return attached(SignatureFormat.SIGSTORE_BUNDLE, repository, imageDigest, manifestDigest, tag, signer, entry,
                signing);
    }

    /**
     * The statement {@code cosign sign} writes in a v3 bundle: the image as the only subject, by
     * digest alone (no {@code name}), and the cosign sign predicate; tampering fills the predicate.
     */
    private static byte[] inTotoStatement(String digest, boolean tampered) {
        ObjectNode statement = NODES.objectNode().put("_type", IN_TOTO_STATEMENT_V1);
        statement.putArray("subject").addObject().putObject("digest")
                .put("sha256", digest.substring("sha256:".length()));
        statement.put("predicateType", COSIGN_SIGN_PREDICATE);
        ObjectNode predicate = statement.putObject("predicate");
        if (tampered) {
            predicate.put("tampered", "after signing");
        }
        return bytes(statement);
    }

    private static ObjectNode dsseEnvelope(byte[] payload, byte[] signature) {
        ObjectNode envelope = NODES.objectNode().put("payload", base64(payload)).put("payloadType", IN_TOTO_PAYLOAD_TYPE);
        envelope.putArray("signatures").addObject().put("sig", base64(signature));
        return envelope;
    }

    /** A Rekor dsse 0.0.1 body: hashes of the envelope and payload, the signature and its PEM verifier. */
    private static byte[] dsseBody(ObjectNode envelope, byte[] payload, byte[] signature, String verifierPem) {
        ObjectNode body = NODES.objectNode().put("apiVersion", "0.0.1").put("kind", "dsse");
        ObjectNode spec = body.putObject("spec");
        spec.putObject("envelopeHash").put("algorithm", "sha256")
                .put("value", HexFormat.of().formatHex(Crypto.sha256(CanonicalJson.encode(envelope))));
        spec.putObject("payloadHash").put("algorithm", "sha256")
                .put("value", HexFormat.of().formatHex(Crypto.sha256(payload)));
        spec.putArray("signatures").addObject()
                .put("signature", base64(signature))
                .put("verifier", base64(verifierPem.getBytes(StandardCharsets.US_ASCII)));
        return CanonicalJson.encode(body);
    }

    /** A bundle's {@code tlogEntries[]} item in protobuf JSON (64-bit integers as strings). */
    private static ObjectNode tlogEntry(RekorEntry entry, String kind) {
        ObjectNode tlog = NODES.objectNode().put("logIndex", Long.toString(entry.logIndex()));
        tlog.putObject("logId").put("keyId", base64(entry.logId()));
        tlog.putObject("kindVersion").put("kind", kind).put("version", "0.0.1");
        tlog.put("integratedTime", Long.toString(entry.integratedTime().getEpochSecond()));
        tlog.putObject("inclusionPromise").put("signedEntryTimestamp", base64(entry.signedEntryTimestamp()));
        RekorEntry.InclusionProof proof = entry.inclusionProof();
        ObjectNode proofNode = tlog.putObject("inclusionProof")
                .put("logIndex", Long.toString(proof.logIndex()))
                .put("rootHash", base64(proof.rootHash()))
                .put("treeSize", Long.toString(proof.treeSize()));
        ArrayNode hashes = proofNode.putArray("hashes");
        proof.hashes().forEach(hash -> hashes.add(base64(hash)));
        proofNode.putObject("checkpoint").put("envelope", proof.checkpoint());
        tlog.put("canonicalizedBody", base64(entry.canonicalizedBody()));
        return tlog;
    }

    // --- shared --------------------------------------------------------------------------------

    /** The JSON of the manifest or index at {@code reference}, empty when the registry has none. */
    private Optional<JsonNode> existing(ImageReference reference) {
        return client.findManifest(reference).map(manifest -> readJson(manifest.bytes()));
    }

    private static AttachedSignature attached(SignatureFormat format, ImageReference repository, String imageDigest,
            Digest manifestDigest, String tag, Signer signer, RekorEntry entry, Signing signing) {
        return new AttachedSignature(format, repository.repository(), imageDigest, manifestDigest.toString(), tag,
                signer.certificate(),
                signer.certifiedIdentity(), entry, signing.defect());
    }

    /** A digest no image in the registry has: the hash of a sentence about {@code imageDigest}. */
    private static String anotherImageDigest(String imageDigest) {
        byte[] sentence = ("an image other than " + imageDigest).getBytes(StandardCharsets.UTF_8);
        return "sha256:" + HexFormat.of().formatHex(Crypto.sha256(sentence));
    }

    private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
        return NODES.objectNode().put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
    }

    private static JsonNode readJson(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("the registry returned a manifest that is not JSON", e);
        }
    }

    private static String json(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
