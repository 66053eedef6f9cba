package io.gkm.dispatcher.routing;

import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.VerificationResult;
import java.util.Collection;
import java.util.Optional;

/**
 * What the dispatcher knows beside the event it handles: the nodes that reported (gkm.nodes) and
 * the caches whose latest verdict is VERIFIED (the dispatcher's state topic). Read-only: the
 * handler changes the state only through the records it decides to write.
 */
public interface DispatchState {
    /** Every node of {@code cluster} that has reported its GPUs. */
    Collection<NodeInventory> nodes(String cluster);

    /** The latest VERIFIED result of the cache {@code resourceKey}, unless it was since rejected or deleted. */
    Optional<VerificationResult> verified(String resourceKey);

    /** The VERIFIED results of every cache of {@code cluster} that is still verified. */
    Collection<VerificationResult> verifiedCaches(String cluster);

    /** The report of a node that the dispatcher last sent jobs for; empty for a node it never saw. */
    Optional<NodeInventory> dispatchedFor(String cluster, String node);
}
