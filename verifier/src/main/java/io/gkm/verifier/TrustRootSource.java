package io.gkm.verifier;

import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.SigstoreTufClient;
import io.gkm.core.config.GkmConfig;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.TrustRoot;
import io.gkm.verifier.trust.VerificationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the Sigstore trust root comes from: a {@code trusted_root.json} ({@link #file}, for
 * air-gapped use: no network besides the registry), the public-good root through sigstore-java's
 * TUF client ({@link #publicGoodTuf}, cached on disk), or a root already loaded ({@link #of}).
 *
 * <p>Loaded on first use, so keyed attestors that need no trust root work without one; a
 * successful load is kept, a failed one is tried again on the next use (a TUF repository may
 * come back). Thread-safe.
 */
public final class TrustRootSource {

    /** What to do when there is no root at all: part of every failure message. */
    static final String HOW_TO_PROVIDE = "set " + VerifierSettings.TRUSTED_ROOT.envVar()
            + " (or --trusted-root) to a trusted_root.json (air-gapped), or allow access to the public-good TUF "
            + "repository";

    private final String description;
    private final Loader loader;
    private volatile TrustRoot loaded;

    @FunctionalInterface
    private interface Loader {
        TrustRoot load() throws VerificationException;
    }

    private TrustRootSource(String description, Loader loader) {
        this.description = description;
        this.loader = loader;
    }

    /** A root already loaded. */
    public static TrustRootSource of(TrustRoot root) {
        Objects.requireNonNull(root, "root");
        TrustRootSource source = new TrustRootSource(root.source(), () -> root);
        source.loaded = root;
        return source;
    }

    /** A Sigstore {@code trusted_root.json} file, read on first use. */
    public static TrustRootSource file(Path trustedRootJson) {
        return new TrustRootSource(trustedRootJson.toString(), () -> {
            try {
                return TrustRoot.fromFile(trustedRootJson);
            } catch (VerificationException e) {
                throw new VerificationException(Check.TRUST_ROOT, "no usable Sigstore trust root: "
                        + VerifierSettings.TRUSTED_ROOT.envVar() + " (" + VerifierSettings.TRUSTED_ROOT.flag() + ") is "
                        + trustedRootJson + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * The Sigstore public-good trusted root through TUF: metadata from {@code repository} checked
     * against the {@code root.json} shipped in sigstore-java, cached (and refreshed) in
     * {@code cacheDir}.
     */
    public static TrustRootSource publicGoodTuf(URI repository, Path cacheDir) {
        return new TrustRootSource("public-good TUF repository " + repository, () -> {
            try {
                SigstoreTufClient.builder()
                        .tufMirror(repository, RootProvider.fromResource(SigstoreTufClient.PUBLIC_GOOD_ROOT_RESOURCE))
                        .tufCacheLocation(cacheDir)
                        .build()
                        .update();
            } catch (IOException | SigstoreConfigurationException | RuntimeException e) {
                throw new VerificationException(Check.TRUST_ROOT, "no Sigstore trust root: " + HOW_TO_PROVIDE
                        + " (" + repository + " failed: " + describe(e) + ")", e);
            }
            // sigstore-java's FileSystemTufStore keeps verified targets under <cache>/targets.
            return TrustRoot.fromFile(cacheDir.resolve("targets").resolve("trusted_root.json"));
        });
    }

    /**
     * {@link VerifierSettings#TRUSTED_ROOT} when set, else the public-good root through TUF from
     * {@link VerifierSettings#SIGSTORE_TUF_URL}, cached in {@link VerifierSettings#SIGSTORE_TUF_CACHE}.
     */
    public static TrustRootSource fromConfig(GkmConfig config) {
        return config.find(VerifierSettings.TRUSTED_ROOT).map(TrustRootSource::file).orElseGet(() ->
                publicGoodTuf(config.get(VerifierSettings.SIGSTORE_TUF_URL),
                        config.find(VerifierSettings.SIGSTORE_TUF_CACHE).orElseGet(() ->
                                Path.of(System.getProperty("user.home"), ".sigstore-java", "root"))));
    }

    /**
     * The trust root, loaded now if it was not yet.
     *
     * @throws VerificationException {@link Check#TRUST_ROOT}, saying what failed and how to provide a root
     */
    public TrustRoot get() throws VerificationException {
        TrustRoot root = loaded;
        if (root == null) {
            synchronized (this) {
                if (loaded == null) {
                    loaded = loader.load();
                }
                root = loaded;
            }
        }
        return root;
    }

    @Override
    public String toString() {
        return "TrustRootSource[" + description + "]";
    }

    /** The message and its causes' in one line, for a reason that names the network failure. */
    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
            text.append(": ").append(cause.getClass().getSimpleName()).append(' ').append(cause.getMessage());
        }
        return text.toString();
    }
}
