/**
 * GKM's admission rules for GKMCache and ClusterGKMCache, as pure functions: a request's objects in,
 * an {@link io.gkm.ingest.admission.AdmissionDecision} out. The webhook ({@code io.gkm.ingest.webhook})
 * does the I/O around them (HTTPS, registry look-ups, Kafka).
 *
 * <p>The messages of GKM's own webhook (commit 5fb7989c) are kept word for word; the checks GKM lacks
 * (the Kyverno annotation must vouch for exactly the pinned image and digest) have messages of
 * their own.
 */
package io.gkm.ingest.admission;
