package io.gkm.verifier.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A Rekor v1 transparency log in memory: appends entry bodies to an RFC 6962 Merkle tree and
 * answers with what Rekor answers, a signed entry timestamp (SET), an inclusion proof and a
 * checkpoint (a signed note, signature picked by the key hint as Rekor writes it).
 */
public final class SandboxRekor {
    /** The log's name: the checkpoint's origin host and signer name. */
    public static final String HOST = "rekor.gkm.test";
    /** The base URL written into trusted roots; nothing is served there. */
    public static final String BASE_URL = "https://" + HOST;

    private final KeyPair key = Crypto.ecKeyPair(Crypto.P256);
    private final byte[] logId = Crypto.sha256(key.getPublic().getEncoded());
    /** Rekor's checkpoint origin is {@code <host> - <tree id>}. */
    private final String origin = HOST + " - " + (new SecureRandom().nextLong() & Long.MAX_VALUE);
    private final MerkleTree tree = new MerkleTree();

    SandboxRekor() {
    }

    public PublicKey publicKey() {
        return key.getPublic();
    }

    /** SHA-256 of the log key's DER SubjectPublicKeyInfo, as trusted roots and SETs name the log. */
    public byte[] logId() {
        return logId.clone();
    }

    /** The checkpoint origin line, e.g. {@code rekor.gkm.test - 3141592653589793238}. */
    public String origin() {
        return origin;
    }

    /**
     * Logs {@code canonicalizedBody} (a Rekor entry body, RFC 8785 canonical JSON) as integrated at
     * {@code integratedTime} (truncated to seconds) and returns it with its SET, inclusion proof
     * and checkpoint for the tree that now holds it.
     */
    public synchronized RekorEntry log(byte[] canonicalizedBody, Instant integratedTime) {
        int index = tree.append(canonicalizedBody);
        long seconds = integratedTime.truncatedTo(ChronoUnit.SECONDS).getEpochSecond();
        byte[] set = Crypto.sign(key.getPrivate(), signableEntry(canonicalizedBody, seconds, index));
        byte[] rootHash = tree.rootHash();
        RekorEntry.InclusionProof proof = new RekorEntry.InclusionProof(index, tree.size(), rootHash,
                tree.inclusionProof(index), checkpoint(tree.size(), rootHash));
        return new RekorEntry(index, Instant.ofEpochSecond(seconds), logId, canonicalizedBody, set, proof);
    }

    /** What the SET signs: the canonical {@code {body, integratedTime, logID, logIndex}}, body base64, log id hex. */
    private byte[] signableEntry(byte[] body, long integratedTime, long logIndex) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode()
                .put("body", Base64.getEncoder().encodeToString(body))
                .put("integratedTime", integratedTime)
                .put("logID", HexFormat.of().formatHex(logId))
                .put("logIndex", logIndex);
        return CanonicalJson.encode(entry);
    }

    /**
     * A signed note (transparency-dev checkpoint format): origin, size and base64 root hash lines,
     * a blank line, and one signature line {@code — <name> base64(key hint || signature)}, where
     * the key hint is the first four bytes of the log id and the signature is over the three
     * lines with their newlines.
     */
    private String checkpoint(long treeSize, byte[] rootHash) {
        String body = origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
        byte[] signature = Crypto.sign(key.getPrivate(), body.getBytes(StandardCharsets.UTF_8));
        byte[] hinted = new byte[4 + signature.length];
        System.arraycopy(Arrays.copyOf(logId, 4), 0, hinted, 0, 4);
        System.arraycopy(signature, 0, hinted, 4, signature.length);
        return body + "\n\u2014 " + HOST + " " + Base64.getEncoder().encodeToString(hinted) + "\n";
    }
}
