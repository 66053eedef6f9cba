package io.gkm.nodeconsumer.install;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * GKM's {@code cache.json} beside the digest folders of one cache (GKM pkg/database/cache.go,
 * CacheData): {@code {"resolvedDigest": "...", "image": "...", "sizes": {"<digest>": <bytes>}}},
 * indented by two spaces as GKM's json.MarshalIndent writes it, so that GKM's CSI driver and agent
 * read what this node-consumer installs.
 *
 * @param resolvedDigest the digest last installed ("" when none, as GKM leaves it after a remove)
 * @param image          the image of the cache as the job named it
 * @param sizes          bytes of each installed digest
 */
public record CacheMetadata(String resolvedDigest, String image, Map<String, Long> sizes) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Go's json.MarshalIndent(v, "", "  "): two spaces, {@code "key": value}, no space before the colon. */
    private static final DefaultPrettyPrinter GO_INDENT = new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

    public CacheMetadata {
        sizes = Map.copyOf(sizes);
    }

    /** The file's content, or empty metadata when there is none; a file that is not GKM's format is an IOException. */
    static CacheMetadata read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new CacheMetadata("", "", Map.of());
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + " is not a JSON object");
        }
        Map<String, Long> sizes = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("sizes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sizes.put(e.getKey(), e.getValue().asLong());
        }
        return new CacheMetadata(root.path("resolvedDigest").asText(""), root.path("image").asText(""), sizes);
    }

    /** After installing {@code digest} of {@code image} ({@code bytes} on disk): GKM's writeCacheFile. */
    CacheMetadata installed(String image, String digest, long bytes) {
        Map<String, Long> next = new TreeMap<>(sizes);
        if (bytes != 0) {
            next.put(digest, bytes); // GKM records no size of 0
        }
        return new CacheMetadata(digest, image, next);
    }

    /** After removing {@code digest}: GKM's writeCacheFile with rmDigest. */
    CacheMetadata removed(String digest) {
        Map<String, Long> next = new TreeMap<>(sizes);
        next.remove(digest);
        return new CacheMetadata(digest.equals(resolvedDigest) ? "" : resolvedDigest, image, next);
    }

    /** Writes the file through a temporary file and a rename, so a reader never sees half of it. */
    void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("resolvedDigest", resolvedDigest).put("image", image);
        ObjectNode sizeNode = root.putObject("sizes");
        new TreeMap<>(sizes).forEach(sizeNode::put);
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temp, JSON.writer(GO_INDENT).writeValueAsBytes(root));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
