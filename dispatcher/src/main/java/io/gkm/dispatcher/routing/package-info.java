/**
 * The dispatcher's decisions, pure ({@link io.gkm.dispatcher.routing.DispatchHandler} over a
 * {@link io.gkm.dispatcher.routing.DispatchState}); the stage loop writes them, with their audit
 * events and consumer offsets, in one Kafka transaction.
 *
 * <ul>
 *   <li>VERIFIED verdict: one INSTALL job (new job id, attempt 1, the image pinned by its verified
 *       digest, GKM's folder for that digest) to each known node of the resource's cluster with a
 *       compatible GPU ({@link io.gkm.dispatcher.routing.Compatibility}), on the node's own topic;
 *       each other node audited SKIPPED_INCOMPATIBLE; the verdict written to the state topic. A
 *       verdict with the digest and targets already dispatched is audited UNCHANGED and sends
 *       nothing: the verifier verifies every modification again, status updates too.</li>
 *   <li>REJECTED verdict: no job, audited NOT_DISPATCHED with the first reason; written to the
 *       state topic, which withdraws an earlier VERIFIED one from nodes that report later.</li>
 *   <li>ERROR verdict: no job, audited NOT_DISPATCHED; the state is kept (the registry was
 *       down: that says nothing about the image).</li>
 *   <li>ResourceEvent DELETED: a REMOVE job of the last verified digest to each known node of the
 *       cluster that can use it; the deletion written to the state topic. ADDED and MODIFIED: nothing
 *       (their verdict follows).</li>
 *   <li>NodeInventory of a new node, or of a node whose GPU types (backend, architecture, warp
 *       size) changed since the report jobs were last sent for: an INSTALL job of every cache of its
 *       cluster still verified that one of its GPUs can use, and the report written to the state
 *       topic. A repeated report (node-consumers report at every GKM_INVENTORY_INTERVAL) does
 *       nothing and is not audited.</li>
 *   <li>Anything else (another event type, a VERIFIED verdict without a digest, an image or key
 *       that cannot name a pull or a folder): dead-lettered by the stage loop.</li>
 * </ul>
 *
 * <p>The views are read apart from the stage's transaction, committed records only; the stage takes
 * one record a transaction and brings the views up to their topics' ends before each decision that
 * reads them ({@code CurrentViews}), so a decision sees every node report and state record
 * committed before it, its own previous decisions' included (the state view waits past open
 * transactions: a commit returns before the broker has marked the records committed; a crashed
 * instance's open transaction thereby holds decisions back until the broker aborts it, at
 * GKM_STAGE_TRANSACTION_TIMEOUT, the batch retried meanwhile). One instance thereby sees a node
 * report and a verdict, two verdicts of one resource, or a verdict and the deletion after it, in
 * the order it handles them. (With batches of many records a decision would not see the state
 * written earlier in its own open transaction: a deletion after a verdict of the same batch would
 * send no REMOVE, a repeated verdict its jobs twice.) Races left open:
 * <ol>
 *   <li>with several instances, a node's first report committed while another instance's
 *       transaction holding a verdict is still open, and handled before it commits: neither
 *       decision sees the other, and the node gets that cache at its next change of GPUs or by a
 *       replay;</li>
 *   <li>two reports of a new node, or two verdicts of one digest, handled by two instances at
 *       once both give the jobs (the node-consumer answers ALREADY_PRESENT);</li>
 *   <li>a verdict and a deletion of one resource come on two topics, whose records the stage may
 *       take in another order than they were written: a deletion handled before the verdict that
 *       precedes it is undone by it, and the cache installed again; a verdict carries no uid to
 *       tell it from a re-created resource of the same name;</li>
 *   <li>a node that no longer has a GPU for a cache it was given is sent no REMOVE (its files stay
 *       until the cache is deleted, and that REMOVE reaches only nodes that can still use the
 *       cache); a node back with the same name and GPUs but an empty disk is not sent its caches
 *       again; a digest replaced by a new one is not removed (GKM marks it Outdated while pods use
 *       it).</li>
 * </ol>
 */
package io.gkm.dispatcher.routing;
