package io.gkm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.gkm.core.stage.StageFailedException;
import io.gkm.ingest.watch.CacheWatch;
import io.gkm.ingest.watch.KubernetesAccess;
import io.gkm.ingest.watch.KubernetesPermissions;
import io.gkm.ingest.watch.LeaderElectedWatches;
import io.gkm.ingest.watch.WatchScope;
import io.gkm.ingest.watch.Watches;
import io.gkm.testkit.RbacVerbs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API calls ingest's code really makes (its start-up probe, its leader election and its
 * watches, against fabric8's API server in CRUD mode, every request recorded and turned into an
 * RBAC verb) are exactly {@link KubernetesPermissions#INGEST}, which deploy's ClusterRole grants,
 * and {@link KubernetesPermissions#INGEST_LEASE}, which its Role in gkm-system grants
 * (RenderedOverlaysIT).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class IngestApiCallsIT {
    /** {@code /apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]}. */
    private static final Pattern LEASE_PATH = Pattern.compile("/apis/coordination\\.k8s\\.io/[^/]+/namespaces/([^/]+)/leases");
    private static final String LEASE_NAMESPACE = "gkm-system";
    private static final Duration WAIT = Duration.ofSeconds(20);

    KubernetesMockServer server;
    KubernetesClient client;

    @ParameterizedTest
    @ValueSource(strings = {"", "team-a,team-b"})
    void ingestCallsExactlyTheVerbsItsPermissionsList(String watchNamespaces) throws InterruptedException {
        Set<String> namespaces = watchNamespaces.isEmpty() ? Set.of() : Set.of(watchNamespaces.split(","));
        Set<String> needed = triples(KubernetesPermissions.INGEST);
        needed.addAll(triples(KubernetesPermissions.INGEST_LEASE));
        LeaderElectedWatches.Election election = new LeaderElectedWatches.Election("gkm-ingest-watch", LEASE_NAMESPACE,
                "gkm-ingest-0", Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));

        assertThat(KubernetesAccess.unanswered(new KubernetesAccess.Target(client.getConfiguration(), "test"),
                Duration.ofSeconds(5))).isEmpty();
        Set<String> made = new TreeSet<>();
        Set<String> leaseNamespaces = new TreeSet<>();
        // The leader's calls: it takes the Lease (get, create), starts the informers, renews (get, patch).
        try (LeaderElectedWatches watches = LeaderElectedWatches.start(client, election,
                () -> new Informers(CacheWatch.start(client, new WatchScope("kind", namespaces), signal -> { })))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            // The informers open their watches after listing; wait until every needed call was seen.
            while (!made.containsAll(needed) && System.nanoTime() < deadline) {
                RecordedRequest request = server.takeRequest(200, TimeUnit.MILLISECONDS);
                if (request != null) {
                    made.add(verb(request));
                    leaseNamespace(request).ifPresent(leaseNamespaces::add);
                }
            }
        } // closing gives the Lease up: one more patch
        RecordedRequest late;
        while ((late = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            made.add(verb(late));
            leaseNamespace(late).ifPresent(leaseNamespaces::add);
        }

        assertThat(made).isEqualTo(needed);
        assertThat(leaseNamespaces).as("Lease calls stay in ingest's namespace, where its Role grants them")
                .containsExactly(LEASE_NAMESPACE);
    }

    /** RBAC rules as {@code group/resource:verb} triples. */
    static Set<String> triples(List<KubernetesPermissions.Rule> rules) {
        Set<String> triples = new TreeSet<>();
        rules.forEach(r -> r.verbs().forEach(v -> triples.add(r.apiGroup() + "/" + r.resource() + ":" + v)));
        return triples;
    }

    private static Optional<String> leaseNamespace(RecordedRequest request) {
        Matcher m = LEASE_PATH.matcher(URI.create(request.getPath()).getPath());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The informers alone (this test has no Kafka), as the watches the leader runs. */
    private record Informers(CacheWatch watch) implements Watches {
        @Override
        public Optional<StageFailedException> failure() {
            return Optional.empty();
        }

        @Override
        public void close() {
            watch.close();
        }
    }

    private static String verb(RecordedRequest request) {
        return RbacVerbs.of(request.getMethod(), request.getPath());
    }
}
