package io.gkm.nodeconsumer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cache.json in GKM's format (pkg/database/cache.go CacheData, json.MarshalIndent with two spaces). */
class CacheMetadataTest {
    private static final String D1 = "sha256:" + "ab".repeat(32);
    private static final String D2 = "sha256:" + "cd".repeat(32);

    @TempDir
    Path dir;

    @Test
    void writesGkmsFieldsIndentedByTwoSpaces() throws IOException {
        Path file = dir.resolve("cache.json");
        CacheMetadata.read(file).installed("quay.io/gkm/vector-add@" + D1, D1, 80415).write(file);
        assertThat(Files.readString(file)).isEqualTo("{\n  \"resolvedDigest\": \"" + D1
                + "\",\n  \"image\": \"quay.io/gkm/vector-add@" + D1 + "\",\n  \"sizes\": {\n    \"" + D1
                + "\": 80415\n  }\n}");
    }

    @Test
    void readsWhatGkmsAgentWrote() throws IOException {
        Path file = dir.resolve("cache.json");
        Files.writeString(file, "{\n  \"resolvedDigest\": \"" + D1 + "\",\n  \"image\": \"quay.io/gkm/cache-examples:"
                + "vector-add-cache-rocm\",\n  \"sizes\": {\n    \"" + D1 + "\": 98304\n  }\n}");
        CacheMetadata read = CacheMetadata.read(file);
        assertThat(read.resolvedDigest()).isEqualTo(D1);
        assertThat(read.image()).isEqualTo("quay.io/gkm/cache-examples:vector-add-cache-rocm");
        assertThat(read.sizes()).containsExactly(Map.entry(D1, 98304L));
    }

    @Test
    void installingAnotherDigestKeepsTheFirstsSizeAndRemovingClearsTheResolvedDigest() {
        CacheMetadata two = new CacheMetadata("", "", Map.of()).installed("img", D1, 10).installed("img", D2, 20);
        assertThat(two.resolvedDigest()).isEqualTo(D2);
        assertThat(two.sizes()).containsOnlyKeys(D1, D2);
        CacheMetadata one = two.removed(D2);
        assertThat(one.resolvedDigest()).isEmpty();
        assertThat(one.sizes()).containsOnlyKeys(D1);
        assertThat(one.removed(D1).sizes()).isEmpty();
    }

    @Test
    void aFileThatIsNotJsonIsAnErrorNamingIt() throws IOException {
        Path file = dir.resolve("cache.json");
        Files.writeString(file, "not json");
        assertThatThrownBy(() -> CacheMetadata.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }
}
