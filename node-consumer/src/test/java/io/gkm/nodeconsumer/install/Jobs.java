package io.gkm.nodeconsumer.install;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.Digest;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.JobAction;
import java.time.Instant;
import java.util.UUID;

/** InstallJobs as the dispatcher writes them, for tests. */
public final class Jobs {
    private Jobs() {
    }

    /** A job for {@code node} of {@code cluster}, its target path the one {@code layout} gives. */
    public static InstallJob job(JobAction action, CacheLayout layout, ResourceKey key, String cluster, String node,
                                 String repository, Digest digest) {
        return InstallJob.newBuilder()
                .setAction(action)
                .setJobId(UUID.randomUUID().toString())
                .setAttempt(1)
                .setResourceKey(key.toString())
                .setCluster(cluster)
                .setNode(node)
                .setImage(repository + "@" + digest)
                .setDigest(digest.toString())
                .setTargetPath(layout.digestDir(key, digest).toString())
                .setCreatedAt(Instant.parse("2026-11-26T10:00:00Z"))
                .build();
    }
}
