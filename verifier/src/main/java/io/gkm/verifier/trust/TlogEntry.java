package io.gkm.verifier.trust;

import java.time.Instant;

/**
 * A verified Rekor (v1) entry: where the signature sits in the log and when the log took it.
 *
 * @param logId the log's id (sha256 of its public key), lower-case hex
 */
public record TlogEntry(long logIndex, Instant integratedTime, String logId) {
}
