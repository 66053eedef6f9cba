package io.gkm.nodeconsumer;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.SettingType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The node-consumer's settings (env {@code GKM_*} or flags, see {@link Setting}). */
public final class NodeConsumerSettings {
    private NodeConsumerSettings() {
    }

    /** A size in bytes: a whole number, optionally with KiB, MiB, GiB or TiB. */
    static final SettingType<Long> BYTE_SIZE = new SettingType<>() {
        private final Pattern form = Pattern.compile("(\\d{1,15})\\s*(|B|KiB|MiB|GiB|TiB)");

        public Long parse(String text) {
            Matcher m = form.matcher(text.trim());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                int shift = switch (m.group(2)) {
                    case "KiB" -> 10;
                    case "MiB" -> 20;
                    case "GiB" -> 30;
                    case "TiB" -> 40;
                    default -> 0;
                };
                if (n > 0 && n <= (Long.MAX_VALUE >> shift)) {
                    return n << shift;
                }
            }
            throw new IllegalArgumentException("a positive size in bytes, e.g. 10GiB, 512MiB or 1048576");
        }

        public String render(Long value) {
            for (String unit : List.of("TiB", "GiB", "MiB", "KiB")) {
                int shift = switch (unit) {
                    case "TiB" -> 40;
                    case "GiB" -> 30;
                    case "MiB" -> 20;
                    default -> 10;
                };
                if (value % (1L << shift) == 0) {
                    return (value >> shift) + unit;
                }
            }
            return Long.toString(value);
        }

        public String typeName() {
            return "bytes";
        }
    };

    public static final Setting<String> NODE_NAME = new Setting<>("node.name", SettingType.STRING, null,
            "Name of the Kubernetes node this node-consumer serves: it reads the jobs topic of this node and "
                    + "reports its GPUs under it (set it from the downward API's spec.nodeName; default: the host "
                    + "name).");

    public static final Setting<Path> SYSFS_ROOT = new Setting<>("sysfs.root", SettingType.PATH, "/sys",
            "Where the node's sysfs is mounted (read-only is enough): GPUs are found under "
                    + "class/kfd/kfd/topology/nodes and class/drm, the driver version in module/amdgpu/version.");

    public static final Setting<Path> CACHE_DIR = new Setting<>("cache.dir", SettingType.PATH, CacheLayout.DEFAULT_ROOT,
            "Root of the kernel caches on the node, laid out as GKM does "
                    + "(<root>/<namespace | cluster-scoped>/<name>/<digest>/ and cache.json); a job whose target "
                    + "path is not exactly that folder is refused.");

    public static final Setting<Path> USAGE_DIR = new Setting<>("usage.dir", SettingType.PATH, "/run/gkm/usage",
            "Where GKM's CSI driver records which pods mount a cache (<dir>/<namespace | cluster-scoped>/<name>/"
                    + "<digest>/usage.json; read-only is enough): a cache in use is not removed, its job FAILED.");

    public static final Setting<Long> EXTRACT_MAX_BYTES = new Setting<>("extract.max.bytes", BYTE_SIZE, "10GiB",
            "Most bytes one cache image may unpack to (all layers, uncompressed); beyond it the job fails and "
                    + "nothing is installed. Also the most a single layer may weigh compressed.");

    public static final Setting<Integer> EXTRACT_MAX_FILES = new Setting<>("extract.max.files",
            SettingType.integer(1, 10_000_000), "100000",
            "Most tar entries (files and folders) one cache image may hold; beyond it the job fails.");

    public static final Setting<Integer> EXTRACT_MAX_RATIO = new Setting<>("extract.max.ratio",
            SettingType.integer(2, 1_000_000), "200",
            "Most a gzip layer may expand (uncompressed / compressed bytes, checked once past 1 MiB); beyond it "
                    + "the layer is taken for a gzip bomb and the job fails.");

    public static final Setting<Duration> INVENTORY_INTERVAL = new Setting<>("inventory.interval", SettingType.DURATION,
            "5m", "How often the node-consumer reads the node's GPUs again and publishes them to gkm.nodes "
            + "(also at start); a change is audited.");

    /** Every node-consumer setting, in the order of the README table. */
    public static List<Setting<?>> all() {
        return List.of(NODE_NAME, SYSFS_ROOT, CACHE_DIR, USAGE_DIR, EXTRACT_MAX_BYTES, EXTRACT_MAX_FILES, EXTRACT_MAX_RATIO,
                INVENTORY_INTERVAL);
    }

    /** GKM_NODE_NAME, else this host's name (lower case, as Kubernetes names nodes). */
    public static String nodeName(GkmConfig config) {
        return config.find(NODE_NAME).orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot tell this host's name; set " + NODE_NAME.envVar(), e);
            }
        });
    }
}
