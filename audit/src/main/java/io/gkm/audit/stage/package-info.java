/**
 * The audit stage ({@code gkm audit run}): appends every record of {@code gkm.audit} to
 * {@code gkm.audit-ledger} as the next {@link io.gkm.schemas.event.AuditLedgerEntry} of one hash
 * chain ({@link io.gkm.audit.chain}), in one Kafka transaction with its consumer offsets.
 *
 * <p>At run time:
 * <ul>
 *   <li>reads {@code <prefix>audit} (all partitions) as consumer group {@code <prefix>audit},
 *       static member {@code ledger}, {@code read_committed};</li>
 *   <li>writes {@code <prefix>audit-ledger} (which must have exactly one partition) with
 *       transactional id {@code <prefix>audit.ledger}, and reads it back ({@code read_committed},
 *       no group) for the chain's tail at start and after a failed transaction;</li>
 *   <li>writes nothing else: no audit events of its own (its input is the audit stream) and no
 *       dead letters (an audit record that is not an AuditEvent is appended with its bytes, marked
 *       undecodable, and kept for ever, not 30 days on {@code gkm.dlq}).</li>
 * </ul>
 *
 * <p>One writer: the transactional id and the group member id are the same for every instance,
 * whatever GKM_INSTANCE says (it only names the instance in the ledger records' CloudEvents
 * source), so a second instance fences the first, which stops with a reason; a Deployment runs
 * one replica with strategy Recreate. Not {@link io.gkm.core.stage.StageLoop}: why, in
 * {@link io.gkm.audit.stage.AuditLedgerStage}.
 */
package io.gkm.audit.stage;
