package io.gkm.verifier;

import io.gkm.core.config.Setting;
import io.gkm.core.config.SettingType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Where the verifier's Sigstore trust comes from (env {@code GKM_*} or flags, see {@link Setting}). */
public final class VerifierSettings {
    private VerifierSettings() {
    }

    /** An absolute http(s) URI. */
    static final SettingType<URI> HTTP_URI = new SettingType<>() {
        public URI parse(String text) {
            try {
                URI uri = URI.create(text.trim());
                if (uri.isAbsolute() && uri.getHost() != null
                        && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("an absolute https:// (or http://) URL");
        }

        public String typeName() {
            return "URL";
        }
    };

    public static final Setting<Path> TRUSTED_ROOT = new Setting<>("trusted.root", SettingType.PATH, null,
            "Sigstore trusted_root.json (Fulcio CAs, Rekor and CT log keys) to verify keyless signatures and "
                    + "transparency log entries with; with it nothing but the registry is contacted (air-gapped). "
                    + "Without it, the public-good root is fetched through TUF from GKM_SIGSTORE_TUF_URL.");

    public static final Setting<URI> SIGSTORE_TUF_URL = new Setting<>("sigstore.tuf.url", HTTP_URI,
            "https://tuf-repo-cdn.sigstore.dev",
            "TUF repository (or a mirror of it) serving the Sigstore public-good trusted root, checked against "
                    + "the root.json shipped in sigstore-java; used only when GKM_TRUSTED_ROOT is not set.");

    public static final Setting<Path> SIGSTORE_TUF_CACHE = new Setting<>("sigstore.tuf.cache", SettingType.PATH, null,
            "Folder where the TUF metadata and the public-good trusted root are cached between runs "
                    + "(default: ~/.sigstore-java/root).");

    public static final Setting<Duration> VERIFY_TIMEOUT = new Setting<>("verify.timeout", SettingType.DURATION, "10s",
            "Longest the verifier stage (gkm verifier, gkm dev) waits for one verification (registry and "
                    + "signatures); no verdict by then is published as an ERROR verdict that says so. At most half "
                    + "GKM_STAGE_TRANSACTION_TIMEOUT: the stage takes at most that half divided by this many records "
                    + "a transaction (fewer when GKM_STAGE_MAX_POLL_RECORDS says so), so a batch of registries that "
                    + "never answer still commits in time.");

    /** Every verifier setting, in README order. */
    public static List<Setting<?>> all() {
        return List.of(TRUSTED_ROOT, SIGSTORE_TUF_URL, SIGSTORE_TUF_CACHE, VERIFY_TIMEOUT);
    }
}
