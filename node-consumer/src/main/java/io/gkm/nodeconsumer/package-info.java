/**
 * The node-consumer: one a GPU node (a DaemonSet in Kubernetes), it installs the kernel caches the
 * dispatcher sends this node and reports the node's GPUs ({@link io.gkm.nodeconsumer.NodeConsumerStage}).
 *
 * <p>What runs, with the default topic prefix {@code gkm.}:
 * <ul>
 *   <li>reads {@code gkm.jobs.<cluster>.<node>} (read_committed) as consumer group
 *       {@code gkm.node-consumer.<cluster>.<node>}: a group a node, so nodes never rebalance each
 *       other; static member id = the instance;</li>
 *   <li>writes {@code gkm.install-results} (one InstallResult a job, keyed by the resource key),
 *       {@code gkm.audit}, {@code gkm.dlq} in the stage's transaction, transactional id
 *       {@code gkm.node-consumer.<cluster>.<instance>} (instance = GKM_INSTANCE, else the node
 *       name); {@code gkm.nodes} (NodeInventory keyed {@code <cluster>/<node>}) and
 *       {@code gkm.audit} with transactional id {@code gkm.node-consumer.<cluster>.<instance>.inventory};</li>
 *   <li>creates {@code gkm.jobs.<cluster>.<node>} (1 partition, 7 days) when it is missing; a broker
 *       that refuses (the deployed KafkaUser has no Create) is not an error: the inventory is
 *       published anyway, and the consumer subscribes once the dispatcher has created the topic
 *       (looked for every 2 s; subscribing earlier would ask the broker to create it, and be refused
 *       with TOPIC_AUTHORIZATION_FAILED);</li>
 *   <li>reads GKM_SYSFS_ROOT ({@code /sys}) and writes under GKM_CACHE_DIR
 *       ({@code /var/lib/gkm/caches}), which must be the root the dispatcher names in target paths
 *       (the host's folder mounted at the same path); reads GKM_USAGE_DIR ({@code /run/gkm/usage},
 *       GKM's CSI driver's record of mounted caches) so as never to remove a cache in use.</li>
 * </ul>
 *
 * <p>One job a transaction: the handler pulls and unpacks before anything is sent, so a long
 * install never holds a transaction open. A node-consumer killed mid-install leaves at most a
 * folder under {@code .gkm-staging}, cleared at start; the job is read again and either installs
 * or, when the rename into the digest folder had happened, answers ALREADY_PRESENT.
 */
package io.gkm.nodeconsumer;
