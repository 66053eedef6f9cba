package io.gkm.verifier.sandbox;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * An entry of {@link SandboxRekor} with the evidence Rekor v1 returns for it: the signed entry
 * timestamp (SET) and the inclusion proof up to a signed checkpoint.
 *
 * @param logIndex the entry's index in the log (also its index in the Merkle tree: one shard)
 * @param integratedTime when the log says it took the entry, whole seconds
 * @param logId SHA-256 of the log key's DER SubjectPublicKeyInfo
 * @param canonicalizedBody the entry body, RFC 8785 canonical JSON
 * @param signedEntryTimestamp the log's ECDSA signature over the canonical
 *     {@code {body, integratedTime, logID, logIndex}}
 */
public record RekorEntry(long logIndex, Instant integratedTime, byte[] logId, byte[] canonicalizedBody,
        byte[] signedEntryTimestamp, InclusionProof inclusionProof) {

    public RekorEntry {
        logId = logId.clone();
        canonicalizedBody = canonicalizedBody.clone();
        signedEntryTimestamp = signedEntryTimestamp.clone();
    }

    /**
     * The entry's place in the tree when it was logged.
     *
     * @param hashes the audit path, leaf-most sibling first
     * @param checkpoint the signed note over {@code treeSize} and {@code rootHash}
     */
    public record InclusionProof(long logIndex, long treeSize, byte[] rootHash, List<byte[]> hashes, String checkpoint) {
        public InclusionProof {
            rootHash = rootHash.clone();
            hashes = hashes.stream().map(byte[]::clone).toList();
        }

        @Override
        public byte[] rootHash() {
            return rootHash.clone();
        }

        @Override
        public List<byte[]> hashes() {
            return hashes.stream().map(byte[]::clone).toList();
        }
    }

    /** The log id as Rekor's API and cosign's bundle annotation write it: lower-case hex. */
    public String logIdHex() {
        return HexFormat.of().formatHex(logId);
    }

    @Override
    public byte[] logId() {
        return logId.clone();
    }

    @Override
    public byte[] canonicalizedBody() {
        return canonicalizedBody.clone();
    }

    @Override
    public byte[] signedEntryTimestamp() {
        return signedEntryTimestamp.clone();
    }
}
