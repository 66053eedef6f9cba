package io.gkm.core.cache;

import io.gkm.core.image.Digest;
import io.gkm.schemas.ResourceKey;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheLayoutTest {
    private static final Digest DIGEST = Digest.parse("sha256:" + "ab".repeat(32));
    private final CacheLayout layout = new CacheLayout(Path.of("/var/lib/gkm/caches"));

    @Test
    void namespacedCacheLivesUnderItsNamespaceAndName() {
        ResourceKey key = ResourceKey.namespaced("c1", "gkm-test-ns", "GKMCache", "vector-add");
        assertThat(layout.digestDir(key, DIGEST))
                .isEqualTo(Path.of("/var/lib/gkm/caches/gkm-test-ns/vector-add/" + DIGEST));
        assertThat(layout.metadataFile(key)).isEqualTo(Path.of("/var/lib/gkm/caches/gkm-test-ns/vector-add/cache.json"));
    }

    @Test
    void clusterScopedCacheLivesUnderGkmsClusterScopedFolder() {
        ResourceKey key = ResourceKey.clusterScoped("c1", "ClusterGKMCache", "vector-add");
        assertThat(layout.cacheDir(key)).isEqualTo(Path.of("/var/lib/gkm/caches/cluster-scoped/vector-add"));
    }

    @Test
    void nameThatWouldLeaveTheRootIsRefused() {
        ResourceKey key = ResourceKey.namespaced("c1", "..", "GKMCache", "x");
        assertThatThrownBy(() -> layout.cacheDir(key)).hasMessageContaining("namespace '..' cannot name a folder");
    }

    @Test
    void relativeRootIsMadeAbsolute() {
        assertThat(new CacheLayout(Path.of("var/caches")).root()).isAbsolute();
    }
}
