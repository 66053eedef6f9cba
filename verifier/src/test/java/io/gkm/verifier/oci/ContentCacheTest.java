package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.image.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentCacheTest {
    private static final String REGISTRY = "127.0.0.1:5000";

    private static Digest digest(String content) {
        return Digest.sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsContentPerRepositoryAndDigest() {
        ContentCache cache = new ContentCache(100);
        cache.put(REGISTRY, "gkm/a", digest("x"), "x", 10);

        assertThat(cache.get(REGISTRY, "gkm/a", digest("x"), String.class)).hasValue("x");
        assertThat(cache.get(REGISTRY, "gkm/b", digest("x"), String.class)).as("another repository").isEmpty();
        assertThat(cache.get("registry.example:5000", "gkm/a", digest("x"), String.class)).isEmpty();
        assertThat(cache.get(REGISTRY, "gkm/a", digest("x"), byte[].class)).as("another kind of content").isEmpty();
    }

    @Test
    void dropsTheLeastRecentlyUsedBeyondTheBudget() {
        ContentCache cache = new ContentCache(100);
        cache.put(REGISTRY, "gkm/a", digest("old"), "old", 40);
        cache.put(REGISTRY, "gkm/a", digest("used"), "used", 40);
        cache.get(REGISTRY, "gkm/a", digest("old"), String.class);

        cache.put(REGISTRY, "gkm/a", digest("new"), "new", 40);

        assertThat(cache.get(REGISTRY, "gkm/a", digest("used"), String.class)).isEmpty();
        assertThat(cache.get(REGISTRY, "gkm/a", digest("old"), String.class)).hasValue("old");
        assertThat(cache.get(REGISTRY, "gkm/a", digest("new"), String.class)).hasValue("new");
    }

    @Test
    void keepsNothingLargerThanTheBudgetAndNothingWithoutOne() {
        ContentCache cache = new ContentCache(100);
        cache.put(REGISTRY, "gkm/a", digest("kept"), "kept", 60);
        cache.put(REGISTRY, "gkm/a", digest("huge"), "huge", 101);
        ContentCache none = new ContentCache(0);
        none.put(REGISTRY, "gkm/a", digest("kept"), "kept", 1);

        assertThat(cache.get(REGISTRY, "gkm/a", digest("huge"), String.class)).isEmpty();
        assertThat(cache.get(REGISTRY, "gkm/a", digest("kept"), String.class)).as("not pushed out by what was refused")
                .hasValue("kept");
        assertThat(none.get(REGISTRY, "gkm/a", digest("kept"), String.class)).isEmpty();
    }
}
