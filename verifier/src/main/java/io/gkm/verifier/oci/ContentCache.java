package io.gkm.verifier.oci;

import io.gkm.core.image.Digest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Blobs and manifests already fetched by digest, kept up to a byte budget, least recently used
 * dropped first. What a digest names never changes, and every entry was checked against its
 * digest when fetched, so a hit is as good as a fetch. Keyed by registry and repository too: that
 * one repository holds some content says nothing of another. Thread-safe.
 */
final class ContentCache {
    private record Key(String registry, String repository, Digest digest) {
    }

    private final long budgetBytes;
    private final LinkedHashMap<Key, Object> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Key, Long> sizes = new LinkedHashMap<>();
    private long usedBytes;

    /** @param budgetBytes 0 keeps nothing */
    ContentCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    synchronized <T> Optional<T> get(String registry, String repository, Digest digest, Class<T> type) {
        return Optional.ofNullable(entries.get(new Key(registry, repository, digest))).filter(type::isInstance)
                .map(type::cast);
    }

    /** Keeps {@code content} ({@code size} bytes) unless it alone is over the budget. */
    synchronized void put(String registry, String repository, Digest digest, Object content, long size) {
        if (size > budgetBytes) {
            return;
        }
        Key key = new Key(registry, repository, digest);
        if (entries.put(key, content) == null) {
            sizes.put(key, size);
            usedBytes += size;
        }
        for (Iterator<Key> eldest = entries.keySet().iterator(); usedBytes > budgetBytes && eldest.hasNext(); ) {
            Key dropped = eldest.next();
            eldest.remove();
            usedBytes -= sizes.remove(dropped);
        }
    }
}
