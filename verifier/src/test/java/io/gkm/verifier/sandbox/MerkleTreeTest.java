package io.gkm.verifier.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    @Test
    void rootsOfSmallTreesAreRfc6962sSplitAtTheLargestPowerOfTwoBelowTheSize() {
        MerkleTree tree = new MerkleTree();
        byte[] a = MerkleTree.leafHash(entry(0));
        byte[] b = MerkleTree.leafHash(entry(1));
        byte[] c = MerkleTree.leafHash(entry(2));
        byte[] d = MerkleTree.leafHash(entry(3));
        byte[] e = MerkleTree.leafHash(entry(4));

        tree.append(entry(0));
        assertThat(tree.rootHash()).isEqualTo(a);
        tree.append(entry(1));
        assertThat(tree.rootHash()).isEqualTo(MerkleTree.nodeHash(a, b));
        tree.append(entry(2));
        assertThat(tree.rootHash()).isEqualTo(MerkleTree.nodeHash(MerkleTree.nodeHash(a, b), c));
        tree.append(entry(3));
        tree.append(entry(4));
        assertThat(tree.rootHash()).isEqualTo(MerkleTree.nodeHash(
                MerkleTree.nodeHash(MerkleTree.nodeHash(a, b), MerkleTree.nodeHash(c, d)), e));
    }

    @Test
    void leafAndNodeHashesAreDomainSeparated() {
        byte[] empty = MerkleTree.leafHash(new byte[0]);

        // RFC 6962's leaf hash of the empty entry: SHA-256 of the single byte 0x00.
        assertThat(HexFormat.of().formatHex(empty))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        assertThat(MerkleTree.nodeHash(empty, empty)).isNotEqualTo(MerkleTree.leafHash(concat(empty, empty)));
    }

    @Test
    void everyInclusionProofOfTreesUpToSize33LeadsToTheRoot() {
        MerkleTree tree = new MerkleTree();
        for (int size = 1; size <= 33; size++) {
            tree.append(entry(size - 1));
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = tree.inclusionProof(index);
                byte[] root = rootFromInclusionProof(MerkleTree.leafHash(entry(index)), index, size, proof);
                assertThat(root).as("leaf %d of %d", index, size).isEqualTo(tree.rootHash());
            }
        }
    }

    @Test
    void aLeafOutsideTheTreeHasNoProof() {
        MerkleTree tree = new MerkleTree();
        tree.append(entry(0));

        assertThatThrownBy(() -> tree.inclusionProof(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /**
     * The verifier's side of an inclusion proof (RFC 9162 section 2.1.3.2), written from the RFC
     * rather than from {@link MerkleTree}, so the two check each other.
     */
    static byte[] rootFromInclusionProof(byte[] leafHash, long index, long treeSize, List<byte[]> proof) {
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            assertThat(sn).as("proof longer than the path").isNotZero();
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleTree.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = MerkleTree.nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        assertThat(sn).as("proof shorter than the path").isZero();
        return r;
    }

    private static byte[] entry(int n) {
        return ("{\"entry\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] left, byte[] right) {
        byte[] out = new byte[left.length + right.length];
        System.arraycopy(left, 0, out, 0, left.length);
        System.arraycopy(right, 0, out, left.length, right.length);
        return out;
    }
}
