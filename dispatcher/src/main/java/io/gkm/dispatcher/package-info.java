/**
 * The dispatcher ({@code gkm dispatcher}): two stage loops in one process.
 *
 * <ul>
 *   <li>Routing ({@link io.gkm.dispatcher.routing}, wired by {@link io.gkm.dispatcher.stage.DispatcherStage}):
 *       consumer group {@code gkm.dispatcher} reads {@code gkm.verifications}, {@code gkm.resources}
 *       (for deletions) and {@code gkm.nodes}; writes {@code gkm.jobs.<cluster>.<node>} (each created
 *       on first use with {@code Topics#jobsTopic}), {@code gkm.dispatcher.state} and
 *       {@code gkm.audit} (and {@code gkm.dlq}) in one transaction, transactional id
 *       {@code gkm.dispatcher.<cluster>.<instance>}. Beside the loop, every instance reads all of
 *       {@code gkm.nodes} and {@code gkm.dispatcher.state} into memory
 *       ({@link io.gkm.dispatcher.view}), caught up before the loop starts.</li>
 *   <li>Status ({@link io.gkm.dispatcher.status}): consumer group {@code gkm.dispatcher-status} reads
 *       {@code gkm.install-results} and writes the node's GKMCacheNode / ClusterGKMCacheNode status
 *       through the Kubernetes API, with an audit event (and {@code gkm.dlq}) in a transaction of
 *       transactional id {@code gkm.dispatcher-status.<cluster>.<instance>}.</li>
 * </ul>
 *
 * <p>More than one replica is safe: each needs its own {@code GKM_INSTANCE}; the groups share
 * the input partitions, and every replica holds the full views. What the views cannot guarantee
 * is in the routing package documentation.
 */
package io.gkm.dispatcher;
