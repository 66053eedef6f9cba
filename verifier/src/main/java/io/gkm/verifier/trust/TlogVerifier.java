package io.gkm.verifier.trust;

import dev.sigstore.merkle.InclusionProofVerificationException;
import dev.sigstore.merkle.InclusionProofVerifier;
import dev.sigstore.rekor.client.Checkpoints;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.rekor.client.RekorParseException;
import dev.sigstore.timestamp.client.ImmutableTimestampResponse;
import dev.sigstore.timestamp.client.TimestampException;
import dev.sigstore.timestamp.client.TimestampVerificationException;
import dev.sigstore.timestamp.client.TimestampVerifier;
import io.gkm.verifier.trust.TrustRoot.LogKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Rekor v1 entries (SET, inclusion proof, checkpoint) and RFC 3161 timestamps against a trust root. */
final class TlogVerifier {
    private TlogVerifier() {
    }

    static TlogEntry verify(TrustRoot root, RekorEntry entry) throws VerificationException {
        if (entry.getLogIndex() < 0) {
            throw new VerificationException(Check.TLOG, "Rekor log index " + entry.getLogIndex() + " is negative");
        }
        String logIdHex = entry.getLogID().toLowerCase(Locale.ROOT);
        byte[] logId;
        try {
            logId = HexFormat.of().parseHex(logIdHex);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(Check.FORMAT, "Rekor log id '" + entry.getLogID() + "' is not hex", e);
        }
        Instant integrated = entry.getIntegratedTimeInstant();
        List<LogKey> sameLog = root.tlogs().stream().filter(l -> Arrays.equals(l.logId(), logId)).toList();
        if (sameLog.isEmpty()) {
            throw new VerificationException(Check.TLOG, "Rekor entry is from log " + logIdHex
                    + ", which trust root " + root.source() + " does not list");
        }
        LogKey key = sameLog.stream().filter(l -> l.isValidAt(integrated)).findFirst()
                .orElseThrow(() -> new VerificationException(Check.TLOG, "Rekor log " + logIdHex
                        + " was not trusted at integrated time " + integrated + " (key valid "
                        + sameLog.get(0).describeValidity() + " in " + root.source() + ")"));
        verifySet(entry, key);
        if (entry.getVerification().getInclusionProof() != null) {
            verifyInclusion(entry, key);
        }
        return new TlogEntry(entry.getLogIndex(), integrated, logIdHex);
    }

    static List<Instant> verifiedTimestamps(TrustRoot root, List<byte[]> tokens, byte[] signature) {
        if (tokens.isEmpty() || root.timestampAuthorities().isEmpty()) {
            return List.of();
        }
        TimestampVerifier verifier;
        try {
            verifier = TimestampVerifier.newTimestampVerifier(root.timestampAuthorities());
        } catch (GeneralSecurityException e) {
            // An unusable TSA in the root can vouch for nothing; the caller still has the Rekor time.
            return List.of();
        }
        List<Instant> times = new ArrayList<>();
        for (byte[] token : tokens) {
            var response = ImmutableTimestampResponse.builder().encoded(token).build();
            try {
                verifier.verify(response, signature);
                times.add(response.getGenTime().toInstant());
            } catch (TimestampVerificationException | TimestampException | RuntimeException e) {
                // Not vouched for by a TSA of this root: not evidence, see TrustRoot#verifiedTimestamps.
            }
        }
        return times;
    }

    /**
     * The Merkle inclusion proof up to the proof's root hash, and the checkpoint that signs that
     * root. Not sigstore-java's {@code RekorVerifier}: it picks the checkpoint signature by the
     * log URL's host, which custom logs (conformance's {@code localhost:8000}) do not use as
     * signer name, and it needs the proof even for v0.1 bundles. Signatures are picked by key
     * hint, as the checkpoint format and sigstore-go do.
     */
    private static void verifyInclusion(RekorEntry entry, LogKey key) throws VerificationException {
        RekorEntry.InclusionProof proof = entry.getVerification().getInclusionProof();
        byte[] rootHash;
        List<byte[]> hashes = new ArrayList<>();
        try {
            rootHash = HexFormat.of().parseHex(proof.getRootHash());
            for (String hash : proof.getHashes()) {
                hashes.add(HexFormat.of().parseHex(hash));
            }
        } catch (IllegalArgumentException e) {
            throw new VerificationException(Check.FORMAT, "inclusion proof hashes are not hex", e);
        }
        byte[] body = Base64.getDecoder().decode(entry.getBody());
        byte[] leaf = new byte[body.length + 1]; // RFC 6962 leaf hash: sha256(0x00 || entry)
        System.arraycopy(body, 0, leaf, 1, body.length);
        try {
            InclusionProofVerifier.verify(TrustRoot.sha256(leaf), proof.getLogIndex(), proof.getTreeSize(), hashes, rootHash);
        } catch (InclusionProofVerificationException | RuntimeException e) {
            throw new VerificationException(Check.INCLUSION_PROOF, "inclusion proof does not lead from the entry (tree index "
                    + proof.getLogIndex() + ") to root hash " + proof.getRootHash() + " of tree size " + proof.getTreeSize()
                    + ": " + e.getMessage(), e);
        }
        verifyCheckpoint(proof, rootHash, key);
    }

    private static void verifyCheckpoint(RekorEntry.InclusionProof proof, byte[] rootHash, LogKey key)
            throws VerificationException {
        if (proof.getCheckpoint() == null || proof.getCheckpoint().isEmpty()) {
            throw new VerificationException(Check.INCLUSION_PROOF,
                    "inclusion proof has no checkpoint: its root hash is not signed by the log");
        }
        RekorEntry.Checkpoint checkpoint;
        byte[] checkpointRoot;
        try {
            checkpoint = Checkpoints.from(proof.getCheckpoint());
            checkpointRoot = Base64.getDecoder().decode(checkpoint.getBase64Hash());
        } catch (RekorParseException | IllegalArgumentException e) {
            throw new VerificationException(Check.INCLUSION_PROOF, "checkpoint unreadable: " + e.getMessage(), e);
        }
        if (!MessageDigest.isEqual(checkpointRoot, rootHash) || checkpoint.getSize() != proof.getTreeSize().longValue()) {
            throw new VerificationException(Check.INCLUSION_PROOF, "checkpoint (size " + checkpoint.getSize() + ", root "
                    + HexFormat.of().formatHex(checkpointRoot) + ") is not the tree of the inclusion proof (size "
                    + proof.getTreeSize() + ", root " + proof.getRootHash() + ")");
        }
        byte[] keyHint = Arrays.copyOf(key.logId(), 4);
        List<RekorEntry.CheckpointSignature> byLog = checkpoint.getSignatures().stream()
                .filter(s -> Arrays.equals(s.getKeyHint(), keyHint)).toList();
        if (byLog.isEmpty()) {
            throw new VerificationException(Check.INCLUSION_PROOF, "checkpoint has no signature with the key hint "
                    + HexFormat.of().formatHex(keyHint) + " of log " + key.logIdHex());
        }
        byte[] signedData = checkpoint.getSignedData().getBytes(StandardCharsets.UTF_8);
        for (RekorEntry.CheckpointSignature signature : byLog) {
            try {
                Signatures.verify(key.key(), signedData, signature.getSignature(), "checkpoint");
                return;
            } catch (VerificationException e) {
                // Another signature with the same 4-byte hint may still be the log's.
            }
        }
        throw new VerificationException(Check.INCLUSION_PROOF, "checkpoint signature invalid for log " + key.logIdHex());
    }

    /** The SET is the log's signature over the RFC 8785 canonical {body, integratedTime, logID, logIndex}. */
    private static void verifySet(RekorEntry entry, LogKey key) throws VerificationException {
        String set = entry.getVerification().getSignedEntryTimestamp();
        if (set == null || set.isEmpty()) {
            throw new VerificationException(Check.SET,
                    "Rekor entry has no signed entry timestamp: its integrated time is not signed by the log");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(set);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(Check.SET, "Rekor SET is not base64", e);
        }
        try {
            Signatures.verify(key.key(), entry.getSignableContent(), signature, "Rekor SET");
        } catch (VerificationException e) {
            throw new VerificationException(Check.SET, "Rekor SET signature invalid for log " + key.logIdHex()
                    + " (log index " + entry.getLogIndex() + ", integrated " + entry.getIntegratedTimeInstant() + ")", e);
        }
    }
}
