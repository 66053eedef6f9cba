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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@link DispatchState} of a running dispatcher: the node view (gkm.nodes) and the verified
 * caches (the dispatcher's state topic), each a {@link CompactedTopicView}.
 */
public final class DispatchViews implements DispatchState, AutoCloseable {
    private final CompactedTopicView<NodeInventory> nodes;
    /** Per resource key the VERIFIED result in force, per node key the report last dispatched for. */
    private final CompactedTopicView<SpecificRecord> caches;

    private DispatchViews(CompactedTopicView<NodeInventory> nodes, CompactedTopicView<SpecificRecord> caches) {
        this.nodes = nodes;
        this.caches = caches;
    }

    /** Starts reading both topics from their beginning; {@link #awaitCaughtUp} before deciding anything. */
    public static DispatchViews start(KafkaClientFactory kafka, Topics topics, String instance) {
        CompactedTopicView<NodeInventory> nodes = CompactedTopicView.start(kafka, topics.prefix()
                + "dispatcher.nodes-view." + instance, topics.nodes(), EventCodec.INSTANCE, DispatchViews::node, false);
        // The dispatcher decides right after committing its previous decision's state: past open
        // transactions, so that one is seen (only dispatchers write there, each transaction's
        // writes right before its commit; a crashed one's open transaction holds requests up to its timeout).
        CompactedTopicView<SpecificRecord> caches = CompactedTopicView.start(kafka, topics.prefix()
                + "dispatcher.state-view." + instance, topics.dispatcherState(), EventCodec.INSTANCE,
                DispatchViews::state, true);
        return new DispatchViews(nodes, caches);
    }

    /** A node's latest report; a tombstone (or another event) forgets the node. */
    static Optional<NodeInventory> node(String key, SpecificRecord event) {
        return event instanceof NodeInventory n ? Optional.of(n) : Optional.empty();
    }

    /**
     * What the state topic keeps: a cache's latest VERIFIED result (REJECTED, a DELETED resource
     * event or a tombstone forget it), and the node report jobs were last sent for.
     */
    static Optional<SpecificRecord> state(String key, SpecificRecord event) {
        boolean kept = event instanceof VerificationResult r && r.getVerdict() == Verdict.VERIFIED
                || event instanceof NodeInventory;
        return kept ? Optional.of(event) : Optional.empty();
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

    /**
     * Brings both views up to the ends of their topics as they are now, so that a decision sees
     * every node report and every state record committed before it.
     *
     * @return false when they did not get there within {@code timeout}
     * @throws IllegalStateException when a view stopped on an error
     */
    public boolean awaitCurrent(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> nodesCurrent = nodes.requestCurrent();
        CompletableFuture<Void> cachesCurrent = caches.requestCurrent();
        long deadline = System.nanoTime() + timeout.toNanos();
        return nodes.await(nodesCurrent, timeout)
                && caches.await(cachesCurrent, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
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
        return caches.get(resourceKey).filter(VerificationResult.class::isInstance).map(VerificationResult.class::cast);
    }

    @Override
    public Collection<VerificationResult> verifiedCaches(String cluster) {
        return caches.snapshot().entrySet().stream()
                .filter(e -> e.getValue() instanceof VerificationResult r
                        && r.getResourceKey().startsWith(cluster + "/"))
                .sorted(Map.Entry.comparingByKey())
                .map(e -> (VerificationResult) e.getValue()).toList();
    }

    @Override
    public Optional<NodeInventory> dispatchedFor(String cluster, String node) {
        return caches.get(ResourceKey.nodeKey(cluster, node)).filter(NodeInventory.class::isInstance)
                .map(NodeInventory.class::cast);
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
