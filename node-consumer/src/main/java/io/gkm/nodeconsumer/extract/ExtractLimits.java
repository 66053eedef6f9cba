package io.gkm.nodeconsumer.extract;

/**
 * Bounds on what one cache image may unpack to, all its layers together.
 *
 * @param maxBytes most uncompressed tar bytes (entry contents and tar headers) of all layers
 * @param maxFiles most tar entries (files and folders) of all layers
 * @param maxRatio most a gzip layer may expand (uncompressed / compressed), checked once past
 *                 {@link #RATIO_GRACE_BYTES}, where a small layer of tiny files may legitimately
 *                 compress further
 */
public record ExtractLimits(long maxBytes, int maxFiles, int maxRatio) {
    /** Uncompressed bytes read before the compression ratio is checked. */
    public static final long RATIO_GRACE_BYTES = 1L << 20;

    public ExtractLimits {
        if (maxBytes < 1 || maxFiles < 1 || maxRatio < 2) {
            throw new IllegalArgumentException("extract limits must be positive (ratio at least 2): " + maxBytes
                    + " bytes, " + maxFiles + " files, ratio " + maxRatio);
        }
    }
}
