package io.gkm.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesAccessTest {
    @TempDir
    Path dir;

    static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: %s
                users:
                - name: u
                  user:
                    token: t
                contexts:
                - name: ctx
                  context:
                    cluster: c
                    user: u
                current-context: ctx
                """.formatted(server);
    }

    @Test
    void theFirstExistingFileOfKubeconfigIsUsedWithItsCurrentContext() throws Exception {
        Path file = Files.writeString(dir.resolve("config"), kubeconfig("https://10.0.0.1:6443"));

        Optional<KubernetesAccess.Target> target = KubernetesAccess.configured(
                Map.of("KUBECONFIG", dir.resolve("missing") + ":" + file));

        assertThat(target).get().satisfies(t -> {
            assertThat(t.config().getMasterUrl()).isEqualTo("https://10.0.0.1:6443/");
            assertThat(t.describe()).isEqualTo("https://10.0.0.1:6443/ (kubeconfig " + file + ")");
        });
    }

    @Test
    void withoutKubeconfigTheOneInHomeIsUsed() throws Exception {
        Files.createDirectories(dir.resolve(".kube"));
        Files.writeString(dir.resolve(".kube/config"), kubeconfig("https://10.0.0.2:6443"));

        Optional<KubernetesAccess.Target> target = KubernetesAccess.configured(Map.of("HOME", dir.toString()));

        assertThat(target).get().extracting(KubernetesAccess.Target::source)
                .isEqualTo("kubeconfig " + dir.resolve(".kube/config"));
    }

    @Test
    void inAPodWithoutKubeconfigTheServiceAccountIsUsed() {
        Optional<KubernetesAccess.Target> target = KubernetesAccess.configured(Map.of(
                "KUBECONFIG", dir.resolve("missing").toString(), "KUBERNETES_SERVICE_HOST", "10.96.0.1"));

        assertThat(target).get().extracting(KubernetesAccess.Target::source).isEqualTo("in-cluster service account");
    }

    @Test
    void neitherKubeconfigNorPodIsNoConfigurationAndSaysWhereItLooked() {
        Map<String, String> env = Map.of("KUBECONFIG", dir.resolve("missing").toString());

        assertThat(KubernetesAccess.configured(env)).isEmpty();
        assertThat(KubernetesAccess.notConfigured(env)).isEqualTo("no kubeconfig at [" + dir.resolve("missing")
                + "] (set KUBECONFIG) and not in a pod (KUBERNETES_SERVICE_HOST is unset)");
    }

    @Test
    void aKubeconfigThatIsNotOneIsRefusedNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("config"), "clusters: [unclosed");

        assertThatThrownBy(() -> KubernetesAccess.configured(Map.of("KUBECONFIG", file.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kubeconfig " + file + " is unusable: ");
    }
    @Test
    void thePodsNamespaceIsReadFromItsServiceAccountFile() throws Exception {
        Path file = Files.writeString(dir.resolve("namespace"), "gkm-system\n");

        assertThat(KubernetesAccess.podNamespace(file)).contains("gkm-system");
        assertThat(KubernetesAccess.podNamespace(dir.resolve("missing"))).isEmpty();
    }
}
