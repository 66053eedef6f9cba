package io.gkm.verifier.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gkm.core.image.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds an MCV-format Triton kernel cache image from parameters alone, for {@code gkm demo} and
 * tests: the layout of GKM's images (config labels {@code cache.triton.image/*}; one gzip tar
 * layer with {@code io.triton.cache/<hash>/...} and {@code io.triton.manifest/manifest.json}),
 * filled with small synthetic kernel files that say so in their first line. Same parameters, same
 * bytes, same digest.
 *
 * <pre>{@code
 * McvImage image = McvImageBuilder.create()
 *         .kernel("add_kernel", new McvLabels.Target("hip", "gfx90a", 64))
 *         .build();
 * PushedImage pushed = image.push(client, ImageReference.parse("127.0.0.1:5000/gkm/demo:rocm"));
 * }</pre>
 */
public final class McvImageBuilder {

    static final String CACHE_DIR = "io.triton.cache";
    static final String MANIFEST_DIR = "io.triton.manifest";
    /** First bytes of every synthetic kernel binary: nobody mistakes it for GPU code. */
    static final String SYNTHETIC_MARK = "GKM SYNTHETIC KERNEL - NOT GPU CODE\n";

    private static final Pattern KERNEL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern TARGET_PART = Pattern.compile("[A-Za-z0-9_.:+-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Kernel(String name, McvLabels.Target target) {
    }

    private final List<Kernel> kernels = new ArrayList<>();
    private int binaryBytes = 4096;
    private Instant created = Instant.parse("2025-01-01T00:00:00Z");

    private McvImageBuilder() {
    }

    /** A builder; without {@link #kernel} calls it builds GKM's example: add_kernel for hip/gfx90a/64. */
    public static McvImageBuilder create() {
        return new McvImageBuilder();
    }

    /** Adds one cache entry: a kernel {@code name} (a C identifier) compiled for {@code target}. */
    public McvImageBuilder kernel(String name, McvLabels.Target target) {
        if (!KERNEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("kernel name must be a C identifier of at most 64 characters, got '"
                    + name + "'");
        }
        if (!TARGET_PART.matcher(target.backend()).matches() || !TARGET_PART.matcher(target.arch()).matches()) {
            throw new IllegalArgumentException("target backend and arch must be 1-64 of [A-Za-z0-9_.:+-], got "
                    + target);
        }
        kernels.add(new Kernel(name, target));
        return this;
    }

    /** Size of each synthetic kernel binary (default 4096 bytes); larger makes larger images. */
    public McvImageBuilder binaryBytes(int bytes) {
        if (bytes < SYNTHETIC_MARK.length()) {
            throw new IllegalArgumentException("binaryBytes must be at least " + SYNTHETIC_MARK.length()
                    + ", got " + bytes);
        }
        this.binaryBytes = bytes;
        return this;
    }

    /** The image's creation time, also every file's mtime (default 2025-01-01T00:00:00Z, for reproducible digests). */
    public McvImageBuilder created(Instant created) {
        this.created = created;
        return this;
    }

    public McvImage build() {
        List<Kernel> entries = kernels.isEmpty()
                ? List.of(new Kernel("add_kernel", new McvLabels.Target("hip", "gfx90a", 64))) : List.copyOf(kernels);
        Map<String, byte[]> files = new LinkedHashMap<>();
        ObjectNode cacheManifest = JSON.createObjectNode();
        var manifestEntries = cacheManifest.putArray("triton");
        long cacheBytes = 0;
        LinkedHashSet<McvLabels.Target> targets = new LinkedHashSet<>();
        for (Kernel kernel : entries) {
            String hash = sha256Hex("gkm synthetic triton kernel\n" + kernel.name() + "\n" + kernel.target());
            String dir = CACHE_DIR + "/" + hash + "/";
            Map<String, byte[]> kernelFiles = kernelFiles(kernel, hash);
            for (Map.Entry<String, byte[]> f : kernelFiles.entrySet()) {
                if (files.put(dir + f.getKey(), f.getValue()) != null) {
                    throw new IllegalArgumentException("kernel " + kernel.name() + " for " + kernel.target()
                            + " is given twice");
                }
                cacheBytes += f.getValue().length;
            }
            manifestEntries.addObject().put("hash", hash).put("dummy_key", sha256Hex("dummy key " + hash))
                    .put("num_stages", 2).put("num_warps", 4).put("backend", kernel.target().backend())
                    .put("arch", kernel.target().arch()).put("warp_size", kernel.target().warpSize());
            targets.add(kernel.target());
        }
        files.put(MANIFEST_DIR + "/manifest.json", pretty(cacheManifest));
        McvLabels labels = new McvLabels(McvLabels.TRITON_PREFIX, entries.size(), cacheBytes, List.copyOf(targets));

        byte[] tar = tar(files);
        byte[] layer = gzip(tar);
        byte[] config = config(labels, Digest.sha256(tar));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        descriptor(manifest.putObject("config"), MediaTypes.OCI_CONFIG, config);
        descriptor(manifest.putArray("layers").addObject(), MediaTypes.OCI_LAYER_TAR_GZIP, layer);
        manifest.putObject("annotations").put("org.opencontainers.image.created", created.toString());
        return new McvImage(bytes(manifest), config, layer, labels);
    }

    /** A Triton cache directory's files: metadata, IR, binary, and the group file listing them. */
    private Map<String, byte[]> kernelFiles(Kernel kernel, String hash) {
        McvLabels.Target t = kernel.target();
        String name = kernel.name();
        String binary = name + "." + switch (t.backend()) {
            case "hip" -> "hsaco";
            case "cuda" -> "cubin";
            default -> "bin";
        };
        ObjectNode metadata = JSON.createObjectNode();
        metadata.put("hash", hash);
        metadata.putObject("target").put("backend", t.backend()).put("arch", t.arch()).put("warp_size", t.warpSize());
        metadata.put("num_warps", 4).put("num_stages", 2).put("name", name).put("synthetic", true);
        String ir = "// " + SYNTHETIC_MARK + "module {\n  tt.func public @" + name + "() {\n    tt.return\n  }\n}\n";

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(name + ".json", bytes(metadata));
        files.put(name + ".ttir", ir.getBytes(StandardCharsets.UTF_8));
        files.put(binary, syntheticBinary(hash));
        ObjectNode group = JSON.createObjectNode();
        ObjectNode children = group.putObject("child_paths");
        for (String file : files.keySet()) {
            children.put(file, hash + "/" + file);
        }
        files.put("__grp__" + name + ".json", bytes(group));
        return files;
    }

    /** The mark, then a SHA-256 counter stream seeded by the hash: deterministic filler. */
    private byte[] syntheticBinary(String hash) {
        byte[] out = new byte[binaryBytes];
        byte[] mark = SYNTHETIC_MARK.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mark, 0, out, 0, mark.length);
        MessageDigest sha = sha256();
        for (int pos = mark.length, block = 0; pos < out.length; block++) {
            byte[] chunk = sha.digest((hash + "/" + block).getBytes(StandardCharsets.US_ASCII));
            int n = Math.min(chunk.length, out.length - pos);
            System.arraycopy(chunk, 0, out, pos, n);
            pos += n;
        }
        return out;
    }

    private byte[] config(McvLabels labels, Digest diffId) {
        ObjectNode config = JSON.createObjectNode();
        config.put("created", created.toString()).put("architecture", "amd64").put("os", "linux");
        ObjectNode labelNode = config.putObject("config").putObject("Labels");
        labels.toLabels().forEach(labelNode::put);
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        rootfs.putArray("diff_ids").add(diffId.toString());
        config.putArray("history").addObject().put("created", created.toString())
                .put("created_by", "gkm McvImageBuilder (synthetic kernels)");
        return bytes(config);
    }

    /** An uncompressed tar: directories then files, owned by root, mtime = created, PAX for long names. */
    private byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            LinkedHashSet<String> dirs = new LinkedHashSet<>();
            for (String path : files.keySet()) {
                for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                    dirs.add(path.substring(0, slash + 1));
                }
            }
            for (String dir : dirs) {
                TarArchiveEntry entry = new TarArchiveEntry(dir);
                entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
                entry.setModTime(created.toEpochMilli());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE);
                entry.setSize(file.getValue().length);
                entry.setModTime(created.toEpochMilli());
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache layer tar in memory", e);
        }
        return out.toByteArray();
    }

    /** gzip; the JDK writes mtime 0 in the header, so the same tar gives the same bytes. */
    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot gzip the cache layer in memory", e);
        }
        return out.toByteArray();
    }

    private static void descriptor(ObjectNode node, String mediaType, byte[] content) {
        node.put("mediaType", mediaType).put("digest", Digest.sha256(content).toString()).put("size", content.length);
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] pretty(ObjectNode node) {
        return node.toPrettyString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
