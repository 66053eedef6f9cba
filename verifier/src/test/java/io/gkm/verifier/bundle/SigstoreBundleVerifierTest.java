package io.gkm.verifier.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SigstoreFixtures;
import io.gkm.verifier.trust.TrustRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Bundles made in the test JVM with a throw-away signer key and Rekor log key, for what the
 * fixtures do not show: the name-less in-toto subject that {@code cosign sign} writes (which
 * sigstore-java 2.0.0's verifier refuses), byte-exact DSSE PAE, and keyed bundles.
 */
class SigstoreBundleVerifierTest {
    private static final String IMAGE_HEX = "732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";
    private static final long INTEGRATED_TIME = 1_700_000_000L;

    private final KeyPair signer = ecKeyPair();
    private final KeyPair rekor = ecKeyPair();
    private final TrustRoot rekorOnly = TrustRoot.builder().rekorKey(rekor.getPublic(), "test Rekor key").build();

    @Test
    void statementWhoseSubjectHasNoNameVerifiesForItsImageDigest() throws Exception {
        byte[] bundle = keyedDsseBundle(statement("{\"digest\":{\"sha256\":\"" + IMAGE_HEX + "\"}}", "ascii"));

        SignatureVerdict verdict = keyed().verifyImage(bundle, "sha256:" + IMAGE_HEX);

        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
        assertThat(verdict.facts().orElseThrow().certificate()).isEmpty();
        assertThat(verdict.facts().orElseThrow().tlogEntry().orElseThrow().logIndex()).isZero();
    }

    @Test
    void envelopeWithMultiByteCharactersVerifiesBecausePaeCountsBytes() throws Exception {
        byte[] bundle = keyedDsseBundle(statement("{\"digest\":{\"sha256\":\"" + IMAGE_HEX + "\"}}", "caf\u00e9 \u2713"));

        SignatureVerdict verdict = keyed().verifyImage(bundle, "sha256:" + IMAGE_HEX);

        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
    }

    @Test
    void statementAboutAnotherImageIsRejected() throws Exception {
        byte[] bundle = keyedDsseBundle(statement("{\"digest\":{\"sha256\":\"" + IMAGE_HEX + "\"}}", "ascii"));
        String other = "sha256:" + "1".repeat(64);

        SignatureVerdict verdict = keyed().verifyImage(bundle, other);

        assertThat(verdict.failedCheck()).contains(Check.IMAGE_DIGEST);
        assertThat(verdict.reason()).contains("subjects [sha256:" + IMAGE_HEX + "] do not include the image " + other);
    }

    @Test
    void keyedBundleIsRejectedWithAnotherKey() throws Exception {
        byte[] bundle = keyedDsseBundle(statement("{\"digest\":{\"sha256\":\"" + IMAGE_HEX + "\"}}", "ascii"));
        SigstoreBundleVerifier otherKey = SigstoreBundleVerifier.builder().trustRoot(rekorOnly)
                .publicKey(ecKeyPair().getPublic()).build();

        assertThat(otherKey.verifyImage(bundle, "sha256:" + IMAGE_HEX).failedCheck()).contains(Check.SIGNATURE);
    }

    @Test
    void keyedBundleIsRejectedWhenVerifiedKeyless() throws Exception {
        byte[] bundle = keyedDsseBundle(statement("{\"digest\":{\"sha256\":\"" + IMAGE_HEX + "\"}}", "ascii"));
        SigstoreBundleVerifier keyless = SigstoreBundleVerifier.builder().trustRoot(rekorOnly).build();

        SignatureVerdict verdict = keyless.verifyImage(bundle, "sha256:" + IMAGE_HEX);

        assertThat(verdict.failedCheck()).contains(Check.KEY);
        assertThat(verdict.reason()).contains("signed with a public key (hint 'test-key') but no public key was given");
    }

    @Test
    void entryFromARekorKeyTheTrustRootDoesNotListIsRejected() throws Exception {
        byte[] bundle = keyedDsseBundle(statement("{\"digest\":{\"sha256\":\"" + IMAGE_HEX + "\"}}", "ascii"));
        TrustRoot otherLog = TrustRoot.builder().rekorKey(ecKeyPair().getPublic(), "other Rekor key").build();
        SigstoreBundleVerifier verifier = SigstoreBundleVerifier.builder().trustRoot(otherLog).publicKey(signer.getPublic()).build();

        assertThat(verifier.verifyImage(bundle, "sha256:" + IMAGE_HEX).failedCheck()).contains(Check.TLOG);
    }

    @Test
    void entryIntegratedAfterItsLogKeyWasRetiredIsRejected() throws Exception {
        // The trusted root ends the Rekor key's validity at exactly this bundle's integrated time (inclusive).
        String dir = "conformance/trust-root-tlog-validity-end-inclusive/";
        TrustRoot root = TrustRoot.fromFile(SigstoreFixtures.path(dir + "trusted_root.json"));
        String bundle = Files.readString(SigstoreFixtures.path(dir + "bundle.sigstore.json"))
                .replace("\"integratedTime\": \"1689177396\"", "\"integratedTime\": \"1689177397\"");
        byte[] artifact = Files.readAllBytes(SigstoreFixtures.path("conformance/a.txt"));

        SignatureVerdict verdict = SigstoreBundleVerifier.builder().trustRoot(root).build()
                .verifyArtifact(bundle.getBytes(StandardCharsets.UTF_8), artifact);

        assertThat(verdict.failedCheck()).contains(Check.TLOG);
        assertThat(verdict.reason()).contains("was not trusted at integrated time 2023-07-12T15:56:37Z");
    }

    private SigstoreBundleVerifier keyed() {
        return SigstoreBundleVerifier.builder().trustRoot(rekorOnly).publicKey(signer.getPublic()).build();
    }

    private static byte[] statement(String subject, String note) {
        return ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[" + subject + "],"
                + "\"predicateType\":\"https://cosign.sigstore.dev/attestation/v1\",\"predicate\":{\"note\":\"" + note + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A v0.3 bundle as cosign writes for a managed key: DSSE envelope, a dsse 0.0.1 Rekor entry in
     * a one-leaf log, its SET, and a checkpoint. Written out by hand on purpose, independently of
     * the code under test.
     */
    private byte[] keyedDsseBundle(byte[] payload) throws Exception {
        String payloadType = "application/vnd.in-toto+json";
        byte[] pae = concat(("DSSEv1 " + payloadType.length() + " " + payloadType + " " + payload.length + " ")
                .getBytes(StandardCharsets.UTF_8), payload);
        byte[] signature = sign(signer.getPrivate(), pae);
        String signerPem = "-----BEGIN PUBLIC KEY-----\n" + b64(signer.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        byte[] body = ("{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"payloadHash\":{\"algorithm\":\"sha256\",\"value\":\""
                + HexFormat.of().formatHex(sha256(payload)) + "\"},\"signatures\":[{\"signature\":\"" + b64(signature)
                + "\",\"verifier\":\"" + b64(signerPem.getBytes(StandardCharsets.US_ASCII)) + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] logId = sha256(rekor.getPublic().getEncoded());
        String canonical = "{\"body\":\"" + b64(body) + "\",\"integratedTime\":" + INTEGRATED_TIME + ",\"logID\":\""
                + HexFormat.of().formatHex(logId) + "\",\"logIndex\":0}";
        byte[] set = sign(rekor.getPrivate(), canonical.getBytes(StandardCharsets.UTF_8));
        byte[] root = sha256(concat(new byte[] {0}, body));
        String note = "test-log - 1\n1\n" + b64(root) + "\n";
        byte[] noteSignature = concat(Arrays.copyOf(logId, 4), sign(rekor.getPrivate(), note.getBytes(StandardCharsets.UTF_8)));
        String checkpoint = note + "\n\u2014 test-log " + b64(noteSignature) + "\n";
        String json = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
                + "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"test-key\"},\"tlogEntries\":[{"
                + "\"logIndex\":\"0\",\"logId\":{\"keyId\":\"" + b64(logId) + "\"},"
                + "\"kindVersion\":{\"kind\":\"dsse\",\"version\":\"0.0.1\"},\"integratedTime\":\"" + INTEGRATED_TIME + "\","
                + "\"inclusionPromise\":{\"signedEntryTimestamp\":\"" + b64(set) + "\"},"
                + "\"inclusionProof\":{\"logIndex\":\"0\",\"rootHash\":\"" + b64(root) + "\",\"treeSize\":\"1\",\"hashes\":[],"
                + "\"checkpoint\":{\"envelope\":\"" + checkpoint.replace("\n", "\\n") + "\"}},"
                + "\"canonicalizedBody\":\"" + b64(body) + "\"}]},"
                + "\"dsseEnvelope\":{\"payload\":\"" + b64(payload) + "\",\"payloadType\":\"" + payloadType + "\","
                + "\"signatures\":[{\"sig\":\"" + b64(signature) + "\"}]}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sign(PrivateKey key, byte[] content) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(key);
        signature.update(content);
        return signature.sign();
    }

    private static byte[] sha256(byte[] content) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(content);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
