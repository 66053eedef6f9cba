package io.gkm.core.cache;

import io.gkm.core.image.Digest;
import io.gkm.schemas.ResourceKey;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a kernel cache lives on a node, as GKM lays it out (DESIGN.md section 5):
 * {@code <root>/<namespace | cluster-scoped>/<name>/<digest>/} holds the extracted cache, and
 * {@code <root>/<namespace | cluster-scoped>/<name>/cache.json} its metadata. The dispatcher names
 * the directory in each job and the node-consumer extracts only into the directory it computes
 * itself, so a job can never point a node outside its cache root.
 */
public final class CacheLayout {
    /** GKM's default root on a node. */
    public static final String DEFAULT_ROOT = "/var/lib/gkm/caches";
    /** GKM's folder for ClusterGKMCache (which has no namespace). */
    public static final String CLUSTER_SCOPED_DIR = "cluster-scoped";
    /** GKM's metadata file, beside the digest folders of one cache. */
    public static final String METADATA_FILE = "cache.json";

    private final Path root;

    public CacheLayout(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The folder of one cache resource: its digest folders and cache.json. */
    public Path cacheDir(ResourceKey key) {
        String scope = key.isClusterScoped() ? CLUSTER_SCOPED_DIR : key.namespace();
        return root.resolve(segment(scope, "namespace")).resolve(segment(key.name(), "name"));
    }

    /** The folder one image digest of a cache is extracted into. */
    public Path digestDir(ResourceKey key, Digest digest) {
        return cacheDir(key).resolve(segment(digest.toString(), "digest"));
    }

    /** The metadata file of one cache resource. */
    public Path metadataFile(ResourceKey key) {
        return cacheDir(key).resolve(METADATA_FILE);
    }

    /**
     * Kubernetes names cannot hold '/', but a resource key parsed from a record could: refuse any
     * segment that would leave its parent folder.
     */
    private static String segment(String s, String what) {
        if (s == null || s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0
                || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("cache " + what + " '" + s + "' cannot name a folder");
        }
        return s;
    }
}
