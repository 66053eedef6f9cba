/**
 * The verifier as a Kafka stage ({@code gkm verifier}): reads {@code gkm.admissions} and
 * {@code gkm.resources} in {@link io.gkm.core.stage.StageLoop} and writes one
 * {@link io.gkm.schemas.event.VerificationResult} per verification to {@code gkm.verifications},
 * keyed by the resource key, with an audit event, in one transaction.
 *
 * <p>What is verified ({@link io.gkm.verifier.stage.VerificationHandler}):
 * <ul>
 *   <li>ResourceEvent ADDED and MODIFIED: the stored object, as the watch saw it. Every
 *       modification is verified again: the verifier keeps no state to tell an image or label
 *       change from a status update (a handler's state would have to be rolled back with an
 *       aborted transaction).</li>
 *   <li>ResourceEvent DELETED: nothing to verify; audited as SKIPPED.</li>
 *   <li>AdmissionEvent: audited as SKIPPED. An allowed admission may still be refused by a later
 *       webhook or never stored; the watch's ResourceEvent of what was stored follows and is
 *       verified, so verifying the admission too would publish a verdict twice or for an
 *       object that does not exist.</li>
 *   <li>A record that cannot be decoded, another event type, or a spec that is not a JSON object:
 *       {@code gkm.dlq} (the stage loop does this), and the stage goes on.</li>
 * </ul>
 *
 * <p>An unreachable registry (connection refused, timeout, 5xx after the registry client's own
 * retries) is published as an ERROR verdict with the reason, and audited as ERROR; nothing is
 * dispatched for it. It does not retry the batch: the registry is named by the resource, so
 * one resource naming a dead registry would otherwise stall every resource behind it on its
 * partition. The resource is verified again at its next change. Broker failures are retried by
 * the stage loop.
 *
 * <p>A registry that accepts connections and never answers would hold a verification for the
 * registry client's timeout times its tries, past the transaction timeout: the broker would
 * abort the batch and the stage retry it forever. So each verification gets at most
 * GKM_VERIFY_TIMEOUT ({@link io.gkm.verifier.stage.BoundedVerification}); no verdict by then is
 * an ERROR verdict that says so, and a batch holds no more records than can all time out within
 * half the transaction timeout ({@link io.gkm.verifier.stage.VerifierStage#fit}).
 */
package io.gkm.verifier.stage;
