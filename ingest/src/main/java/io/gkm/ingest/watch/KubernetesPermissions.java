package io.gkm.ingest.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gkm.ingest.model.ClusterGKMCache;
import io.gkm.ingest.model.GKMCache;
import io.gkm.ingest.model.GkmApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Kubernetes API calls ingest makes, as RBAC rules: deploy grants exactly these and nothing
 * else (deploy's tests compare the two, and record the calls the code really makes against an API
 * server). Change these lists in the same change as the calls.
 *
 * <ul>
 *   <li>{@link CacheWatch}: fabric8 informers on GKMCache (every namespace, or one informer per
 *       namespace of {@code GKM_WATCH_NAMESPACES}) and on ClusterGKMCache: list, then watch;
 *   <li>{@link KubernetesAccess#unanswered}: lists one ClusterGKMCache to probe the API server;
 *   <li>{@link LeaderElectedWatches}: fabric8's leader elector reads the Lease, creates it when it
 *       is missing, and patches it (a merge patch holding the resourceVersion read, so two replicas
 *       cannot both take it) to take, renew and give it up; in ingest's own namespace only. Patch,
 *       not update as with client-go: fabric8 8's {@code ResourceLock.update} sends a PATCH.
 * </ul>
 *
 * <p>The webhook needs no Kubernetes permission: the API server calls it.
 */
public final class KubernetesPermissions {
    private KubernetesPermissions() {
    }

    /**
     * One RBAC rule: verbs on one resource of one API group.
     *
     * @param apiGroup API group ({@code ""} for the core group)
     * @param resource resource name as in RBAC (the plural)
     * @param verbs    verbs, in the order RBAC rules list them
     */
    public record Rule(String apiGroup, String resource, List<String> verbs) {
        public Rule {
            Objects.requireNonNull(apiGroup, "apiGroup");
            Objects.requireNonNull(resource, "resource");
            verbs = List.copyOf(verbs);
        }
    }

    /** What ingest's ServiceAccount needs cluster-wide, a ClusterRole (ClusterGKMCache is cluster-scoped). */
    public static final List<Rule> INGEST = List.of(
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(GKMCache.class), List.of("list", "watch")),
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(ClusterGKMCache.class), List.of("list", "watch")));

    /** What ingest's ServiceAccount needs in the namespace of its Lease (its own), a Role there. */
    public static final List<Rule> INGEST_LEASE = List.of(
            new Rule(HasMetadata.getGroup(Lease.class), HasMetadata.getPlural(Lease.class),
                    List.of("get", "create", "patch")));

    /**
     * The rules in words, for a message that asks for them: rules of one group with the same verbs
     * share a clause, e.g. {@code list and watch on gkmcaches and clustergkmcaches of gkm.io}.
     */
    public static String describe(List<Rule> rules) {
        Map<List<String>, List<String>> resourcesByGroupAndVerbs = new LinkedHashMap<>();
        for (Rule r : rules) {
            resourcesByGroupAndVerbs.computeIfAbsent(List.of(r.apiGroup(), String.join(",", r.verbs())),
                    k -> new ArrayList<>()).add(r.resource());
        }
        List<String> clauses = new ArrayList<>();
        resourcesByGroupAndVerbs.forEach((groupAndVerbs, resources) -> {
            String group = groupAndVerbs.get(0);
            clauses.add(and(List.of(groupAndVerbs.get(1).split(","))) + " on " + and(resources)
                    + (group.isEmpty() ? " of the core API group" : " of " + group));
        });
        return String.join("; ", clauses);
    }

    private static String and(List<String> words) {
        int last = words.size() - 1;
        return last == 0 ? words.get(0) : String.join(", ", words.subList(0, last)) + " and " + words.get(last);
    }
}
