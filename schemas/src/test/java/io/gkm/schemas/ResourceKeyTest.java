package io.gkm.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceKeyTest {
    @Test
    void namespacedKeyFormatsAndParses() {
        ResourceKey key = ResourceKey.namespaced("prod", "team-a", "GKMCache", "llama");

        assertThat(key.toString()).isEqualTo("prod/team-a/GKMCache/llama");
        assertThat(ResourceKey.parse("prod/team-a/GKMCache/llama")).isEqualTo(key);
        assertThat(key.isClusterScoped()).isFalse();
    }

    @Test
    void clusterScopedKeyUsesUnderscoreClusterForTheNamespace() {
        ResourceKey key = ResourceKey.clusterScoped("prod", "ClusterGKMCache", "llama");

        assertThat(key.toString()).isEqualTo("prod/_cluster/ClusterGKMCache/llama");
        ResourceKey parsed = ResourceKey.parse("prod/_cluster/ClusterGKMCache/llama");
        assertThat(parsed).isEqualTo(key);
        assertThat(parsed.namespace()).isNull();
        assertThat(parsed.isClusterScoped()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "prod/team-a/GKMCache         | must have 4 parts",
            "prod/team-a/GKMCache/llama/x | must have 4 parts",
            "''                           | must have 4 parts",
            "/team-a/GKMCache/llama       | cluster must not be null or empty",
            "prod//GKMCache/llama         | namespace must not be null or empty",
            "prod/team-a//llama           | kind must not be null or empty",
            "prod/team-a/GKMCache/        | name must not be null or empty",
            "prod/team a/GKMCache/llama   | namespace 'team a' must not contain whitespace",
    })
    void parseRejectsMalformedKeysNamingInputAndProblem(String input, String problem) {
        assertThatThrownBy(() -> ResourceKey.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("resource key '" + input + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void parseRejectsNull() {
        assertThatThrownBy(() -> ResourceKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructorRejectsReservedNamespaceAndSlashes() {
        assertThatThrownBy(() -> new ResourceKey("prod", "_cluster", "GKMCache", "llama"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> new ResourceKey("prod", "a", "GKMCache", "x/y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name 'x/y' must not contain '/'");
        assertThatThrownBy(() -> ResourceKey.namespaced("prod", null, "GKMCache", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nodeKeyIsClusterSlashNode() {
        assertThat(ResourceKey.nodeKey("prod", "gpu-node-1.example.com")).isEqualTo("prod/gpu-node-1.example.com");
        assertThatThrownBy(() -> ResourceKey.nodeKey("prod", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResourceKey.nodeKey("a/b", "n")).isInstanceOf(IllegalArgumentException.class);
    }
}
