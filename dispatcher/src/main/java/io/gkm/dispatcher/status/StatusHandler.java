package io.gkm.dispatcher.status;

import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.StageHandler;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.InstallResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The status half of the dispatcher as a stage handler: each InstallResult is written onto its
 * node's status object ({@link CacheNodeStatusWriter}, the Kubernetes edge) and audited; Kafka
 * offsets and the audit event commit together, so a crash before the commit writes the status
 * again, which {@link StatusProjection} makes harmless.
 */
public final class StatusHandler implements StageHandler {
    /** The stage name: consumer group {@code gkm.dispatcher-status}, CloudEvents source part, audit stage. */
    public static final String STAGE = "dispatcher-status";
    /** The audit action of every decision of this stage. */
    public static final String ACTION = "project-status";

    /** The audit outcome of a result of another cluster, whose API this dispatcher does not write. */
    public static final String OTHER_CLUSTER = "OTHER_CLUSTER";

    private final String cluster;
    private final CacheNodeStatusWriter writer;

    /** Writes the results of {@code cluster} (GKM_CLUSTER), the one {@code writer}'s client reaches. */
    public StatusHandler(String cluster, CacheNodeStatusWriter writer) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** The topics the stage reads. */
    public static List<String> inputs(Topics topics) {
        return List.of(topics.installResults());
    }

    @Override
    public Decision decide(Inbound inbound) {
        if (!(inbound.event() instanceof InstallResult result)) {
            throw new IllegalArgumentException("the status projection reads InstallResults; " + inbound.topic()
                    + " gave it a " + inbound.event().getSchema().getFullName());
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("node", result.getNode());
        String resultCluster = ResourceKey.parse(result.getResourceKey()).cluster();
        if (!resultCluster.equals(cluster)) {
            return Decision.auditOnly(new AuditEntry(ACTION, OTHER_CLUSTER, "result of cluster " + resultCluster
                    + "; this dispatcher writes the status of cluster " + cluster + " (GKM_CLUSTER)",
                    result.getResourceKey(), details));
        }
        CacheNodeStatusWriter.Written written = writer.write(result);
        details.put("result", result.getOutcome().name());
        details.put("jobId", result.getJobId());
        details.put("digest", result.getDigest());
        details.put("kind", written.kind());
        if (written.namespace() != null) {
            details.put("namespace", written.namespace());
        }
        if (written.name() != null) {
            details.put("name", written.name());
        }
        String reason = switch (written.outcome()) {
            case CREATED -> "created " + written.kind() + " " + written.name() + " for the node";
            case UPDATED -> "status of " + written.kind() + " " + written.name() + " updated";
            case UNCHANGED -> written.kind() + " " + written.name() + " already says so";
            case NO_OBJECT -> "the node has no " + written.kind() + ": nothing to remove";
        };
        return Decision.auditOnly(new AuditEntry(ACTION, written.outcome().name(), reason, result.getResourceKey(),
                details));
    }
}
