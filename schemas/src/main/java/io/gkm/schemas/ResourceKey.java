package io.gkm.schemas;

/**
 * Key of a resource's events on every resource topic:
 * {@code <cluster>/<namespace or _cluster>/<Kind>/<name>}, e.g. {@code prod/team-a/GKMCache/llama}
 * or {@code prod/_cluster/ClusterGKMCache/llama}.
 *
 * @param cluster the cluster name
 * @param namespace the namespace; null for a cluster-scoped resource
 * @param kind the Kubernetes kind, e.g. {@code GKMCache}
 * @param name the resource name
 */
public record ResourceKey(String cluster, String namespace, String kind, String name) {
    /** Stands for the namespace of a cluster-scoped resource. */
    public static final String CLUSTER_SCOPE = "_cluster";

    public ResourceKey {
        check(cluster, "cluster");
        if (namespace != null) {
            check(namespace, "namespace");
            if (namespace.equals(CLUSTER_SCOPE)) {
                throw new IllegalArgumentException("namespace '" + CLUSTER_SCOPE
                        + "' is reserved; use null for a cluster-scoped resource");
            }
        }
        check(kind, "kind");
        check(name, "name");
    }

    /** Key of a namespaced resource. */
    public static ResourceKey namespaced(String cluster, String namespace, String kind, String name) {
        if (namespace == null) {
            throw new IllegalArgumentException("namespace must not be null for a namespaced resource");
        }
        return new ResourceKey(cluster, namespace, kind, name);
    }

    /** Key of a cluster-scoped resource. */
    public static ResourceKey clusterScoped(String cluster, String kind, String name) {
        return new ResourceKey(cluster, null, kind, name);
    }

    /** True when the resource is cluster-scoped (no namespace). */
    public boolean isClusterScoped() {
        return namespace == null;
    }

    /** {@code <cluster>/<namespace or _cluster>/<Kind>/<name>}. */
    @Override
    public String toString() {
        return cluster + "/" + (namespace == null ? CLUSTER_SCOPE : namespace) + "/" + kind + "/" + name;
    }

    /**
     * Parses {@code <cluster>/<namespace or _cluster>/<Kind>/<name>}.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static ResourceKey parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("resource key must not be null");
        }
        String[] parts = key.split("/", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("resource key '" + key
                    + "' must have 4 parts <cluster>/<namespace or _cluster>/<Kind>/<name>, has " + parts.length);
        }
        try {
            return new ResourceKey(parts[0], CLUSTER_SCOPE.equals(parts[1]) ? null : parts[1], parts[2], parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resource key '" + key + "' is invalid: " + e.getMessage(), e);
        }
    }

    /** Key of a node on {@code gkm.nodes}: {@code <cluster>/<node>}. */
    public static String nodeKey(String cluster, String node) {
        check(cluster, "cluster");
        check(node, "node");
        return cluster + "/" + node;
    }

    private static void check(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be null or empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                throw new IllegalArgumentException(what + " '" + value + "' must not contain '/'");
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " '" + value + "' must not contain whitespace or control characters");
            }
        }
    }
}
