package io.gkm.dispatcher.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.gkm.core.stage.RetriableStageException;
import io.gkm.ingest.model.ClusterGKMCacheNode;
import io.gkm.ingest.model.GKMCacheNode;
import io.gkm.ingest.model.GKMCacheNodeStatus;
import io.gkm.ingest.watch.KubernetesPermissions;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes an InstallResult onto the status of the node's GKMCacheNode (in the cache's namespace)
 * or ClusterGKMCacheNode (for a ClusterGKMCache), creating the object when missing; the status
 * itself comes from {@link StatusProjection}. The calls it makes are
 * {@link DispatcherPermissions#DISPATCHER}.
 *
 * <p>Errors: an API server that cannot be reached, is overloaded (429), fails (5xx), a write that
 * lost a race (409: someone else changed the object, or created it first), being refused (401,
 * 403: RBAC not granted yet) or GKM's CRDs missing (404) is retried with the batch
 * ({@link RetriableStageException}, naming what to fix): a cluster not set up yet is no fault of
 * the results, which would all be lost if dead-lettered. A namespace gone (404 on create) or an
 * invalid object (400, 422) is an {@link IllegalStateException}, which the stage loop dead-letters
 * with an audit event, so one bad result does not stall the rest.
 */
public final class CacheNodeStatusWriter {
    /** GKM's label on its node objects: the node's name. */
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

    /** What a write did. */
    public enum Outcome { UPDATED, CREATED, UNCHANGED, NO_OBJECT }

    /** The object written (kind, namespace or null, name) and what was done to it. */
    public record Written(Outcome outcome, String kind, String namespace, String name) {
    }

    /** Longest one API request may take, well inside a stage transaction. */
    static final int REQUEST_TIMEOUT_MS = 10_000;

    /** Longest one {@link #write} may take: a list, a create and a status update, each up to the request timeout. */
    public static final Duration LONGEST_WRITE = Duration.ofMillis(3L * REQUEST_TIMEOUT_MS);

    private final KubernetesClient client;
    private final Clock clock;

    /**
     * {@code config} for this writer: no retries inside the client (fabric8 retries a 5xx up to 10
     * times with a backoff that doubles from 100 ms, longer than a stage transaction; the stage loop
     * retries the batch instead), and requests bounded by {@value #REQUEST_TIMEOUT_MS} ms.
     */
    public static Config clientConfig(Config config) {
        return new ConfigBuilder(config).withRequestRetryBackoffLimit(0).withRequestTimeout(REQUEST_TIMEOUT_MS)
                .withConnectionTimeout(REQUEST_TIMEOUT_MS).build();
    }

    public CacheNodeStatusWriter(KubernetesClient client, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Applies {@code result} to its node's object.
     *
     * @throws RetriableStageException when the API server is unavailable, the write lost a race, the
     *     dispatcher lacks permissions or the cluster GKM's CRDs
     * @throws IllegalStateException when the API server refuses the result for a reason a retry cannot fix
     * @throws IllegalArgumentException when the result's resource key is invalid
     */
    public Written write(InstallResult result) {
        ResourceKey key = ResourceKey.parse(result.getResourceKey());
        try {
            return key.isClusterScoped()
                    ? write(client.resources(ClusterGKMCacheNode.class), ClusterGKMCacheNode::new, null, key, result)
                    : write(client.resources(GKMCacheNode.class).inNamespace(key.namespace()), GKMCacheNode::new,
                            key.namespace(), key, result);
        } catch (KubernetesClientException e) {
            throw failure(e, key, result);
        }
    }

    private <T extends CustomResource<Void, GKMCacheNodeStatus>, L extends KubernetesResourceList<T>> Written write(
            NonNamespaceOperation<T, L, Resource<T>> objects, Supplier<T> fresh, String namespace, ResourceKey key,
            InstallResult result) {
        String kind = fresh.get().getKind();
        List<T> found = objects.withLabel(HOSTNAME_LABEL, result.getNode()).list().getItems();
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " " + kind + "s" + where(namespace) + " carry "
                    + HOSTNAME_LABEL + "=" + result.getNode() + "; GKM keeps one a node: delete the extra ones");
        }
        Outcome outcome = Outcome.UPDATED;
        T object;
        if (found.isEmpty()) {
            if (result.getOutcome() == InstallOutcome.REMOVED) {
                return new Written(Outcome.NO_OBJECT, kind, namespace, null);
            }
            T created = fresh.get();
            created.setMetadata(new ObjectMetaBuilder().withName(result.getNode()).withNamespace(namespace)
                    .withLabels(Map.of(HOSTNAME_LABEL, result.getNode())).build());
            // The API server ignores status on create: it is written by the update below.
            object = objects.resource(created).create();
            outcome = Outcome.CREATED;
        } else {
            object = found.get(0);
        }
        Optional<GKMCacheNodeStatus> next = StatusProjection.apply(object.getStatus(), result, key.name(),
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        if (next.isEmpty()) {
            return new Written(outcome == Outcome.CREATED ? Outcome.CREATED : Outcome.UNCHANGED, kind, namespace,
                    object.getMetadata().getName());
        }
        object.setStatus(next.get());
        objects.resource(object).updateStatus();
        return new Written(outcome, kind, namespace, object.getMetadata().getName());
    }

    private static String where(String namespace) {
        return namespace == null ? "" : " in namespace " + namespace;
    }

    private static RuntimeException failure(KubernetesClientException e, ResourceKey key, InstallResult result) {
        String what = "status of node " + result.getNode() + " for " + key;
        int code = e.getCode();
        if (code == 404 && namespaceGone(e)) {
            return new IllegalStateException("cannot write " + what + " (HTTP 404): namespace " + key.namespace()
                    + " no longer exists: " + e.getMessage(), e);
        }
        String fix = switch (code) {
            case 401, 403 -> "give the dispatcher " + KubernetesPermissions.describe(DispatcherPermissions.DISPATCHER);
            case 404 -> "install GKM's CRDs (GKMCacheNode, ClusterGKMCacheNode)";
            case 409 -> "the object changed meanwhile";
            default -> code <= 0 || code == 429 || code >= 500 ? "the API server is unavailable"
                    : "the API server refused the object";
        };
        String message = "cannot write " + what + " (HTTP " + code + "): " + fix + ": " + e.getMessage();
        boolean retriable = code <= 0 || code == 401 || code == 403 || code == 404 || code == 409 || code == 429
                || code >= 500;
        return retriable ? new RetriableStageException(message, e) : new IllegalStateException(message, e);
    }

    /** A 404 naming the namespace (a create into one deleted meanwhile), not the resource type. */
    private static boolean namespaceGone(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getDetails() != null
                && "namespaces".equals(e.getStatus().getDetails().getKind());
    }
}
