package io.gkm.verifier.oci;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import land.oras.exception.OrasException;
import land.oras.utils.SupportedAlgorithm;

/**
 * A content digest {@code <algorithm>:<encoded>}, e.g. {@code sha256:0f3c…}. Accepted: sha256 and
 * sha512 (registered by the OCI image spec) and sha384 (accepted by distribution's reference grammar).
 */
public record Digest(String algorithm, String encoded) {

    /** Referrers tag schema (distribution-spec): truncated algorithm, '-', truncated encoded part. */
    private static final int TAG_ALGORITHM_MAX = 32;
    private static final int TAG_ENCODED_MAX = 64;
    private static final Set<SupportedAlgorithm> ALGORITHMS =
            Set.of(SupportedAlgorithm.SHA256, SupportedAlgorithm.SHA384, SupportedAlgorithm.SHA512);

    public Digest {
        String text = algorithm + ":" + encoded;
        SupportedAlgorithm supported;
        try {
            supported = SupportedAlgorithm.fromDigest(text);
            SupportedAlgorithm.isSupported(text); // checks the encoded length
        } catch (OrasException e) {
            throw new IllegalArgumentException("not a valid digest: '" + text + "' (" + e.getMessage()
                    + "); expected sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>", e);
        }
        if (!ALGORITHMS.contains(supported) || !supported.getPrefix().equals(algorithm)) {
            throw new IllegalArgumentException("unsupported digest algorithm in '" + text + "': use sha256");
        }
        if (!encoded.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("not a valid digest: '" + text + "': the encoded part must be lower-case hex");
        }
    }

    /** Parses {@code sha256:<hex>}; throws IllegalArgumentException saying what is wrong. */
    public static Digest parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("digest is missing");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a valid digest: '" + text + "'; expected sha256:<64 hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The sha256 digest of {@code content}. */
    public static Digest sha256(byte[] content) {
        return new Digest("sha256", hash(SupportedAlgorithm.SHA256, content));
    }

    /** The digest of {@code content} with this digest's algorithm. */
    public Digest recompute(byte[] content) {
        return new Digest(algorithm, hash(SupportedAlgorithm.fromDigest(toString()), content));
    }

    /**
     * Hashed with the JDK, not ORAS's {@code SupportedAlgorithm.digest}: that one installs the
     * BouncyCastle provider JVM-wide on first use (and fails when bcprov and bcutil versions differ).
     */
    private static String hash(SupportedAlgorithm algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm.getAlgorithmName()).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has " + algorithm.getAlgorithmName(), e);
        }
    }

    /** True if {@code content} hashes to this digest (constant-time comparison). */
    public boolean matches(byte[] content) {
        return MessageDigest.isEqual(recompute(content).toString().getBytes(StandardCharsets.US_ASCII),
                toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The tag under which clients without a Referrers API keep this digest's referrers index
     * (distribution-spec "referrers tag schema"), e.g. {@code sha256-0f3c…}.
     */
    public String referrersTag() {
        String alg = algorithm.substring(0, Math.min(algorithm.length(), TAG_ALGORITHM_MAX));
        String enc = encoded.substring(0, Math.min(encoded.length(), TAG_ENCODED_MAX));
        return (alg + "-" + enc).replaceAll("[^a-zA-Z0-9_.-]", "-");
    }

    /** The cosign v2 signature tag of this image digest: {@code sha256-<hex>.sig}. */
    public String signatureTag() {
        return algorithm + "-" + encoded + ".sig";
    }

    @Override
    public String toString() {
        return algorithm + ":" + encoded;
    }
}
