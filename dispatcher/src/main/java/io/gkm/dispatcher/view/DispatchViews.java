package io.gkm.dispatcher.view;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.dispatcher.routing.DispatchState;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@link DispatchState} of a running dispatcher: the node view (gkm.nodes) and the verified
 * caches (the dispatcher's state topic), each a {@link CompactedTopicView}.
 */
public final class DispatchViews implements DispatchState, AutoCloseable {
    private final CompactedTopicView<NodeInventory> nodes;
    private final CompactedTopicView<VerificationResult> caches;

    private DispatchViews(CompactedTopicView<NodeInventory> nodes, CompactedTopicView<VerificationResult> caches) {
        this.nodes = nodes;
        this.caches = caches;
    }

    /** Starts reading both topics from their beginning; {@link #awaitCaughtUp} before deciding anything. */
    public static DispatchViews start(KafkaClientFactory kafka, Topics topics, String instance) {
        CompactedTopicView<NodeInventory> nodes = CompactedTopicView.start(kafka, topics.prefix()
                + "dispatcher.nodes-view." + instance, topics.nodes(), EventCodec.INSTANCE, DispatchViews::node);
        CompactedTopicView<VerificationResult> caches = CompactedTopicView.start(kafka, topics.prefix()
                + "dispatcher.state-view." + instance, topics.dispatcherState(), EventCodec.INSTANCE,
                DispatchViews::verified);
        return new DispatchViews(nodes, caches);
    }

    /** A node's latest report; a tombstone (or another event) forgets the node. */
    static Optional<NodeInventory> node(String key, SpecificRecord event) {
        return event instanceof NodeInventory n ? Optional.of(n) : Optional.empty();
    }

    /** A cache's latest VERIFIED result; REJECTED, a DELETED resource event or a tombstone forget it. */
    static Optional<VerificationResult> verified(String key, SpecificRecord event) {
        return event instanceof VerificationResult r && r.getVerdict() == Verdict.VERIFIED ? Optional.of(r)
                : Optional.empty();
    }

    /**
     * Waits until both views hold what their topics held when they started.
     *
     * @throws IllegalStateException when they do not within {@code timeout}, or a view failed
     */
    public void awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompactedTopicView<?> view : List.of(nodes, caches)) {
            if (!view.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                throw new IllegalStateException("could not read " + view.topic() + " to its end within " + timeout
                        + " (GKM_DISPATCHER_CATCH_UP_TIMEOUT)");
            }
        }
    }

    /** @throws IllegalStateException when a view stopped on an error */
    public void throwIfFailed() {
        nodes.throwIfFailed();
        caches.throwIfFailed();
    }

    /** Why a view stopped on its own, if one did. */
    public Optional<RuntimeException> failure() {
        return nodes.failure().or(caches::failure);
    }

    @Override
    public Collection<NodeInventory> nodes(String cluster) {
        return nodes.snapshot().values().stream().filter(n -> n.getCluster().equals(cluster))
                .sorted((a, b) -> a.getNode().compareTo(b.getNode())).toList();
    }

    @Override
    public Optional<VerificationResult> verified(String resourceKey) {
        return caches.get(resourceKey);
    }

    @Override
    public Collection<VerificationResult> verifiedCaches(String cluster) {
        return caches.snapshot().entrySet().stream()
                .filter(e -> clusterOf(e.getKey()).equals(cluster))
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(java.util.Map.Entry::getValue).toList();
    }

    private static String clusterOf(String key) {
        try {
            return ResourceKey.parse(key).cluster();
        } catch (IllegalArgumentException e) {
            return ""; // the handler never writes such a key; it matches no cluster
        }
    }

    /** Records of gkm.nodes and of the state topic that were skipped as undecodable. */
    public long skipped() {
        return nodes.skipped() + caches.skipped();
    }

    @Override
    public void close() throws InterruptedException {
        nodes.close();
        caches.close();
    }
}
