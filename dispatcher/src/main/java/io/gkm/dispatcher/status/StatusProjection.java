package io.gkm.dispatcher.status;

import io.gkm.ingest.model.CacheCounts;
import io.gkm.ingest.model.Condition;
import io.gkm.ingest.model.GKMCacheNodeStatus;
import io.gkm.ingest.model.NodeCacheState;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one InstallResult makes of a node's {@code GKMCacheNodeStatus} (pure): under
 * {@code caches[<cache name>][<digest>]} one condition as GKM's agent writes them (type and
 * reason alike, status True): {@code Extracted} for INSTALLED and ALREADY_PRESENT, {@code Error}
 * for FAILED and SKIPPED_INCOMPATIBLE (with the node's error as message), and the entry removed
 * for REMOVED. The node's counts follow the entries. {@code Pending} is GKM's state before the
 * result, {@code Running} and {@code Outdated} depend on the pods that mount the cache, which the
 * dispatcher does not see: it never writes them, and keeps the pod counts it finds.
 */
public final class StatusProjection {
    public static final String EXTRACTED = "Extracted";
    public static final String ERROR = "Error";
    /** GKM's message for {@code Extracted}. */
    static final String EXTRACTED_MESSAGE = "The Kernel Cache has been extracted onto the host";

    private StatusProjection() {
    }

    /**
     * The status after {@code result}, or empty when it changes nothing (a repeated result, or the
     * removal of an entry that is not there), so that no write follows.
     *
     * @param current the node's status now; null when the object has none yet
     * @param cacheName the cache's metadata.name
     */
    public static Optional<GKMCacheNodeStatus> apply(GKMCacheNodeStatus current, InstallResult result,
            String cacheName, OffsetDateTime now) {
        GKMCacheNodeStatus next = copy(current, result.getNode());
        Map<String, NodeCacheState> digests = next.getCaches().computeIfAbsent(cacheName, n -> new LinkedHashMap<>());
        NodeCacheState before = digests.get(result.getDigest());
        switch (result.getOutcome()) {
            case REMOVED -> {
                if (before == null) {
                    return Optional.empty();
                }
                digests.remove(result.getDigest());
                if (digests.isEmpty()) {
                    next.getCaches().remove(cacheName);
                }
            }
            case INSTALLED, ALREADY_PRESENT -> {
                Long size = result.getBytes() > 0 ? Long.valueOf(result.getBytes())
                        : before == null ? null : before.getVolumeSize();
                if (!put(digests, result.getDigest(), before, EXTRACTED, EXTRACTED_MESSAGE, size, now)) {
                    return Optional.empty();
                }
            }
            case FAILED, SKIPPED_INCOMPATIBLE -> {
                String message = (result.getOutcome() == InstallOutcome.FAILED
                        ? "extraction failed" : "no GPU of the node is compatible")
                        + (result.getError() == null ? "" : ": " + result.getError());
                if (!put(digests, result.getDigest(), before, ERROR, message,
                        before == null ? null : before.getVolumeSize(), now)) {
                    return Optional.empty();
                }
            }
            default -> throw new IllegalArgumentException("unknown outcome " + result.getOutcome());
        }
        next.setCounts(counts(next, current));
        return Optional.of(next);
    }

    /** Sets the entry's one condition; false when it already says exactly that. */
    private static boolean put(Map<String, NodeCacheState> digests, String digest, NodeCacheState before, String type,
            String message, Long volumeSize, OffsetDateTime now) {
        if (before != null && before.getConditions().size() == 1
                && type.equals(before.getConditions().get(0).getType())
                && message.equals(before.getConditions().get(0).getMessage())
                && Objects.equals(volumeSize, before.getVolumeSize())) {
            return false;
        }
        NodeCacheState state = new NodeCacheState();
        if (before != null) {
            state.setCompatibleGpus(before.getCompatibleGpus());
            state.setIncompatibleGpus(before.getIncompatibleGpus());
            state.setPods(before.getPods());
        }
        Condition c = new Condition();
        c.setType(type);
        c.setStatus(Condition.Status.TRUE);
        c.setReason(type);
        c.setMessage(message);
        boolean sameType = before != null && !before.getConditions().isEmpty()
                && type.equals(before.getConditions().get(0).getType());
        c.setLastTransitionTime(sameType ? before.getConditions().get(0).getLastTransitionTime() : now);
        state.setConditions(new ArrayList<>(List.of(c)));
        state.setVolumeSize(volumeSize);
        state.setLastUpdated(now);
        digests.put(digest, state);
        return true;
    }

    /** The node's counts (GKM's node-level meaning: 0 or 1, errors per entry), pod counts kept. */
    private static CacheCounts counts(GKMCacheNodeStatus status, GKMCacheNodeStatus current) {
        CacheCounts counts = new CacheCounts();
        long extracted = 0;
        long errors = 0;
        for (Map<String, NodeCacheState> digests : status.getCaches().values()) {
            for (NodeCacheState s : digests.values()) {
                String type = s.getConditions().isEmpty() ? "" : s.getConditions().get(0).getType();
                extracted += EXTRACTED.equals(type) ? 1 : 0;
                errors += ERROR.equals(type) ? 1 : 0;
            }
        }
        counts.setNodeCnt(status.getCaches().isEmpty() ? 0 : 1);
        counts.setNodeNotInUseCnt(extracted > 0 ? 1 : 0);
        counts.setNodeErrorCnt(errors);
        if (current != null && current.getCounts() != null) {
            counts.setNodeInUseCnt(current.getCounts().getNodeInUseCnt());
            counts.setPodRunningCnt(current.getCounts().getPodRunningCnt());
            counts.setPodOutdatedCnt(current.getCounts().getPodOutdatedCnt());
        }
        return counts;
    }

    /** A deep enough copy to change caches without touching {@code current}. */
    private static GKMCacheNodeStatus copy(GKMCacheNodeStatus current, String node) {
        GKMCacheNodeStatus next = new GKMCacheNodeStatus();
        next.setNodeName(node);
        if (current != null) {
            next.setGpus(current.getGpus());
            next.setCounts(current.getCounts());
            for (Map.Entry<String, Map<String, NodeCacheState>> e : current.getCaches().entrySet()) {
                next.getCaches().put(e.getKey(), new LinkedHashMap<>(e.getValue()));
            }
        }
        return next;
    }
}
