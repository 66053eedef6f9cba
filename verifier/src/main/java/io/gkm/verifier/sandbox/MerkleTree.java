package io.gkm.verifier.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 6962 (section 2.1) Merkle tree over log entries: leaf hash
 * {@code SHA-256(0x00 || entry)}, node hash {@code SHA-256(0x01 || left || right)}, split at the
 * largest power of two below the size. Recomputed from the leaves on each request: test logs
 * hold tens of entries, not millions.
 */
final class MerkleTree {
    private final List<byte[]> leafHashes = new ArrayList<>();

    /** Appends {@code entry} and returns its index. */
    int append(byte[] entry) {
        leafHashes.add(leafHash(entry));
        return leafHashes.size() - 1;
    }

    int size() {
        return leafHashes.size();
    }

    /** The Merkle tree hash of the whole tree (MTH). */
    byte[] rootHash() {
        if (leafHashes.isEmpty()) {
            return Crypto.sha256(new byte[0]);
        }
        return subtreeHash(0, leafHashes.size());
    }

    /** The audit path (RFC 6962 PATH) of leaf {@code index} in the whole tree, leaf-most sibling first. */
    List<byte[]> inclusionProof(int index) {
        if (index < 0 || index >= leafHashes.size()) {
            throw new IndexOutOfBoundsException("leaf " + index + " of a tree of " + leafHashes.size());
        }
        List<byte[]> path = new ArrayList<>();
        collectPath(index, 0, leafHashes.size(), path);
        return path;
    }

    static byte[] leafHash(byte[] entry) {
        return Crypto.sha256(prefixed((byte) 0x00, entry));
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        byte[] children = new byte[left.length + right.length];
        System.arraycopy(left, 0, children, 0, left.length);
        System.arraycopy(right, 0, children, left.length, right.length);
        return Crypto.sha256(prefixed((byte) 0x01, children));
    }

    /** MTH of the leaves [from, to). */
    private byte[] subtreeHash(int from, int to) {
        if (to - from == 1) {
            return leafHashes.get(from);
        }
        int split = from + largestPowerOfTwoBelow(to - from);
        return nodeHash(subtreeHash(from, split), subtreeHash(split, to));
    }

    /** PATH(m, D[from:to]) appended to {@code path}, the deepest sibling first. */
    private void collectPath(int index, int from, int to, List<byte[]> path) {
        if (to - from == 1) {
            return;
        }
        int split = from + largestPowerOfTwoBelow(to - from);
        if (index < split) {
            collectPath(index, from, split, path);
            path.add(subtreeHash(split, to));
        } else {
            collectPath(index, split, to, path);
            path.add(subtreeHash(from, split));
        }
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    private static byte[] prefixed(byte prefix, byte[] content) {
        byte[] out = new byte[content.length + 1];
        out[0] = prefix;
        System.arraycopy(content, 0, out, 1, content.length);
        return out;
    }
}
