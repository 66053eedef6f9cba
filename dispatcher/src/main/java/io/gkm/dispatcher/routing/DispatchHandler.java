package io.gkm.dispatcher.routing;

import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageHandler;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The dispatcher's decision for one inbound event, a pure function of the event and the
 * {@link DispatchState} it is given (see the package documentation for the rules).
 */
public final class DispatchHandler implements StageHandler {
    /** The stage name: consumer group {@code gkm.dispatcher}, CloudEvents source part, audit stage. */
    public static final String STAGE = "dispatcher";
    /** The audit action of every decision of this stage. */
    public static final String ACTION = "dispatch";
    /** A job was written to the node's topic. */
    public static final String DISPATCHED = "DISPATCHED";
    /** The node has no GPU the cache was compiled for: no job. */
    public static final String SKIPPED_INCOMPATIBLE = "SKIPPED_INCOMPATIBLE";
    /** The verdict was not VERIFIED: no job. */
    public static final String NOT_DISPATCHED = "NOT_DISPATCHED";
    /** The same digest and targets were already dispatched: no job. */
    public static final String UNCHANGED = "UNCHANGED";
    /** No node of the cluster has reported yet: no job now, each node gets it when it reports. */
    public static final String NO_NODES = "NO_NODES";
    /** A deleted cache that no node was given, or a node report that no verified cache fits. */
    public static final String NOTHING_TO_DISPATCH = "NOTHING_TO_DISPATCH";

    private final Topics topics;
    private final DispatchState state;
    private final InstallJobs jobs;

    public DispatchHandler(Topics topics, DispatchState state, InstallJobs jobs) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.state = Objects.requireNonNull(state, "state");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
    }

    /** The topics the stage reads: verdicts, resource deletions, node reports. */
    public static List<String> inputs(Topics topics) {
        return List.of(topics.verifications(), topics.resources(), topics.nodes());
    }

    @Override
    public Decision decide(Inbound inbound) {
        if (inbound.event() instanceof VerificationResult result) {
            return verdict(result);
        }
        if (inbound.event() instanceof ResourceEvent resource) {
            // Added and modified resources are dispatched from their verdict, which follows.
            return resource.getChangeType() == ChangeType.DELETED ? deleted(resource)
                    : new Decision(List.of(), List.of());
        }
        if (inbound.event() instanceof NodeInventory node) {
            return reported(node);
        }
        throw new IllegalArgumentException("the dispatcher reads VerificationResults, ResourceEvents and "
                + "NodeInventories; " + inbound.topic() + " gave it a " + inbound.event().getSchema().getFullName());
    }

    private Decision verdict(VerificationResult result) {
        String key = result.getResourceKey();
        String cluster = ResourceKey.parse(key).cluster();
        if (result.getVerdict() != Verdict.VERIFIED) {
            String why = "verdict " + result.getVerdict() + (result.getReasons().isEmpty() ? ""
                    : ": " + result.getReasons().get(0)) + "; nothing is dispatched for an image that is not verified";
            AuditEntry audit = new AuditEntry(ACTION, NOT_DISPATCHED, why, key, Map.of("image", result.getImage()));
            // An ERROR says nothing about the image (the registry was down): the last VERIFIED result
            // stays in force for nodes that report later. A REJECTED one withdraws it.
            return result.getVerdict() == Verdict.REJECTED
                    ? new Decision(List.of(stateRecord(key, result)), List.of(audit))
                    : Decision.auditOnly(audit);
        }
        if (result.getImageDigest() == null) {
            throw new IllegalArgumentException("VERIFIED result of " + key + " has no image digest");
        }
        Optional<VerificationResult> before = state.verified(key);
        if (before.isPresent() && sameContent(before.get(), result)) {
            // The verifier verifies every modification again (status updates too): dispatching each
            // time would make jobs without end.
            return Decision.auditOnly(new AuditEntry(ACTION, UNCHANGED, "digest " + result.getImageDigest()
                    + " with the same targets was already dispatched to the compatible nodes", key,
                    Map.of("digest", result.getImageDigest())));
        }
        List<Outbound> outputs = new ArrayList<>();
        List<AuditEntry> audits = new ArrayList<>();
        outputs.add(stateRecord(key, result));
        Collection<NodeInventory> nodes = state.nodes(cluster);
        if (nodes.isEmpty()) {
            audits.add(new AuditEntry(ACTION, NO_NODES, "no node of cluster " + cluster + " has reported its GPUs "
                    + "yet; each node gets this cache when it reports", key, Map.of("digest", result.getImageDigest())));
        }
        for (NodeInventory node : nodes) {
            if (Compatibility.compatible(node, result.getCacheTargets())) {
                InstallJob job = jobs.job(JobAction.INSTALL, result, cluster, node.getNode());
                outputs.add(jobRecord(job));
                audits.add(dispatched(job, "verified; node GPUs " + Compatibility.describeGpus(node)
                        + " match targets " + Compatibility.describeTargets(result.getCacheTargets())));
            } else {
                audits.add(incompatible(key, node, result.getCacheTargets()));
            }
        }
        return new Decision(outputs, audits);
    }

    private Decision deleted(ResourceEvent resource) {
        String key = resource.getResourceKey();
        String cluster = ResourceKey.parse(key).cluster();
        Outbound forget = stateRecord(key, resource);
        Optional<VerificationResult> cache = state.verified(key);
        if (cache.isEmpty()) {
            return new Decision(List.of(forget), List.of(new AuditEntry(ACTION, NOTHING_TO_DISPATCH,
                    "deleted; no verified image of it was dispatched, so there is nothing to remove", key, Map.of())));
        }
        List<Outbound> outputs = new ArrayList<>(List.of(forget));
        List<AuditEntry> audits = new ArrayList<>();
        for (NodeInventory node : state.nodes(cluster)) {
            if (Compatibility.compatible(node, cache.get().getCacheTargets())) {
                InstallJob job = jobs.job(JobAction.REMOVE, cache.get(), cluster, node.getNode());
                outputs.add(jobRecord(job));
                audits.add(dispatched(job, "deleted; the node was given digest " + job.getDigest()));
            }
        }
        if (audits.isEmpty()) {
            audits.add(new AuditEntry(ACTION, NOTHING_TO_DISPATCH, "deleted; no known node of cluster " + cluster
                    + " can use it, so none holds it", key, Map.of("digest", cache.get().getImageDigest())));
        }
        return new Decision(outputs, audits);
    }

    private Decision reported(NodeInventory node) {
        Optional<NodeInventory> before = state.dispatchedFor(node.getCluster(), node.getNode());
        if (before.isPresent() && Compatibility.gpuTypes(before.get()).equals(Compatibility.gpuTypes(node))) {
            // Node-consumers report again at every interval: only a new node or other GPUs call for jobs.
            return new Decision(List.of(), List.of());
        }
        List<Outbound> outputs = new ArrayList<>();
        List<AuditEntry> audits = new ArrayList<>();
        outputs.add(stateRecord(ResourceKey.nodeKey(node.getCluster(), node.getNode()), node));
        String why = before.isEmpty() ? "new node with GPUs " : "node's GPUs changed from "
                + Compatibility.describeGpus(before.get()) + " to ";
        for (VerificationResult cache : state.verifiedCaches(node.getCluster())) {
            if (Compatibility.compatible(node, cache.getCacheTargets())) {
                InstallJob job = jobs.job(JobAction.INSTALL, cache, node.getCluster(), node.getNode());
                outputs.add(jobRecord(job));
                audits.add(dispatched(job, why + Compatibility.describeGpus(node) + ", which match targets "
                        + Compatibility.describeTargets(cache.getCacheTargets())));
            }
        }
        if (audits.isEmpty()) {
            audits.add(new AuditEntry(ACTION, NOTHING_TO_DISPATCH, why + Compatibility.describeGpus(node)
                    + "; no verified cache of cluster " + node.getCluster() + " fits them", null,
                    nodeDetails(node.getCluster(), node.getNode())));
        }
        return new Decision(outputs, audits);
    }

    /** Same digest, same targets (in any order): nothing new for any node. */
    private static boolean sameContent(VerificationResult a, VerificationResult b) {
        return Objects.equals(a.getImageDigest(), b.getImageDigest())
                && new HashSet<>(targets(a)).equals(new HashSet<>(targets(b)));
    }

    private static List<String> targets(VerificationResult r) {
        return r.getCacheTargets().stream().map(t -> t.getBackend() + "/" + t.getArch() + "/" + t.getWarpSize())
                .toList();
    }

    private Outbound stateRecord(String key, SpecificRecord event) {
        return new Outbound(topics.dispatcherState(), key, event);
    }

    private Outbound jobRecord(InstallJob job) {
        return new Outbound(topics.jobs(job.getCluster(), job.getNode()), job.getResourceKey(), job);
    }

    private AuditEntry dispatched(InstallJob job, String why) {
        Map<String, String> details = nodeDetails(job.getCluster(), job.getNode());
        details.put("jobAction", job.getAction().name());
        details.put("jobId", job.getJobId());
        details.put("topic", topics.jobs(job.getCluster(), job.getNode()));
        details.put("image", job.getImage());
        details.put("digest", job.getDigest());
        return new AuditEntry(ACTION, DISPATCHED, job.getAction() + " job to node " + job.getNode() + ": " + why,
                job.getResourceKey(), details);
    }

    private static AuditEntry incompatible(String key, NodeInventory node, List<CacheTarget> targets) {
        Map<String, String> details = nodeDetails(node.getCluster(), node.getNode());
        details.put("gpus", Compatibility.describeGpus(node));
        details.put("targets", Compatibility.describeTargets(targets));
        return new AuditEntry(ACTION, SKIPPED_INCOMPATIBLE, "node " + node.getNode() + " has "
                + Compatibility.describeGpus(node) + ", none of the cache's targets "
                + Compatibility.describeTargets(targets), key, details);
    }

    private static Map<String, String> nodeDetails(String cluster, String node) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("cluster", cluster);
        details.put("node", node);
        return details;
    }
}
