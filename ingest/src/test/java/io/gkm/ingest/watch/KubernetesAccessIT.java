package io.gkm.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whether an API server answers, as {@code gkm dev} asks before it starts the watches. */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesAccessIT {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void anApiServerServingGkmsResourcesAnswers() {
        KubernetesAccess.Target target = new KubernetesAccess.Target(client.getConfiguration(), "test");

        assertThat(KubernetesAccess.unanswered(target, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void anApiServerWhereNothingListensDoesNotAnswerAndSaysSo() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Config config = Config.empty();
        config.setMasterUrl("http://127.0.0.1:" + closed);

        long start = System.nanoTime();
        String reason = KubernetesAccess.unanswered(new KubernetesAccess.Target(config, "test"), Duration.ofSeconds(2))
                .orElseThrow();

        assertThat(reason).startsWith("API server http://127.0.0.1:" + closed + "/ (test) is unreachable (waited at most 2000 ms): ")
                .endsWith("ConnectException");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anApiServerWithoutGkmsCrdsSaysToInstallThem() {
        server.expect().get().withPath("/apis/gkm.io/v1alpha1/clustergkmcaches?limit=1").andReturn(404, "").always();
        KubernetesAccess.Target target = new KubernetesAccess.Target(client.getConfiguration(), "test");

        assertThat(KubernetesAccess.unanswered(target, Duration.ofSeconds(3)))
                .hasValueSatisfying(r -> assertThat(r).endsWith("serves no ClusterGKMCache: install GKM's CRDs"));
    }
    @Test
    void anApiServerThatRefusesSaysWhichVerbsIngestNeeds() {
        server.expect().get().withPath("/apis/gkm.io/v1alpha1/clustergkmcaches?limit=1").andReturn(403, "").always();
        KubernetesAccess.Target target = new KubernetesAccess.Target(client.getConfiguration(), "test");

        assertThat(KubernetesAccess.unanswered(target, Duration.ofSeconds(3))).hasValueSatisfying(r -> assertThat(r)
                .endsWith("refused to list ClusterGKMCaches (HTTP 403): give this identity list and watch on gkmcaches "
                        + "and clustergkmcaches of gkm.io"));
    }
}
