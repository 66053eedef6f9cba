package io.gkm.dispatcher.routing;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.VerificationResult;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Makes the InstallJobs of a verified cache: the image pinned by its verified digest (never a
 * tag), and the folder GKM extracts it into on every node.
 */
public final class InstallJobs {
    private final CacheLayout layout;
    private final Supplier<UUID> ids;
    private final Clock clock;

    /**
     * @param layout the nodes' cache folders (GKM's: {@code /var/lib/gkm/caches})
     * @param ids    job ids ({@code UUID::randomUUID})
     */
    public InstallJobs(CacheLayout layout, Supplier<UUID> ids, Clock clock) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The first attempt of {@code action} for {@code cache} on {@code node}.
     *
     * @throws IllegalArgumentException when the result has no digest, or its image, digest or
     *     resource key cannot name a pull or a folder
     */
    public InstallJob job(JobAction action, VerificationResult cache, String cluster, String node) {
        String key = cache.getResourceKey();
        if (cache.getImageDigest() == null) {
            throw new IllegalArgumentException("verified result of " + key + " has no image digest: nothing to pin "
                    + "the image " + cache.getImage() + " to");
        }
        Digest digest = Digest.parse(cache.getImageDigest());
        return InstallJob.newBuilder()
                .setAction(action)
                .setJobId(ids.get().toString())
                .setAttempt(1)
                .setReplayOf(null)
                .setResourceKey(key)
                .setCluster(cluster)
                .setNode(node)
                .setImage(ImageReference.parse(cache.getImage()).withDigest(digest).normalized())
                .setDigest(digest.toString())
                .setTargetPath(layout.digestDir(ResourceKey.parse(key), digest).toString())
                .setCreatedAt(clock.instant())
                .build();
    }
}
