package io.gkm.ingest.watch;

import java.util.Set;

/** What the informers report, in the order they report it. */
public sealed interface WatchSignal {
    /** Added, updated or re-listed. */
    record Upserted(ResourceSnapshot resource) implements WatchSignal {
    }

    /** Deleted; {@code resource} is its last known state. */
    record Deleted(ResourceSnapshot resource) implements WatchSignal {
    }

    /** Every informer has listed the cluster: these keys exist. */
    record Listed(Set<String> presentKeys) implements WatchSignal {
        public Listed {
            presentKeys = Set.copyOf(presentKeys);
        }
    }
}
