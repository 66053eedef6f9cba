package io.gkm.verifier.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxRekorTest {
    private final SandboxRekor rekor = SandboxSigstore.create().rekor();

    @Test
    void logIdIsTheSha256OfTheKeysSubjectPublicKeyInfo() {
        assertThat(rekor.logId()).isEqualTo(Crypto.sha256(rekor.publicKey().getEncoded()));
        assertThat(rekor.origin()).matches("rekor\\.gkm\\.test - \\d+");
    }

    @Test
    void setIsTheLogsSignatureOverTheCanonicalEntryWithIntegratedTimeInWholeSeconds() throws Exception {
        byte[] body = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\"}".getBytes(StandardCharsets.UTF_8);
        rekor.log("{\"first\":true}".getBytes(StandardCharsets.UTF_8), Instant.now());

        RekorEntry entry = rekor.log(body, Instant.parse("2026-01-02T03:04:05.678Z"));

        assertThat(entry.logIndex()).isEqualTo(1);
        assertThat(entry.integratedTime()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(entry.logIdHex()).isEqualTo(HexFormat.of().formatHex(rekor.logId()));
        String signable = "{\"body\":\"" + Base64.getEncoder().encodeToString(body) + "\",\"integratedTime\":1767323045,"
                + "\"logID\":\"" + entry.logIdHex() + "\",\"logIndex\":1}";
        assertThat(verifies(signable.getBytes(StandardCharsets.UTF_8), entry.signedEntryTimestamp())).isTrue();
    }

    @Test
    void inclusionProofLeadsFromEachEntryToTheRootItsCheckpointSigns() throws Exception {
        for (int i = 0; i < 6; i++) {
            byte[] body = ("{\"entry\":" + i + "}").getBytes(StandardCharsets.UTF_8);

            RekorEntry entry = rekor.log(body, Instant.now());

            RekorEntry.InclusionProof proof = entry.inclusionProof();
            assertThat(proof.logIndex()).isEqualTo(i);
            assertThat(proof.treeSize()).isEqualTo(i + 1);
            assertThat(MerkleTreeTest.rootFromInclusionProof(MerkleTree.leafHash(body), i, i + 1, proof.hashes()))
                    .isEqualTo(proof.rootHash());
            assertCheckpoint(proof.checkpoint(), proof.treeSize(), proof.rootHash());
        }
    }

    /** The signed-note checkpoint: three lines, a blank line, one signature line with Rekor's four-byte key hint. */
    private void assertCheckpoint(String checkpoint, long treeSize, byte[] rootHash) throws Exception {
        String[] parts = checkpoint.split("\n\n", -1);
        assertThat(parts).hasSize(2);
        String signedNote = parts[0] + "\n";
        assertThat(parts[0].split("\n")).containsExactly(rekor.origin(), Long.toString(treeSize),
                Base64.getEncoder().encodeToString(rootHash));
        List<String> signatureLines = parts[1].lines().toList();
        assertThat(parts[1]).endsWith("\n");
        assertThat(signatureLines).hasSize(1);
        String prefix = "\u2014 " + SandboxRekor.HOST + " ";
        assertThat(signatureLines.get(0)).startsWith(prefix);
        byte[] hinted = Base64.getDecoder().decode(signatureLines.get(0).substring(prefix.length()));
        assertThat(Arrays.copyOf(hinted, 4)).isEqualTo(Arrays.copyOf(rekor.logId(), 4));
        assertThat(verifies(signedNote.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(hinted, 4, hinted.length)))
                .isTrue();
    }

    private boolean verifies(byte[] content, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(rekor.publicKey());
        verifier.update(content);
        return verifier.verify(signature);
    }
}
