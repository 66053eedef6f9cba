package io.gkm.nodeconsumer.gpu;

import io.gkm.schemas.event.Gpu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Finds the node's AMD GPUs in sysfs (GKM_SYSFS_ROOT, {@code /sys} on a node): the KFD topology
 * ({@code class/kfd/kfd/topology/nodes/<n>/properties}) gives each GPU's gfx target (its arch),
 * wavefront size and ids; {@code module/amdgpu/version} the driver version when the amdgpu module
 * is an out-of-tree (DKMS) build; {@code class/drm/card*}{@code /device/vendor} tells an AMD card
 * whose driver exposes no KFD topology (then it is reported as a warning: without KFD, ROCm cannot
 * use it). Only reads files; the parsing is pure and runs on any folder laid out as sysfs.
 */
public final class SysfsGpuDiscovery {
    /** The backend MCV labels name for ROCm kernels. */
    public static final String HIP = "hip";
    static final String KFD_NODES = "class/kfd/kfd/topology/nodes";
    static final String DRIVER_VERSION = "module/amdgpu/version";
    static final String DRM = "class/drm";

    private static final Pattern PROPERTY = Pattern.compile("([a-z0-9_]+) (\\d{1,20})");
    private static final Pattern NODE_DIR = Pattern.compile("\\d{1,6}");
    private static final Pattern CARD_DIR = Pattern.compile("card\\d+");

    private final Path root;

    public SysfsGpuDiscovery(Path sysfsRoot) {
        this.root = sysfsRoot;
    }

    /**
     * The GPUs of this node, grouped by backend, arch, warp size and driver.
     *
     * @throws GpuDiscoveryException naming the file that does not read as amdkfd writes it
     */
    public GpuScan scan() {
        List<String> warnings = new ArrayList<>();
        String driver = driverVersion();
        Map<String, List<String>> idsByGroup = new LinkedHashMap<>();
        Map<String, Gpu> groups = new LinkedHashMap<>();
        for (KfdNode node : kfdNodes()) {
            if (!node.isGpu()) {
                continue;
            }
            String where = root.resolve(KFD_NODES).resolve(Integer.toString(node.index())).resolve("properties").toString();
            long vendor = node.property("vendor_id").orElse(KfdNode.AMD_VENDOR_ID);
            if (vendor != KfdNode.AMD_VENDOR_ID) {
                warnings.add(where + ": vendor_id 0x" + Long.toHexString(vendor) + " is not AMD; skipped");
                continue;
            }
            long version = node.property("gfx_target_version").filter(v -> v > 0).orElseThrow(() ->
                    new GpuDiscoveryException(where + ": a GPU node (simd_count " + node.property("simd_count").orElse(0L)
                            + ") without gfx_target_version; amdkfd from Linux 5.8 on writes it, so this kernel is "
                            + "too old to tell the GPU's arch"));
            String arch;
            try {
                arch = KfdNode.arch(version);
            } catch (IllegalArgumentException e) {
                throw new GpuDiscoveryException(where + ": " + e.getMessage(), e);
            }
            long wavefront = node.property("wave_front_size").filter(v -> v > 0 && v <= 1024).orElseThrow(() ->
                    new GpuDiscoveryException(where + ": a GPU node without a wave_front_size from 1 to 1024"));
            String key = arch + "/" + wavefront;
            groups.putIfAbsent(key, Gpu.newBuilder().setBackend(HIP).setArch(arch).setWarpSize((int) wavefront)
                    .setIds(List.of()).setDriverVersion(driver).build());
            idsByGroup.computeIfAbsent(key, k -> new ArrayList<>()).add(id(node));
        }
        List<Gpu> gpus = new ArrayList<>();
        groups.forEach((key, gpu) -> gpus.add(Gpu.newBuilder(gpu).setIds(idsByGroup.get(key)).build()));
        if (gpus.isEmpty()) {
            List<String> cards = amdCards();
            if (!cards.isEmpty()) {
                warnings.add("AMD card(s) " + String.join(", ", cards) + " in " + root.resolve(DRM)
                        + " but no KFD GPU node in " + root.resolve(KFD_NODES)
                        + ": is amdgpu loaded with KFD (ROCm) support?");
            }
        }
        return new GpuScan(gpus, warnings);
    }

    /** The GPU's stable id: KFD's unique_id (the ASIC serial) when the driver gives one, else its gpu_id. */
    private static String id(KfdNode node) {
        return node.property("unique_id").filter(u -> u != 0).map(u -> "0x" + Long.toHexString(u))
                .or(() -> node.gpuId().map(g -> "gpu_id:" + g))
                .orElse("kfd-node:" + node.index());
    }

    /** Every KFD topology node, in node order; none when there is no KFD topology. */
    List<KfdNode> kfdNodes() {
        Path nodes = root.resolve(KFD_NODES);
        if (!Files.isDirectory(nodes)) {
            return List.of();
        }
        TreeMap<Integer, Path> dirs = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(nodes)) {
            for (Path dir : stream) {
                String name = dir.getFileName().toString();
                if (NODE_DIR.matcher(name).matches()) {
                    dirs.put(Integer.parseInt(name), dir);
                }
            }
        } catch (IOException e) {
            throw new GpuDiscoveryException("cannot list " + nodes + ": " + e.getMessage(), e);
        }
        List<KfdNode> result = new ArrayList<>();
        for (Map.Entry<Integer, Path> e : dirs.entrySet()) {
            Path file = e.getValue().resolve("properties");
            if (!Files.exists(file)) {
                throw new GpuDiscoveryException(file + ": missing; every KFD topology node has one");
            }
            result.add(new KfdNode(e.getKey(), properties(file), gpuId(e.getValue().resolve("gpu_id"))));
        }
        return result;
    }

    /** Parses a properties file: {@code <name> <unsigned decimal>} lines, as amdkfd's sysfs_show_*_prop write them. */
    static Map<String, Long> properties(Path file) {
        List<String> lines = readLines(file);
        Map<String, Long> properties = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            var m = PROPERTY.matcher(line);
            if (!m.matches()) {
                throw new GpuDiscoveryException(file + ": line " + (i + 1) + " is not '<name> <unsigned number>': '"
                        + abbreviate(line) + "'");
            }
            long value;
            try {
                value = Long.parseUnsignedLong(m.group(2));
            } catch (NumberFormatException e) {
                throw new GpuDiscoveryException(file + ": line " + (i + 1) + ": " + m.group(2)
                        + " is larger than 64 bits", e);
            }
            if (properties.put(m.group(1), value) != null) {
                throw new GpuDiscoveryException(file + ": line " + (i + 1) + ": property " + m.group(1) + " given twice");
            }
        }
        return properties;
    }

    private static Optional<Long> gpuId(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = String.join("", readLines(file)).strip();
        try {
            return Optional.of(Long.parseUnsignedLong(text));
        } catch (NumberFormatException e) {
            throw new GpuDiscoveryException(file + ": not an unsigned number: '" + abbreviate(text) + "'", e);
        }
    }

    private String driverVersion() {
        Path file = root.resolve(DRIVER_VERSION);
        if (!Files.isRegularFile(file)) {
            return null; // the in-kernel amdgpu has no version of its own
        }
        String version = String.join("", readLines(file)).strip();
        return version.isEmpty() ? null : version;
    }

    /** The DRM cards whose PCI vendor is AMD. */
    private List<String> amdCards() {
        Path drm = root.resolve(DRM);
        if (!Files.isDirectory(drm)) {
            return List.of();
        }
        List<String> cards = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(drm)) {
            for (Path card : stream) {
                Path vendor = card.resolve("device/vendor");
                if (CARD_DIR.matcher(card.getFileName().toString()).matches() && Files.isRegularFile(vendor)
                        && String.join("", readLines(vendor)).strip().equalsIgnoreCase("0x1002")) {
                    cards.add(card.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new GpuDiscoveryException("cannot list " + drm + ": " + e.getMessage(), e);
        }
        cards.sort(null);
        return cards;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new GpuDiscoveryException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
