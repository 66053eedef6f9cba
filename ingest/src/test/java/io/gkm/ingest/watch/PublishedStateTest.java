package io.gkm.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PublishedStateTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final WatchScope ALL = new WatchScope("prod", Set.of());

    private static ResourceSnapshot cache(String namespace, String name, String uid, String resourceVersion) {
        return new ResourceSnapshot(ResourceKey.namespaced("prod", namespace, "GKMCache", name), uid, resourceVersion, 1,
                "{\"image\":\"quay.io/gkm/cache-examples:v1\"}", Map.of("gkm.io/signature-format", "cosign-v2"), Map.of());
    }

    private static ResourceSnapshot clusterCache(String name, String uid, String resourceVersion) {
        return new ResourceSnapshot(ResourceKey.clusterScoped("prod", "ClusterGKMCache", name), uid, resourceVersion, 1,
                "{\"image\":\"quay.io/gkm/cache-examples:v1\"}", Map.of(), Map.of());
    }

    private static List<ChangeType> types(List<ResourceEvent> events) {
        return events.stream().map(ResourceEvent::getChangeType).toList();
    }

    @Test
    void aNewResourceIsAddedThenModifiedThenDeleted() {
        PublishedState state = new PublishedState(ALL, Map.of());

        List<ResourceEvent> added = state.decide(new WatchSignal.Upserted(cache("a", "x", "u1", "1")), NOW);
        List<ResourceEvent> modified = state.decide(new WatchSignal.Upserted(cache("a", "x", "u1", "2")), NOW);
        List<ResourceEvent> deleted = state.decide(new WatchSignal.Deleted(cache("a", "x", "u1", "2")), NOW);

        assertThat(types(added)).containsExactly(ChangeType.ADDED);
        assertThat(types(modified)).containsExactly(ChangeType.MODIFIED);
        assertThat(types(deleted)).containsExactly(ChangeType.DELETED);
        assertThat(added.get(0).getResourceKey()).isEqualTo("prod/a/GKMCache/x");
        assertThat(added.get(0).getLabels()).containsEntry("gkm.io/signature-format", "cosign-v2");
        assertThat(state.size()).isZero();
    }

    @Test
    void theSameResourceVersionAgainIsNotRepublished() {
        PublishedState state = new PublishedState(ALL, Map.of());
        state.decide(new WatchSignal.Upserted(cache("a", "x", "u1", "1")), NOW);

        assertThat(state.decide(new WatchSignal.Upserted(cache("a", "x", "u1", "1")), NOW)).isEmpty();
    }

    @Test
    void aRecreatedResourceIsDeletedThenAdded() {
        PublishedState state = new PublishedState(ALL, Map.of());
        state.decide(new WatchSignal.Upserted(cache("a", "x", "u1", "1")), NOW);

        List<ResourceEvent> events = state.decide(new WatchSignal.Upserted(cache("a", "x", "u2", "5")), NOW);

        assertThat(types(events)).containsExactly(ChangeType.DELETED, ChangeType.ADDED);
        assertThat(events.get(0).getUid()).isEqualTo("u1");
        assertThat(events.get(1).getUid()).isEqualTo("u2");
    }

    @Test
    void afterTheListingWhatWasPublishedButIsGoneIsDeletedWithItsLastState() {
        PublishedState before = new PublishedState(ALL, Map.of());
        before.decide(new WatchSignal.Upserted(cache("a", "kept", "u1", "1")), NOW);
        List<ResourceEvent> gone = before.decide(new WatchSignal.Upserted(cache("a", "gone", "u2", "7")), NOW);
        before.decide(new WatchSignal.Upserted(clusterCache("gone-too", "u3", "8")), NOW);
        PublishedState restarted = before.copy();

        List<ResourceEvent> events = restarted.decide(new WatchSignal.Listed(Set.of("prod/a/GKMCache/kept")), NOW);

        assertThat(events).extracting(ResourceEvent::getResourceKey)
                .containsExactly("prod/_cluster/ClusterGKMCache/gone-too", "prod/a/GKMCache/gone");
        assertThat(types(events)).containsOnly(ChangeType.DELETED);
        assertThat(events.get(1).getResourceVersion()).isEqualTo(gone.get(0).getResourceVersion());
        assertThat(events.get(1).getSpec()).isEqualTo(gone.get(0).getSpec());
        assertThat(restarted.size()).isEqualTo(1);
    }

    @Test
    void resourcesOutsideTheScopeAreNeverReportedDeletedByTheListing() {
        PublishedState everything = new PublishedState(ALL, Map.of());
        everything.decide(new WatchSignal.Upserted(cache("a", "x", "u1", "1")), NOW);
        everything.decide(new WatchSignal.Upserted(cache("b", "y", "u2", "1")), NOW);
        PublishedState onlyA = new PublishedState(new WatchScope("prod", Set.of("a")),
                Map.of("prod/a/GKMCache/x", everything.last("prod/a/GKMCache/x").orElseThrow(),
                        "prod/b/GKMCache/y", everything.last("prod/b/GKMCache/y").orElseThrow()));

        List<ResourceEvent> events = onlyA.decide(new WatchSignal.Listed(Set.of()), NOW);

        assertThat(events).extracting(ResourceEvent::getResourceKey).containsExactly("prod/a/GKMCache/x");
    }

    @Test
    void aCopyDecidesWithoutChangingTheOriginal() {
        PublishedState state = new PublishedState(ALL, Map.of());
        PublishedState copy = state.copy();

        copy.decide(new WatchSignal.Upserted(cache("a", "x", "u1", "1")), NOW);

        assertThat(state.size()).isZero();
        assertThat(copy.size()).isEqualTo(1);
    }
}
