/**
 * Watches of GKMCache and ClusterGKMCache (fabric8 informers) onto {@code gkm.resources}, in order
 * per resource and without lost deletes.
 *
 * <p>Deletes made while ingest is down are found by comparing the cluster with the last state
 * ingest published. That state is kept in a compacted topic of its own,
 * {@code <prefix>ingest.watch-state}: the last ResourceEvent per resource key, a tombstone once it
 * is deleted. It is written in the same Kafka transaction as the events on {@code gkm.resources},
 * so the two never disagree. Reading {@code gkm.resources} back instead would not do: it is not
 * compacted, so its retention can drop the only event of a long-lived resource, whose later
 * delete would then go unnoticed, and a restart would have to read the whole history.
 *
 * <p>Of several ingest replicas, only the holder of a Lease runs the watches
 * ({@link io.gkm.ingest.watch.LeaderElectedWatches}); a new holder starts them as a restarted
 * ingest does, so the comparison above also covers what changed while the Lease changed hands.
 */
package io.gkm.ingest.watch;
