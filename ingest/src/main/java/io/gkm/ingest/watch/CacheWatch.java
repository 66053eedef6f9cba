package io.gkm.ingest.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gkm.ingest.model.ClusterGKMCache;
import io.gkm.ingest.model.GKMCache;
import io.gkm.schemas.ResourceKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Informers on GKMCache (all namespaces, or those of the scope) and ClusterGKMCache, reporting to a
 * consumer (the {@link ResourcePublisher}) in the order fabric8 delivers: each add, update and
 * delete, and once every informer has listed the cluster, which keys exist.
 */
public final class CacheWatch implements AutoCloseable {
    private final List<SharedIndexInformer<? extends CustomResource<?, ?>>> informers;

    private CacheWatch(List<SharedIndexInformer<? extends CustomResource<?, ?>>> informers) {
        this.informers = informers;
    }

    /**
     * Starts the informers; returns once each has listed the cluster.
     *
     * @throws IllegalStateException when interrupted (ingest stopping) before the cluster is listed; the
     *     informers are closed then
     */
    public static CacheWatch start(KubernetesClient client, WatchScope scope, Consumer<WatchSignal> signals) {
        KubernetesSerialization json = client.getKubernetesSerialization();
        Reporters reporters = new Reporters(scope, json, signals);
        List<SharedIndexInformer<? extends CustomResource<?, ?>>> informers = new ArrayList<>();
        try {
            if (scope.allNamespaces()) {
                informers.add(reporters.informer(client.resources(GKMCache.class).inAnyNamespace()));
            } else {
                for (String namespace : scope.namespaces().stream().sorted().toList()) {
                    informers.add(reporters.informer(client.resources(GKMCache.class).inNamespace(namespace)));
                }
            }
            informers.add(reporters.informer(client.resources(ClusterGKMCache.class)));
            // Not fabric8's inform, whose wait for the list cannot be interrupted without losing the informer
            // it started: a stop while a slow API server lists must close the informers at once.
            for (SharedIndexInformer<? extends CustomResource<?, ?>> informer : informers) {
                listed(informer);
            }
        } catch (RuntimeException e) {
            informers.forEach(SharedIndexInformer::close);
            throw e;
        }
        Set<String> present = new HashSet<>();
        for (SharedIndexInformer<? extends CustomResource<?, ?>> informer : informers) {
            for (CustomResource<?, ?> resource : informer.getStore().list()) {
                present.add(key(scope, resource).toString());
            }
        }
        signals.accept(new WatchSignal.Listed(present));
        return new CacheWatch(informers);
    }

    /** Starts the informer and waits until it has listed the cluster. */
    private static void listed(SharedIndexInformer<?> informer) {
        try {
            informer.start().toCompletableFuture().get();
        } catch (InterruptedException e) {
            // The interrupt is a stop, and this exception says so; not interrupting the thread again lets the
            // caller close what it started (producers, the broker of gkm dev) cleanly on its way out.
            throw new IllegalStateException("stopped while listing the cluster's caches", e);
        } catch (ExecutionException e) {
            throw KubernetesClientException.launderThrowable(e.getCause());
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }

    static ResourceKey key(WatchScope scope, HasMetadata resource) {
        ObjectMeta m = resource.getMetadata();
        return resource instanceof ClusterGKMCache
                ? ResourceKey.clusterScoped(scope.cluster(), resource.getKind(), m.getName())
                : ResourceKey.namespaced(scope.cluster(), m.getNamespace(), resource.getKind(), m.getName());
    }

    static ResourceSnapshot snapshot(WatchScope scope, KubernetesSerialization json, CustomResource<?, ?> resource) {
        ObjectMeta m = resource.getMetadata();
        return new ResourceSnapshot(key(scope, resource), m.getUid() == null ? "" : m.getUid(),
                m.getResourceVersion() == null ? "" : m.getResourceVersion(),
                m.getGeneration() == null ? 0 : m.getGeneration(),
                resource.getSpec() == null ? "{}" : json.asJson(resource.getSpec()),
                m.getLabels() == null ? Map.of() : m.getLabels(),
                m.getAnnotations() == null ? Map.of() : m.getAnnotations());
    }

    /** Makes informers, not yet started, that report to the signals. */
    private record Reporters(WatchScope scope, KubernetesSerialization json, Consumer<WatchSignal> signals) {
        <T extends CustomResource<?, ?>> SharedIndexInformer<T> informer(Informable<T> resources) {
            SharedIndexInformer<T> informer = resources.runnableInformer(0);
            informer.addEventHandler(new Reporter<>(scope, json, signals));
            return informer;
        }
    }

    /** Turns informer callbacks into signals. */
    private record Reporter<T extends CustomResource<?, ?>>(WatchScope scope, KubernetesSerialization json,
                                                           Consumer<WatchSignal> signals) implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T resource) {
            signals.accept(new WatchSignal.Upserted(snapshot(scope, json, resource)));
        }

        @Override
        public void onUpdate(T oldResource, T newResource) {
            signals.accept(new WatchSignal.Upserted(snapshot(scope, json, newResource)));
        }

        @Override
        public void onDelete(T resource, boolean deletedFinalStateUnknown) {
            signals.accept(new WatchSignal.Deleted(snapshot(scope, json, resource)));
        }
    }
}
