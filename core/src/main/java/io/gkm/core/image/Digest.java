package io.gkm.core.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest {@code <algorithm>:<encoded>}, e.g. {@code sha256:0f3c…}. Accepted: sha256 and
 * sha512 (registered by the OCI image spec) and sha384 (accepted by distribution's reference
 * grammar), each with exactly its length of lower-case hex, as the image spec requires.
 */
public record Digest(String algorithm, String encoded) {

    /** Referrers tag schema (distribution-spec): truncated algorithm, '-', truncated encoded part. */
    private static final int TAG_ALGORITHM_MAX = 32;
    private static final int TAG_ENCODED_MAX = 64;
    private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");
    private static final String SUPPORTED = "must be sha256:, sha384: or sha512: followed by lower-case hex; "
            + "use sha256, which the OCI image spec requires every implementation to support";

    private static final Algorithm SHA256 = new Algorithm("sha256", "SHA-256", 64);
    private static final List<Algorithm> ALGORITHMS = List.of(SHA256,
            new Algorithm("sha384", "SHA-384", 96), new Algorithm("sha512", "SHA-512", 128));

    private record Algorithm(String prefix, String jdkName, int hexLength) {

        static Optional<Algorithm> of(String prefix) {
            return ALGORITHMS.stream().filter(a -> a.prefix.equals(prefix)).findFirst();
        }

        String hash(byte[] content) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance(jdkName).digest(content));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has " + jdkName, e);
            }
        }
    }

    /** @throws InvalidImageReferenceException for an unsupported algorithm or a wrong encoded part */
    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(encoded, "encoded");
        int hexLength = Algorithm.of(algorithm)
                .orElseThrow(() -> InvalidImageReferenceException.ofDigest(algorithm + ":" + encoded, SUPPORTED))
                .hexLength;
        if (encoded.length() != hexLength || !LOWER_HEX.matcher(encoded).matches()) {
            throw InvalidImageReferenceException.ofDigest(algorithm + ":" + encoded, "must have " + hexLength
                    + " lower-case hex digits after " + algorithm + ": (expected " + algorithm + ":<" + hexLength
                    + " hex>)");
        }
    }

    /**
     * Parses {@code sha256:<hex>}.
     *
     * @throws InvalidImageReferenceException saying what is wrong and what is expected
     */
    public static Digest parse(String text) {
        Objects.requireNonNull(text, "digest");
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw InvalidImageReferenceException.ofDigest(text, SUPPORTED);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The sha256 digest of {@code content}. */
    public static Digest sha256(byte[] content) {
        return new Digest(SHA256.prefix, SHA256.hash(content));
    }

    /** The digest of {@code content} with this digest's algorithm. */
    public Digest recompute(byte[] content) {
        return new Digest(algorithm, Algorithm.of(algorithm).orElseThrow().hash(content));
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
