package io.gkm.nodeconsumer.install;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageHandler;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The node-consumer stage's decision for one {@link InstallJob}: check the job ({@link #problem}),
 * have the {@link CacheInstaller} do it, and answer one {@link InstallResult} on
 * {@code gkm.install-results} (keyed by the resource key) with one audit entry. Every job gets a
 * result, FAILED ones included; a record that is not an InstallJob goes to the dead-letter topic.
 */
public final class InstallHandler implements StageHandler {
    /** The stage name: consumer group {@code gkm.node-consumer.<cluster>.<node>}, CloudEvents source part, audit stage. */
    public static final String STAGE = "node-consumer";

    private final CacheInstaller installer;
    private final Topics topics;
    private final String cluster;
    private final String node;
    private final Clock clock;

    public InstallHandler(CacheInstaller installer, Topics topics, String cluster, String node, Clock clock) {
        this.installer = Objects.requireNonNull(installer, "installer");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The topic this node reads: its own jobs topic. */
    public static List<String> inputs(Topics topics, String cluster, String node) {
        return List.of(topics.jobs(cluster, node));
    }

    @Override
    public Decision decide(Inbound inbound) {
        if (!(inbound.event() instanceof InstallJob job)) {
            throw new IllegalArgumentException("the node-consumer reads InstallJobs; " + inbound.topic() + " gave it a "
                    + inbound.event().getSchema().getFullName());
        }
        Instant started = clock.instant();
        ResourceKey key;
        Digest digest;
        String target;
        try {
            key = ResourceKey.parse(job.getResourceKey());
            digest = Digest.parse(job.getDigest());
            target = installer.layout().digestDir(key, digest).toString();
        } catch (IllegalArgumentException e) {
            return decision(job, JobOutcome.failed("the job names no cache folder: " + e.getMessage()), Duration.ZERO,
                    clock.instant());
        }
        JobOutcome outcome = problem(job, target, cluster, node).map(JobOutcome::failed)
                .orElseGet(() -> run(job, key, digest));
        return decision(job, outcome, Duration.between(started, clock.instant()), clock.instant());
    }

    private JobOutcome run(InstallJob job, ResourceKey key, Digest digest) {
        return job.getAction() == JobAction.INSTALL
                ? installer.install(key, ImageReference.parse(job.getImage()), digest)
                : installer.remove(key, digest);
    }

    /**
     * What makes a job one this node must refuse, checked before anything is pulled or deleted:
     * another node's job, a resource key or digest that does not parse, an image not pinned by
     * the job's digest, or a target path that is not exactly the folder {@code CacheLayout} gives
     * for the key and digest (so a job can never name a folder outside the cache root).
     *
     * @param expectedTarget the digest folder as this node computes it
     */
    static Optional<String> problem(InstallJob job, String expectedTarget, String cluster, String node) {
        if (!job.getCluster().equals(cluster) || !job.getNode().equals(node)) {
            return Optional.of("job for node " + job.getCluster() + "/" + job.getNode() + " reached node " + cluster
                    + "/" + node + "; refusing it");
        }
        if (job.getAction() == JobAction.INSTALL) {
            ImageReference image;
            try {
                image = ImageReference.parse(job.getImage());
            } catch (IllegalArgumentException e) {
                return Optional.of("image '" + job.getImage() + "' is not an image reference: " + e.getMessage());
            }
            if (image.digest().isEmpty() || !image.digest().get().toString().equals(job.getDigest())) {
                return Optional.of("image '" + job.getImage() + "' is not pinned by the job's digest " + job.getDigest()
                        + "; a node pulls by digest only");
            }
        }
        String target;
        try {
            target = Path.of(job.getTargetPath()).normalize().toString();
        } catch (InvalidPathException e) {
            target = null;
        }
        if (!expectedTarget.equals(target)) {
            return Optional.of("target path '" + job.getTargetPath() + "' is not the cache's digest folder "
                    + expectedTarget + " (GKM_CACHE_DIR/<namespace | cluster-scoped>/<name>/<digest>); refusing to "
                    + "write or delete anywhere else");
        }
        return Optional.empty();
    }

    /**
     * The InstallResult and audit entry of a job's outcome, reported by this node: a job that
     * reached it by mistake must not be written onto the status of the node it names.
     */
    private Decision decision(InstallJob job, JobOutcome outcome, Duration took, Instant finished) {
        InstallResult result = InstallResult.newBuilder()
                .setOutcome(outcome.outcome())
                .setJobId(job.getJobId())
                .setAttempt(job.getAttempt())
                .setResourceKey(job.getResourceKey())
                .setCluster(cluster)
                .setNode(node)
                .setDigest(job.getDigest())
                .setBytes(outcome.bytes())
                .setFiles(outcome.files())
                .setDurationMillis(took.toMillis())
                .setError(outcome.isError() ? outcome.reason() : null)
                .setFinishedAt(finished)
                .build();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("jobId", job.getJobId());
        details.put("attempt", Integer.toString(job.getAttempt()));
        if (job.getReplayOf() != null) {
            details.put("replayOf", job.getReplayOf());
        }
        details.put("node", node);
        if (!job.getNode().equals(node) || !job.getCluster().equals(cluster)) {
            details.put("jobNode", job.getCluster() + "/" + job.getNode());
        }
        details.put("image", job.getImage());
        details.put("digest", job.getDigest());
        details.put("targetPath", job.getTargetPath());
        details.put("bytes", Long.toString(outcome.bytes()));
        details.put("files", Integer.toString(outcome.files()));
        details.put("durationMillis", Long.toString(took.toMillis()));
        details.putAll(outcome.details());
        String action = job.getAction() == JobAction.INSTALL ? "install" : "remove";
        return Decision.of(new Outbound(topics.installResults(), job.getResourceKey(), result),
                new AuditEntry(action, outcome.outcome().name(), outcome.reason(), job.getResourceKey(), details));
    }
}
