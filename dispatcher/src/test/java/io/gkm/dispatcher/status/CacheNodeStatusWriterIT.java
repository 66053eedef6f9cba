package io.gkm.dispatcher.status;

import static io.gkm.dispatcher.status.Results.DIGEST;
import static io.gkm.dispatcher.status.Results.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.gkm.core.stage.RetriableStageException;
import io.gkm.ingest.model.ClusterGKMCacheNode;
import io.gkm.ingest.model.GKMCacheNode;
import io.gkm.ingest.model.GKMCacheNodeStatus;
import io.gkm.ingest.watch.KubernetesPermissions;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.testkit.RbacVerbs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status writer against fabric8's API server in CRUD mode, every request recorded. */
@EnableKubernetesMockClient(crud = true, https = false)
class CacheNodeStatusWriterIT {
    /** {@code /apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]}. */
    private static final String KEY = "c1/team-a/GKMCache/vector-add";
    private static final String CLUSTER_KEY = "c1/_cluster/ClusterGKMCache/flash-attn";

    KubernetesMockServer server;
    KubernetesClient client;
    private CacheNodeStatusWriter writer;

    @BeforeEach
    void writer() throws InterruptedException {
        writer = new CacheNodeStatusWriter(new KubernetesClientBuilder()
                .withConfig(CacheNodeStatusWriter.clientConfig(client.getConfiguration())).build(),
                Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC));
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // requests of an earlier test
        }
    }

    @Test
    void aResultForANodeWithoutObjectCreatesItsGkmCacheNodeNamedAfterItWithTheStatus() {
        CacheNodeStatusWriter.Written w = writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null));

        assertThat(w.outcome()).isEqualTo(CacheNodeStatusWriter.Outcome.CREATED);
        GKMCacheNode node = client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-a").get();
        assertThat(node.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", "gpu-a");
        GKMCacheNodeStatus status = node.getStatus();
        assertThat(status.getNodeName()).isEqualTo("gpu-a");
        assertThat(status.getCaches().get("vector-add").get(DIGEST).getConditions())
                .singleElement().satisfies(c -> assertThat(c.getType()).isEqualTo("Extracted"));
        assertThat(status.getCounts().getNodeNotInUseCnt()).isEqualTo(1);
    }

    @Test
    void gkmsOwnObjectForTheNodeIsFoundByItsLabelAndUpdated() {
        GKMCacheNode gkms = new GKMCacheNode();
        gkms.setMetadata(new ObjectMetaBuilder().withName("vector-add-x7k2p").withNamespace("team-a")
                .withLabels(Map.of("kubernetes.io/hostname", "gpu-a")).build());
        client.resource(gkms).create();
        GKMCacheNode otherNode = new GKMCacheNode();
        otherNode.setMetadata(new ObjectMetaBuilder().withName("vector-add-q9w3e").withNamespace("team-a")
                .withLabels(Map.of("kubernetes.io/hostname", "gpu-b")).build());
        client.resource(otherNode).create();

        CacheNodeStatusWriter.Written w = writer.write(result(InstallOutcome.FAILED, KEY, "gpu-a", DIGEST, "no space"));

        assertThat(w.outcome()).isEqualTo(CacheNodeStatusWriter.Outcome.UPDATED);
        assertThat(w.name()).isEqualTo("vector-add-x7k2p");
        assertThat(client.resources(GKMCacheNode.class).inNamespace("team-a").list().getItems()).hasSize(2);
        GKMCacheNodeStatus status = client.resources(GKMCacheNode.class).inNamespace("team-a")
                .withName("vector-add-x7k2p").get().getStatus();
        assertThat(status.getCaches().get("vector-add").get(DIGEST).getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).isEqualTo("extraction failed: no space"));
        assertThat(client.resources(GKMCacheNode.class).inNamespace("team-a").withName("vector-add-q9w3e").get()
                .getStatus()).as("another node's object is left alone").isNull();
    }

    @Test
    void aClusterScopedCacheGoesToTheNodesClusterGkmCacheNode() {
        writer.write(result(InstallOutcome.INSTALLED, CLUSTER_KEY, "gpu-a", DIGEST, null));

        ClusterGKMCacheNode node = client.resources(ClusterGKMCacheNode.class).withName("gpu-a").get();
        assertThat(node.getStatus().getCaches()).containsOnlyKeys("flash-attn");
        assertThat(client.resources(GKMCacheNode.class).inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void aRepeatedResultWritesNothingAndARemovalWithoutObjectCreatesNone() {
        writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null));
        String version = client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-a").get()
                .getMetadata().getResourceVersion();

        assertThat(writer.write(result(InstallOutcome.ALREADY_PRESENT, KEY, "gpu-a", DIGEST, null)).outcome())
                .isEqualTo(CacheNodeStatusWriter.Outcome.UNCHANGED);
        assertThat(writer.write(result(InstallOutcome.REMOVED, KEY, "gpu-z", DIGEST, null)).outcome())
                .isEqualTo(CacheNodeStatusWriter.Outcome.NO_OBJECT);
        assertThat(client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-a").get()
                .getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-z").get()).isNull();
    }

    @Test
    void removedTakesTheCacheOffTheNodesStatus() {
        writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null));

        assertThat(writer.write(result(InstallOutcome.REMOVED, KEY, "gpu-a", DIGEST, null)).outcome())
                .isEqualTo(CacheNodeStatusWriter.Outcome.UPDATED);

        assertThat(client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-a").get().getStatus()
                .getCaches()).isEmpty();
    }

    @Test
    void theCallsMadeAreExactlyThePermissionsListed() throws InterruptedException {
        writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null));
        writer.write(result(InstallOutcome.INSTALLED, CLUSTER_KEY, "gpu-a", DIGEST, null));
        writer.write(result(InstallOutcome.REMOVED, KEY, "gpu-a", DIGEST, null));

        Set<String> made = new TreeSet<>();
        RecordedRequest request;
        while ((request = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            made.add(RbacVerbs.of(request.getMethod(), request.getPath()));
        }
        Set<String> listed = new TreeSet<>();
        for (KubernetesPermissions.Rule r : DispatcherPermissions.DISPATCHER) {
            r.verbs().forEach(v -> listed.add(r.apiGroup() + "/" + r.resource() + ":" + v));
        }
        assertThat(made).isEqualTo(listed);
    }

    @Test
    void anUnavailableApiServerIsRetriedWithTheBatch() {
        server.expect().get().withPath("/apis/gkm.io/v1alpha1/namespaces/team-a/gkmcachenodes"
                + "?labelSelector=kubernetes.io%2Fhostname%3Dgpu-a").andReturn(503, "").always();

        assertThatThrownBy(() -> writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null)))
                .isInstanceOf(RetriableStageException.class).hasMessageContaining("HTTP 503");
    }

    @Test
    void aConflictingWriteIsRetriedWithTheBatch() {
        server.expect().put().withPath("/apis/gkm.io/v1alpha1/namespaces/team-a/gkmcachenodes/gpu-a/status")
                .andReturn(409, "").once();

        assertThatThrownBy(() -> writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null)))
                .isInstanceOf(RetriableStageException.class).hasMessageContaining("HTTP 409");
        assertThat(writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null)).outcome())
                .as("the retry finds the object created before the conflict")
                .isEqualTo(CacheNodeStatusWriter.Outcome.UPDATED);
    }

    @Test
    void aRefusalIsRetriedWithThePermissionsToGrantNotDeadLettered() {
        server.expect().get().withPath("/apis/gkm.io/v1alpha1/clustergkmcachenodes"
                + "?labelSelector=kubernetes.io%2Fhostname%3Dgpu-a").andReturn(403, "").always();

        assertThatThrownBy(() -> writer.write(result(InstallOutcome.INSTALLED, CLUSTER_KEY, "gpu-a", DIGEST, null)))
                .isInstanceOf(RetriableStageException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("list and create on gkmcachenodes and clustergkmcachenodes of gkm.io");
    }

    @Test
    void missingCrdsAreRetriedWithTheCrdsToInstallNotDeadLettered() {
        server.expect().get().withPath("/apis/gkm.io/v1alpha1/namespaces/team-a/gkmcachenodes"
                + "?labelSelector=kubernetes.io%2Fhostname%3Dgpu-a").andReturn(404, "").always();

        assertThatThrownBy(() -> writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null)))
                .isInstanceOf(RetriableStageException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("install GKM's CRDs (GKMCacheNode, ClusterGKMCacheNode)");
    }

    @Test
    void aCreateIntoANamespaceDeletedMeanwhileIsNotRetried() {
        server.expect().post().withPath("/apis/gkm.io/v1alpha1/namespaces/team-a/gkmcachenodes")
                .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound")
                        .withMessage("namespaces \"team-a\" not found")
                        .withNewDetails().withName("team-a").withKind("namespaces").endDetails().build())
                .once();

        assertThatThrownBy(() -> writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null)))
                .isNotInstanceOf(RetriableStageException.class).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("namespace team-a no longer exists");
    }

    @Test
    void anInvalidObjectIsNotRetried() {
        server.expect().put().withPath("/apis/gkm.io/v1alpha1/namespaces/team-a/gkmcachenodes/gpu-a/status")
                .andReturn(422, "").once();

        assertThatThrownBy(() -> writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null)))
                .isNotInstanceOf(RetriableStageException.class).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HTTP 422").hasMessageContaining("the API server refused the object");
    }

    @Test
    void twoObjectsForOneNodeAreReportedNotGuessedBetween() {
        for (String name : List.of("a", "b")) {
            GKMCacheNode n = new GKMCacheNode();
            n.setMetadata(new ObjectMetaBuilder().withName("vector-add-" + name).withNamespace("team-a")
                    .withLabels(Map.of("kubernetes.io/hostname", "gpu-a")).build());
            client.resource(n).create();
        }

        assertThatThrownBy(() -> writer.write(result(InstallOutcome.INSTALLED, KEY, "gpu-a", DIGEST, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 GKMCacheNodes in namespace team-a");
    }
}
