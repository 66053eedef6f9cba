package io.gkm.ingest.watch;

import io.gkm.core.stage.StageFailedException;
import java.util.Optional;

/** The watches as ingest runs them: always ({@link ResourceWatches}), or while it leads ({@link LeaderElectedWatches}). */
public interface Watches extends AutoCloseable {
    /** Why publishing stopped on its own (fenced, not authorised, could not start), if it did. */
    Optional<StageFailedException> failure();

    /** Whether this ingest runs the watches now; always, for watches that need no leader election. */
    default boolean leading() {
        return true;
    }

    /** Stops the watches, publishing what they saw. */
    @Override
    void close();
}
