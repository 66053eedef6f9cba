package io.gkm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig for a `gkm` process that points it at fabric8's mock API server, as a cluster's would. */
final class Kubeconfig {
    private Kubeconfig() {
    }

    /** Writes {@code dir/kubeconfig} naming the API server {@code client} talks to; the token is not checked. */
    static Path forMockServer(Path dir, KubernetesClient client) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                users:
                - name: it
                  user:
                    token: not-checked
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: it
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl()));
    }
}
