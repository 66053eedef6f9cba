package io.gkm.verifier.oci;

import io.gkm.core.config.Setting;
import io.gkm.core.config.SettingType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The registry settings of the verifier and the webhook (env {@code GKM_*} or flags, see {@link Setting}). */
public final class RegistrySettings {
    private RegistrySettings() {
    }

    /** Comma-separated {@code host} or {@code host:port} entries, checked at start-up. */
    static final SettingType<List<String>> REGISTRY_LIST = new SettingType<>() {
        public List<String> parse(String text) {
            List<String> entries = SettingType.LIST.parse(text);
            for (String entry : entries) {
                if (!TransportPolicy.ENTRY.matcher(entry).matches()) {
                    throw new IllegalArgumentException("comma-separated registries, each " + TransportPolicy.ENTRY_FORM);
                }
            }
            return entries;
        }

        public String render(List<String> value) {
            return String.join(",", value);
        }

        public String typeName() {
            return "list of host[:port]";
        }
    };

    public static final Setting<List<String>> INSECURE_REGISTRIES = new Setting<>("insecure.registries",
            REGISTRY_LIST, null,
            "Registries (host or host:port, comma-separated) reached over plain HTTP; every other registry "
                    + "needs HTTPS, except loopback ones (127.0.0.0/8, ::1, localhost), which are always plain HTTP.");

    public static final Setting<Path> REGISTRY_AUTH_FILE = new Setting<>("registry.auth.file", SettingType.PATH, null,
            "Docker config.json with registry credentials (auths: auth or username/password; used for basic "
                    + "auth and bearer tokens). Default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json, "
                    + "when present.");

    public static final Setting<Duration> REGISTRY_TIMEOUT = new Setting<>("registry.timeout", SettingType.DURATION,
            "30s", "Longest wait for one registry request (connect, answer and body; a layer download also gets "
                    + "a second per 4 MiB); slower is retried.");

    /** Every registry setting, in README order. */
    public static List<Setting<?>> all() {
        return List.of(INSECURE_REGISTRIES, REGISTRY_AUTH_FILE, REGISTRY_TIMEOUT);
    }
}
