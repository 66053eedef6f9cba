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
 * <p>Races it does not close: the views are read apart from the stage's transaction, so (1) a verdict handled while
 * the node view has not yet read a node's first report, in the same moment as the stage handles
 * that report before the state view has read the verdict's commit, gives that node nothing;
 * (2) a verdict and a node report in one batch see neither the other; (3) two reports of a new
 * node close together both give it the jobs (a node-consumer answers ALREADY_PRESENT). A node
 * missed by (1) or (2) gets the cache at its next change of GPUs, or by a replay. A node that
 * comes back with the same name and GPUs but an empty disk is not sent its caches again. A node that no longer has
 * a GPU for a cache it was given is not sent a REMOVE (its files stay until the cache is deleted,
 * and that REMOVE reaches only nodes that can still use the cache). A verdict of a resource that
 * was deleted meanwhile (the verifier lagging gkm.resources) installs it again: a verdict carries
 * no uid to tell it from a re-created resource of the same name. A digest replaced by a new one
 * is not removed from the nodes: GKM marks it Outdated while pods still use it.
 */
package io.gkm.dispatcher.routing;
