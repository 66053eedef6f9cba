package io.gkm.ingest.watch;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gkm.ingest.model.ClusterGKMCache;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes API the watches use: the kubeconfig ({@code KUBECONFIG}, else
 * {@code ~/.kube/config}, its current context) or, in a pod, the pod's service account, as
 * {@code kubectl} and fabric8 find them.
 */
public final class KubernetesAccess {
    /** Set by the kubelet in every pod: the in-cluster API server. */
    static final String IN_CLUSTER_HOST = "KUBERNETES_SERVICE_HOST";
    static final String KUBECONFIG = "KUBECONFIG";
    /** Mounted in every pod with a service account: the pod's namespace. */
    public static final String POD_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /**
     * A configured API server.
     *
     * @param source where its configuration came from, e.g. {@code kubeconfig /home/me/.kube/config}
     */
    public record Target(Config config, String source) {
        /** The API server's URL and where it came from, for a start-up line. */
        public String describe() {
            return config.getMasterUrl() + " (" + source + ")";
        }
    }

    private KubernetesAccess() {
    }

    /**
     * The API server configured in {@code env}: the first existing file of {@code KUBECONFIG}, else
     * {@code $HOME/.kube/config}, else the pod's service account when {@code KUBERNETES_SERVICE_HOST}
     * is set; empty when there is none of these.
     *
     * @throws IllegalArgumentException when the kubeconfig found cannot be read
     */
    public static Optional<Target> configured(Map<String, String> env) {
        for (Path candidate : kubeconfigCandidates(env)) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return Optional.of(new Target(Config.fromKubeconfig(null, candidate.toFile()),
                            "kubeconfig " + candidate));
                } catch (RuntimeException e) { // fabric8's own errors, and its YAML parser's
                    throw new IllegalArgumentException("kubeconfig " + candidate + " is unusable: "
                            + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip(), e);
                }
            }
        }
        String inCluster = env.get(IN_CLUSTER_HOST);
        if (inCluster != null && !inCluster.isEmpty()) {
            return Optional.of(new Target(Config.autoConfigure(null), "in-cluster service account"));
        }
        return Optional.empty();
    }

    /** The namespace of the pod this runs in; empty outside a pod. */
    public static Optional<String> podNamespace() {
        return podNamespace(Path.of(POD_NAMESPACE_FILE));
    }

    /** The namespace in {@code namespaceFile} ({@link #POD_NAMESPACE_FILE} in a pod); empty outside a pod. */
    public static Optional<String> podNamespace(Path namespaceFile) {
        try {
            String namespace = Files.readString(namespaceFile).strip();
            return namespace.isEmpty() ? Optional.empty() : Optional.of(namespace);
        } catch (IOException e) { // no such file: not in a pod, or no service account token mounted
            return Optional.empty();
        }
    }

    /** Why {@link #configured} found nothing, and what to set. */
    public static String notConfigured(Map<String, String> env) {
        return "no kubeconfig at " + kubeconfigCandidates(env) + " (set KUBECONFIG) and not in a pod ("
                + IN_CLUSTER_HOST + " is unset)";
    }

    private static List<Path> kubeconfigCandidates(Map<String, String> env) {
        List<Path> candidates = new ArrayList<>();
        String kubeconfig = env.get(KUBECONFIG);
        if (kubeconfig != null && !kubeconfig.isEmpty()) {
            for (String entry : kubeconfig.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry));
                }
            }
            return candidates;
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        candidates.add(Path.of(home, ".kube", "config"));
        return candidates;
    }

    /**
     * Lists one ClusterGKMCache (the watches list them anyway): empty when the API server answered
     * within {@code timeout}, else why not (unreachable, not authorised, GKM's CRDs not installed).
     */
    public static Optional<String> unanswered(Target target, Duration timeout) {
        int ms = (int) timeout.toMillis();
        Config probe = new ConfigBuilder(target.config()).withConnectionTimeout(ms).withRequestTimeout(ms)
                .withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(probe).build()) {
            client.resources(ClusterGKMCache.class).list(new ListOptionsBuilder().withLimit(1L).build());
            return Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of(reason(target, e, timeout));
        }
    }

    private static String reason(Target target, KubernetesClientException e, Duration timeout) {
        String api = "API server " + target.describe();
        return switch (e.getCode()) {
            case -1, 0 -> api + " is unreachable (waited at most " + timeout.toMillis() + " ms): " + rootCause(e);
            case 401, 403 -> api + " refused to list ClusterGKMCaches (HTTP " + e.getCode()
                    + "): give this identity " + KubernetesPermissions.describe(KubernetesPermissions.INGEST);
            case 404 -> api + " serves no ClusterGKMCache: install GKM's CRDs";
            default -> api + " answered HTTP " + e.getCode() + ": " + e.getMessage();
        };
    }

    /**
     * What went wrong below fabric8's generic "Operation failed": the deepest cause with a message,
     * else the first that is more than an IOException (the JDK client's ConnectException has none).
     */
    private static String rootCause(Throwable e) {
        Throwable telling = null;
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null || (telling == null && t.getClass() != IOException.class)) {
                telling = t;
            }
        }
        Throwable cause = telling == null ? e : telling;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
