package io.gkm.ingest.watch;

import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last ResourceEvent published per resource key, and the decisions that follow from it: what
 * to publish for each informer signal. Pure.
 *
 * <ul>
 *   <li>An object seen again with the resourceVersion last published gives nothing (a restart
 *       re-lists everything).
 *   <li>An object with another uid than the one published was deleted and re-created: DELETED for
 *       the old one, then ADDED.
 *   <li>After the informers listed the cluster, every published, watched key that is not there was
 *       deleted while nobody watched: DELETED, with its last published state.
 * </ul>
 */
public final class PublishedState {
    private final WatchScope scope;
    private final Map<String, ResourceEvent> published;

    public PublishedState(WatchScope scope, Map<String, ResourceEvent> published) {
        this.scope = scope;
        this.published = new HashMap<>(published);
    }

    /** A copy to decide a batch on, kept only if the batch is committed. */
    public PublishedState copy() {
        return new PublishedState(scope, published);
    }

    public Optional<ResourceEvent> last(String key) {
        return Optional.ofNullable(published.get(key));
    }

    public int size() {
        return published.size();
    }

    /** The events this signal calls for, already applied to this state. */
    public List<ResourceEvent> decide(WatchSignal signal, Instant now) {
        List<ResourceEvent> events = new ArrayList<>();
        if (signal instanceof WatchSignal.Upserted up) {
            ResourceSnapshot r = up.resource();
            ResourceEvent last = published.get(r.key().toString());
            if (last == null) {
                events.add(event(ChangeType.ADDED, r, now));
            } else if (!last.getUid().equals(r.uid())) {
                events.add(deleted(last, now));
                events.add(event(ChangeType.ADDED, r, now));
            } else if (!last.getResourceVersion().equals(r.resourceVersion())) {
                events.add(event(ChangeType.MODIFIED, r, now));
            }
        } else if (signal instanceof WatchSignal.Deleted del) {
            ResourceSnapshot r = del.resource();
            ResourceEvent last = published.get(r.key().toString());
            if (last != null && !last.getUid().equals(r.uid())) {
                events.add(deleted(last, now));
            }
            events.add(event(ChangeType.DELETED, r, now));
        } else {
            WatchSignal.Listed listed = (WatchSignal.Listed) signal;
            for (ResourceEvent last : published.values().stream()
                    .sorted((a, b) -> a.getResourceKey().compareTo(b.getResourceKey())).toList()) {
                if (!listed.presentKeys().contains(last.getResourceKey())
                        && scope.covers(ResourceKey.parse(last.getResourceKey()))) {
                    events.add(deleted(last, now));
                }
            }
        }
        events.forEach(this::apply);
        return events;
    }

    private void apply(ResourceEvent event) {
        if (event.getChangeType() == ChangeType.DELETED) {
            published.remove(event.getResourceKey());
        } else {
            published.put(event.getResourceKey(), event);
        }
    }

    private static ResourceEvent deleted(ResourceEvent last, Instant now) {
        return ResourceEvent.newBuilder(last).setChangeType(ChangeType.DELETED).setObservedAt(now).build();
    }

    static ResourceEvent event(ChangeType type, ResourceSnapshot r, Instant now) {
        ResourceKey key = r.key();
        return ResourceEvent.newBuilder()
                .setChangeType(type)
                .setResourceKey(key.toString())
                .setKind(key.kind())
                .setNamespace(key.namespace())
                .setName(key.name())
                .setUid(r.uid())
                .setResourceVersion(r.resourceVersion())
                .setGeneration(r.generation())
                .setSpec(r.spec())
                .setLabels(new HashMap<>(r.labels()))
                .setAnnotations(new HashMap<>(r.annotations()))
                .setObservedAt(now)
                .build();
    }
}
