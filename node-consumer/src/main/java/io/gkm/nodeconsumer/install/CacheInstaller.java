package io.gkm.nodeconsumer.install;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.nodeconsumer.extract.ExtractLimits;
import io.gkm.nodeconsumer.extract.TarSafety;
import io.gkm.nodeconsumer.extract.UnsafeLayerException;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.verifier.oci.Descriptor;
import io.gkm.verifier.oci.ImageConfig;
import io.gkm.verifier.oci.Manifest;
import io.gkm.verifier.oci.McvLabels;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistryException;
import io.gkm.verifier.oci.RegistryUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-consumer's file system and registry work for one job: pull an MCV cache image by
 * digest, unpack it by the {@link TarSafety} rules into a staging folder under the cache root,
 * move it into its digest folder in one rename, and keep GKM's {@code cache.json}; or remove a
 * digest folder. A job always ends in a {@link JobOutcome}, never an exception, so that every job
 * gets a result and an audit record.
 *
 * <p>A registry that cannot be reached makes the job FAILED with the reason, not a retry of the
 * batch: a node's jobs are one partition in order, so retrying would stall every later job of the
 * node (removals too) behind one dead registry; the FAILED result is on record for a replay
 * ({@code gkm replay}) once the registry is back.
 */
public final class CacheInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(CacheInstaller.class);
    /** Folder under the cache root where images are unpacked before their rename into place. */
    public static final String STAGING_DIR = ".gkm-staging";

    /** GKM's CSI driver's usage file of a digest: present while pods mount it. */
    static final String USAGE_FILE = "usage.json";

    private final CacheLayout layout;
    private final CacheLayout usage;
    private final RegistryClient registry;
    private final ExtractLimits limits;
    private final Supplier<List<Gpu>> gpus;
    private final String node;

    /**
     * @param usage where GKM's CSI driver records the pods that mount each digest (GKM_USAGE_DIR,
     *              laid out as the caches are)
     * @param gpus  this node's GPUs as last discovered (asked once per job)
     * @param node  this node's name, for messages
     */
    public CacheInstaller(CacheLayout layout, CacheLayout usage, RegistryClient registry, ExtractLimits limits,
                          Supplier<List<Gpu>> gpus, String node) {
        this.layout = layout;
        this.usage = usage;
        this.registry = registry;
        this.limits = limits;
        this.gpus = gpus;
        this.node = node;
    }

    public CacheLayout layout() {
        return layout;
    }

    /**
     * Deletes what a crashed node-consumer left in the staging folder; a digest folder is only ever
     * made by a rename, so it is never half-written.
     */
    public void clearStaging() throws IOException {
        deleteTree(layout.root().resolve(STAGING_DIR));
    }

    /** Installs {@code image} (pinned by {@code digest}) of the cache {@code key}. */
    public JobOutcome install(ResourceKey key, ImageReference image, Digest digest) {
        Path digestDir = layout.digestDir(key, digest);
        // By digest only: a tag in the job's image is never asked for, so the registry cannot swap the content.
        ImageReference pinned = ImageReference.of(image.registry(), image.repository()).withDigest(digest);
        try {
            if (Files.isDirectory(digestDir)) {
                recordInstalled(key, pinned, digest, treeSize(digestDir).bytes);
                return new JobOutcome(InstallOutcome.ALREADY_PRESENT, 0, 0, "already extracted in " + digestDir,
                        Map.of());
            }
            Manifest manifest = registry.fetchManifest(pinned);
            if (manifest.isIndex()) {
                return JobOutcome.failed(pinned + " is an image index; a cache image is one manifest (push the "
                        + "platform image itself)");
            }
            ImageConfig config = registry.fetchImageConfig(pinned, manifest);
            McvLabels labels;
            try {
                labels = McvLabels.fromLabels(config.labels()).orElse(null);
            } catch (IllegalArgumentException e) {
                return JobOutcome.failed(pinned + ": " + e.getMessage());
            }
            if (labels == null) {
                return JobOutcome.failed(pinned + " is not an MCV cache image: its config has no "
                        + McvLabels.TRITON_PREFIX + "summary or " + McvLabels.VLLM_PREFIX + "summary label");
            }
            List<Gpu> nodeGpus = gpus.get();
            if (Compatibility.firstMatch(nodeGpus, labels.targets()).isEmpty()) {
                return new JobOutcome(InstallOutcome.SKIPPED_INCOMPATIBLE, 0, 0,
                        Compatibility.mismatch(node, nodeGpus, labels.targets()), Map.of());
            }
            return unpack(key, pinned, digest, manifest, digestDir);
        } catch (RegistryUnavailableException e) {
            return JobOutcome.failed("registry unavailable, not retried (a replay installs it once the registry is "
                    + "back): " + e.getMessage());
        } catch (RegistryException e) {
            return JobOutcome.failed(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return JobOutcome.failed("cannot write the cache under " + layout.root() + ": " + e.getMessage());
        }
    }

    private JobOutcome unpack(ResourceKey key, ImageReference pinned, Digest digest, Manifest manifest, Path digestDir)
            throws IOException {
        long compressed = manifest.layers().stream().mapToLong(Descriptor::size).sum();
        if (compressed > limits.maxBytes()) {
            return JobOutcome.failed(pinned + ": its layers weigh " + compressed + " bytes compressed, more than "
                    + limits.maxBytes() + " (GKM_EXTRACT_MAX_BYTES)");
        }
        Path work = layout.root().resolve(STAGING_DIR).resolve(UUID.randomUUID().toString());
        Path content = work.resolve("content");
        Path blob = work.resolve("layer");
        Files.createDirectories(content);
        try {
            TarSafety tar = new TarSafety(limits, content);
            for (int i = 0; i < manifest.layers().size(); i++) {
                Descriptor layer = manifest.layers().get(i);
                String what = "layer " + (i + 1) + " (" + layer.digest() + ") of " + pinned;
                registry.downloadBlob(pinned, layer, blob);
                try (InputStream in = Files.newInputStream(blob)) {
                    tar.unpack(layer.mediaType(), in, what);
                }
                Files.delete(blob);
            }
            TarSafety.Unpacked unpacked = tar.unpacked();
            if (unpacked.files() == 0) {
                return JobOutcome.failed(pinned + " holds no cache file under " + String.join("/, ",
                        TarSafety.CACHE_FOLDERS) + "/" + skippedNote(unpacked));
            }
            Files.createDirectories(digestDir.getParent());
            try {
                Files.move(content, digestDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                return new JobOutcome(InstallOutcome.ALREADY_PRESENT, 0, 0, "extracted meanwhile in " + digestDir,
                        Map.of());
            }
            recordInstalled(key, pinned, digest, unpacked.bytes());
            Map<String, String> details = new LinkedHashMap<>();
            details.put("layers", Integer.toString(manifest.layers().size()));
            if (unpacked.skippedCount() > 0) {
                details.put("skippedEntries", Integer.toString(unpacked.skippedCount()));
                details.put("skippedExamples", String.join(", ", unpacked.skipped()));
            }
            return new JobOutcome(InstallOutcome.INSTALLED, unpacked.bytes(), unpacked.files(),
                    "extracted into " + digestDir + skippedNote(unpacked), details);
        } catch (UnsafeLayerException e) {
            return JobOutcome.failed(e.getMessage());
        } finally {
            deleteTree(work);
        }
    }

    private static String skippedNote(TarSafety.Unpacked unpacked) {
        return unpacked.skippedCount() == 0 ? "" : "; " + unpacked.skippedCount()
                + " entries outside the cache folders were not written (e.g. " + String.join(", ", unpacked.skipped())
                + ")";
    }

    /**
     * Removes the digest folder of {@code key}, and the cache's folder and cache.json once no digest
     * is left (as GKM does); not while GKM's CSI driver records pods mounting it (as GKM's agent
     * refuses too): deleting it would pull the files from under running pods.
     */
    public JobOutcome remove(ResourceKey key, Digest digest) {
        Path digestDir = layout.digestDir(key, digest);
        Path cacheDir = layout.cacheDir(key);
        Path usageFile = usage.digestDir(key, digest).resolve(USAGE_FILE);
        if (Files.exists(usageFile)) {
            return JobOutcome.failed(digestDir + " is in use: GKM's CSI driver records pods mounting it in " + usageFile
                    + "; it is kept, remove it again once those pods are gone");
        }
        try {
            if (!Files.isDirectory(digestDir)) {
                forget(key, digest);
                return new JobOutcome(InstallOutcome.REMOVED, 0, 0, "was not installed in " + digestDir, Map.of());
            }
            Tree removed = treeSize(digestDir);
            // Out of the layout in one rename first: a delete that fails halfway must not leave a
            // partial digest folder that a later INSTALL would take as installed, or a pod mount.
            Path doomed = Files.createDirectories(layout.root().resolve(STAGING_DIR)).resolve(UUID.randomUUID()
                    + "-removed");
            Files.move(digestDir, doomed, StandardCopyOption.ATOMIC_MOVE);
            forget(key, digest);
            deleteTree(doomed);
            return new JobOutcome(InstallOutcome.REMOVED, removed.bytes, removed.files, "removed " + digestDir
                    + (Files.exists(cacheDir) ? "" : " and " + cacheDir), Map.of());
        } catch (IOException | UncheckedIOException e) {
            return JobOutcome.failed("cannot remove " + digestDir + ": " + e.getMessage());
        }
    }

    private void recordInstalled(ResourceKey key, ImageReference image, Digest digest, long bytes) throws IOException {
        Path file = layout.metadataFile(key);
        CacheMetadata.read(file).installed(image.toString(), digest.toString(), bytes).write(file);
    }

    /** Drops {@code digest} from cache.json; with no digest folder left, the cache's folder goes, then an empty namespace folder. */
    private void forget(ResourceKey key, Digest digest) throws IOException {
        Path cacheDir = layout.cacheDir(key);
        if (!Files.isDirectory(cacheDir)) {
            return;
        }
        Path file = layout.metadataFile(key);
        boolean othersLeft;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cacheDir, Files::isDirectory)) {
            othersLeft = entries.iterator().hasNext();
        }
        if (othersLeft) {
            if (Files.exists(file)) {
                CacheMetadata.read(file).removed(digest.toString()).write(file);
            }
            return;
        }
        deleteTree(cacheDir);
        Path namespaceDir = cacheDir.getParent();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(namespaceDir)) {
            if (!entries.iterator().hasNext()) {
                Files.delete(namespaceDir);
            }
        }
    }

    private record Tree(long bytes, int files) {
    }

    /** Bytes and regular files under {@code dir}, links not followed. */
    private static Tree treeSize(Path dir) throws IOException {
        long[] bytes = {0};
        int[] files = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    bytes[0] += attrs.size();
                    files[0]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new Tree(bytes[0], files[0]);
    }

    /** Deletes a folder and everything in it; a link is deleted, never followed. Absent: nothing to do. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
        LOG.debug("deleted {}", dir);
    }
}
