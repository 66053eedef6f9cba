package io.gkm.verifier.oci;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OCI registry client for the verifier and the webhook. Everything fetched is size-limited
 * ({@link RegistryLimits}) and checked against its digest; failures are either
 * {@link RegistryUnavailableException} (retriable: unreachable, timeout, 429, 5xx) or
 * {@link RegistryException} (fatal: not found, unauthorised, digest mismatch, limit, insecure).
 * Thread-safe; share one per process so auth challenges, tokens and the Referrers API probe are
 * reused, and content already fetched by digest is not fetched again (up to
 * {@link Builder#contentCacheBytes}): blobs and referrer manifests, never the image's own manifest,
 * which is asked for every time so that an image gone from the registry stops verifying.
 *
 * <p>Requests each operation sends (after the first 401 of a registry, auth costs nothing more
 * until a token expires): {@link #resolve} 1 (HEAD); {@link #fetchManifest} and {@link #findManifest}
 * 1; {@link #fetchBlob} and {@link #downloadBlob} 1 (+ redirects); {@link #referrers} 1 with a Referrers API, 2 the first time
 * a registry answers 404 (then 1: the tag schema directly); {@link #signatureManifest} 1.
 * {@link #requestCount()} counts them all, token requests, retries and redirects included. A
 * blob, or a manifest by digest, that this client fetched before costs none.
 */
public final class RegistryClient {

    /** Default of {@link Builder#contentCacheBytes}: a few hundred configs, signature layers and bundles. */
    public static final long DEFAULT_CONTENT_CACHE_BYTES = 16L * 1024 * 1024;

    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    /** Pages of one Referrers API answer we follow before calling the list too long. */
    private static final int MAX_REFERRER_PAGES = 16;

    private final RegistryTransport transport;
    private final RegistryLimits limits;
    private final ContentCache cache;
    /** Registries that answered 404 to the Referrers API: later lookups go straight to the tag schema. */
    private final Set<String> withoutReferrersApi = ConcurrentHashMap.newKeySet();

    private RegistryClient(RegistryTransport transport, RegistryLimits limits, ContentCache cache) {
        this.transport = transport;
        this.limits = limits;
        this.cache = cache;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Requests sent so far by this client (for "registry requests per verification"). */
    public long requestCount() {
        return transport.requestCount();
    }

    /**
     * The digest the registry serves now for {@code image}'s tag (HEAD, Docker-Content-Digest;
     * a GET when the registry does not send that header).
     *
     * @throws RegistryException NOT_FOUND for an unknown tag or repository
     */
    public Digest resolve(ImageReference image) {
        String tag = image.tag().orElseThrow(() -> new IllegalArgumentException(
                "resolve needs a tag, " + image + " has none"));
        String what = "resolve " + image.name() + ":" + tag;
        RegistryTransport.Response response = transport.execute(call("HEAD", image, "manifests/" + tag,
                Map.of("Accept", String.join(", ", MediaTypes.MANIFEST_ACCEPT)), null, 0, what));
        expect(response, 200, what);
        Optional<String> header = response.header("Docker-Content-Digest");
        if (header.isEmpty()) {
            return fetchManifest(image.withTag(tag)).digest();
        }
        try {
            return Digest.parse(header.get());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Reason.UNEXPECTED_RESPONSE,
                    what + ": Docker-Content-Digest is not a digest: " + e.getMessage(), e);
        }
    }

    /**
     * The manifest or index {@code image} names: by digest if it has one (the bytes must hash to
     * it), else by tag (the digest is computed from the bytes and must agree with the registry's
     * Docker-Content-Digest). One request, so a fetch by tag also resolves the tag.
     */
    public Manifest fetchManifest(ImageReference image) {
        return findManifest(image).orElseThrow(() -> notFound("fetch manifest " + image, image));
    }

    /**
     * {@link #fetchManifest}, but empty when the registry has no such tag or digest (404). Always
     * asks the registry, even for a digest it has seen: an image deleted, quarantined or no longer
     * readable must stop verifying.
     */
    public Optional<Manifest> findManifest(ImageReference image) {
        return findManifest(image, false);
    }

    private Optional<Manifest> findManifest(ImageReference image, boolean fromCache) {
        String reference = image.digest().map(Digest::toString).orElseGet(() -> image.tag().orElseThrow(
                () -> new IllegalArgumentException("a manifest needs a tag or digest, " + image + " has neither")));
        return getManifest(image, reference, image.digest().orElse(null), MediaTypes.MANIFEST_ACCEPT,
                "fetch manifest " + image, fromCache);
    }

    /**
     * A blob of {@code repository}, checked against {@code descriptor}'s size and digest.
     * A descriptor larger than {@code limit} fails before any request.
     *
     * @param limit a byte limit: IMAGE_CONFIG_BYTES, SIGNATURE_LAYER_BYTES, BUNDLE_BYTES or MANIFEST_BYTES
     */
    public byte[] fetchBlob(ImageReference repository, Descriptor descriptor, RegistryLimit limit) {
        if (!limit.isBytes()) {
            throw new IllegalArgumentException(limit + " is a count, not a size limit for a blob");
        }
        String what = "fetch blob " + repository.name() + "@" + descriptor.digest();
        long allowed = limits.get(limit);
        if (descriptor.size() > allowed) {
            throw new RegistryLimitException(limit, allowed, descriptor.size(), what);
        }
        Optional<byte[]> cached = cache.get(repository.registry(), repository.repository(), descriptor.digest(),
                byte[].class);
        if (cached.isPresent()) {
            return cached.get().clone();
        }
        RegistryTransport.Response response = transport.execute(call("GET", repository,
                "blobs/" + descriptor.digest(), Map.of("Accept", "*/*"), null, descriptor.size(), what));
        expect(response, 200, what);
        if (response.overLimit() || response.body().length != descriptor.size()) {
            throw new RegistryException(RegistryException.Reason.DIGEST_MISMATCH, what + ": the registry sent "
                    + (response.overLimit() ? "more than" : "") + " " + response.bodySize()
                    + " bytes, the descriptor says " + descriptor.size() + "; the content is not what was signed");
        }
        if (!descriptor.digest().matches(response.body())) {
            throw mismatch(what, descriptor.digest(), descriptor.digest().recompute(response.body()));
        }
        cache.put(repository.registry(), repository.repository(), descriptor.digest(), response.body().clone(),
                descriptor.size());
        return response.body();
    }

    /**
     * Downloads a blob of {@code repository} into {@code file} (created or replaced) without holding
     * it in memory, and checks it against {@code descriptor}'s size and digest. A descriptor larger
     * than the LAYER_BYTES limit fails before any request; a body longer than the descriptor is cut
     * off. Whatever fails, {@code file} may hold a partial body: the caller deletes it.
     *
     * <p>The whole download must finish within the client's timeout (GKM_REGISTRY_TIMEOUT), as
     * every request of this client.
     */
    public void downloadBlob(ImageReference repository, Descriptor descriptor, Path file) {
        String what = "download blob " + repository.name() + "@" + descriptor.digest();
        long allowed = limits.get(RegistryLimit.LAYER_BYTES);
        if (descriptor.size() > allowed) {
            throw new RegistryLimitException(RegistryLimit.LAYER_BYTES, allowed, descriptor.size(), what);
        }
        RegistryTransport.Response response = transport.execute(new RegistryTransport.Call("GET",
                uri(repository, "blobs/" + descriptor.digest()), repository.registry(), repository.repository(),
                false, true, Map.of("Accept", "*/*"), null, descriptor.size(), what, file));
        expect(response, 200, what);
        if (response.overLimit() || response.bodySize() != descriptor.size()) {
            throw new RegistryException(RegistryException.Reason.DIGEST_MISMATCH, what + ": the registry sent "
                    + (response.overLimit() ? "more than " : "") + response.bodySize()
                    + " bytes, the descriptor says " + descriptor.size() + "; the content is not what was signed");
        }
        Digest actual = digestOf(file, descriptor.digest(), what);
        if (!actual.equals(descriptor.digest())) {
            throw mismatch(what, descriptor.digest(), actual);
        }
    }

    /** The digest of a file's content with {@code like}'s algorithm, read in chunks. */
    private static Digest digestOf(Path file, Digest like, String what) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-" + like.algorithm().substring("sha".length()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has " + like.algorithm(), e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": cannot read back " + file + ": " + e.getMessage(), e);
        }
        return new Digest(like.algorithm(), HexFormat.of().formatHex(md.digest()));
    }

    /** The config blob of an image manifest, with its labels (IMAGE_CONFIG_BYTES limit). */
    public ImageConfig fetchImageConfig(ImageReference repository, Manifest manifest) {
        if (manifest.config() == null) {
            throw new IllegalArgumentException(manifest.digest() + " is an index; pick a platform manifest first");
        }
        byte[] bytes = fetchBlob(repository, manifest.config(), RegistryLimit.IMAGE_CONFIG_BYTES);
        return ImageConfig.parse(manifest.config().digest(), bytes,
                "config " + manifest.config().digest() + " of " + repository.name() + "@" + manifest.digest());
    }

    /**
     * The referrers of {@code subject} in {@code repository} whose artifact type matches
     * {@code filter}: the Referrers API, or, when the registry answers 404 there, the index at the
     * tag {@code sha256-<hex>} (none when that tag does not exist or is not an index).
     *
     * @throws RegistryLimitException more matching referrers than the REFERRERS limit
     */
    public Referrers referrers(ImageReference repository, Digest subject, ArtifactTypeFilter filter) {
        String what = "list referrers of " + repository.name() + "@" + subject + " (" + filter + ")";
        if (!withoutReferrersApi.contains(repository.registry())) {
            Optional<List<Descriptor>> listed = referrersApi(repository, subject, filter, what);
            if (listed.isPresent()) {
                return new Referrers(subject, checkCount(listed.get(), what), Referrers.Source.REFERRERS_API);
            }
            withoutReferrersApi.add(repository.registry());
        }
        List<Descriptor> matching = getManifest(repository, subject.referrersTag(), null,
                List.of(MediaTypes.OCI_INDEX), what + " from tag " + subject.referrersTag(), false)
                .filter(Manifest::isIndex)
                .map(index -> index.manifests().stream().filter(d -> filter.matches(d.artifactType())).toList())
                .orElse(List.of());
        return new Referrers(subject, checkCount(matching, what), Referrers.Source.TAG_SCHEMA);
    }

    /**
     * A referrer's manifest, checked to name {@code subject}: an index at the tag schema is written
     * by clients, so an entry may point at anything.
     */
    public Manifest fetchReferrer(ImageReference repository, Digest subject, Descriptor referrer) {
        ImageReference named = repository.withDigest(referrer.digest());
        Manifest manifest = findManifest(named, true).orElseThrow(() -> notFound("fetch manifest " + named, named));
        if (manifest.subject() == null || !manifest.subject().digest().equals(subject)) {
            throw new RegistryException(RegistryException.Reason.SUBJECT_MISMATCH, "referrer "
                    + repository.name() + "@" + referrer.digest() + " is listed for " + subject + " but its subject is "
                    + (manifest.subject() == null ? "missing" : manifest.subject().digest()));
        }
        return manifest;
    }

    /**
     * The cosign v2 signature manifest at tag {@code sha256-<hex>.sig}, empty when there is none.
     *
     * @throws RegistryLimitException more layers than the SIGNATURE_LAYERS limit
     */
    public Optional<Manifest> signatureManifest(ImageReference repository, Digest image) {
        String what = "fetch signatures " + repository.name() + ":" + image.signatureTag();
        Optional<Manifest> manifest = getManifest(repository, image.signatureTag(), null,
                MediaTypes.MANIFEST_ACCEPT, what, false);
        manifest.ifPresent(m -> {
            long allowed = limits.get(RegistryLimit.SIGNATURE_LAYERS);
            if (m.layers().size() > allowed) {
                throw new RegistryLimitException(RegistryLimit.SIGNATURE_LAYERS, allowed, m.layers().size(), what);
            }
        });
        return manifest;
    }

    /** Uploads a blob to {@code repository} (POST, then a monolithic PUT) and returns its digest. */
    public Digest pushBlob(ImageReference repository, byte[] content) {
        Digest digest = Digest.sha256(content);
        String what = "push blob " + digest + " to " + repository.name();
        RegistryTransport.Response started = transport.execute(push("POST", repository, uri(repository, "blobs/uploads/"),
                Map.of(), null, what));
        expect(started, 202, what);
        URI location = started.uri().resolve(started.header("Location").orElseThrow(() -> new RegistryException(
                RegistryException.Reason.UNEXPECTED_RESPONSE, what + ": upload started without Location")));
        String separator = location.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(location + separator + "digest="
                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
        RegistryTransport.Response done = transport.execute(push("PUT", repository, put,
                Map.of("Content-Type", "application/octet-stream"), content, what));
        expect(done, 201, what);
        return digest;
    }

    /**
     * PUTs a manifest at {@code target}'s tag (or digest) and returns its digest; a registry that
     * reports another digest than the bytes' is a DIGEST_MISMATCH.
     */
    public Digest pushManifest(ImageReference target, String mediaType, byte[] manifest) {
        String reference = target.tag().orElseGet(() -> target.digest().orElseThrow().toString());
        Digest digest = Digest.sha256(manifest);
        String what = "push manifest " + target.name() + ":" + reference;
        RegistryTransport.Response response = transport.execute(push("PUT", target,
                uri(target, "manifests/" + reference), Map.of("Content-Type", mediaType), manifest, what));
        expect(response, 201, what);
        Optional<String> stored = response.header("Docker-Content-Digest");
        if (stored.isPresent() && !stored.get().equals(digest.toString())) {
            throw new RegistryException(RegistryException.Reason.DIGEST_MISMATCH,
                    what + ": the registry stored it as " + stored.get() + ", its bytes are " + digest);
        }
        return digest;
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * GET a manifest; empty on 404. {@code expected} null: checked against Docker-Content-Digest.
     * {@code cacheable}: content named by {@code expected} may come from, and goes to, the cache.
     */
    private Optional<Manifest> getManifest(ImageReference repository, String reference, Digest expected,
                                           List<String> accept, String what, boolean cacheable) {
        if (expected != null && cacheable) {
            Optional<Manifest> cached = cache.get(repository.registry(), repository.repository(), expected,
                    Manifest.class);
            if (cached.isPresent()) {
                return cached;
            }
        }
        long allowed = limits.get(RegistryLimit.MANIFEST_BYTES);
        RegistryTransport.Response response = transport.execute(call("GET", repository, "manifests/" + reference,
                Map.of("Accept", String.join(", ", accept)), null, allowed, what));
        if (response.status() == 404) {
            return Optional.empty();
        }
        expect(response, 200, what);
        if (response.overLimit()) {
            throw new RegistryLimitException(RegistryLimit.MANIFEST_BYTES, allowed, response.bodySize(), what);
        }
        byte[] bytes = response.body();
        Digest digest;
        if (expected != null) {
            if (!expected.matches(bytes)) {
                throw mismatch(what, expected, expected.recompute(bytes));
            }
            digest = expected;
        } else {
            Optional<Digest> claimed = response.header("Docker-Content-Digest").flatMap(RegistryClient::digestOrEmpty);
            digest = claimed.map(c -> c.recompute(bytes)).orElseGet(() -> Digest.sha256(bytes));
            if (claimed.isPresent() && !claimed.get().equals(digest)) {
                throw mismatch(what, claimed.get(), digest);
            }
        }
        Manifest manifest = Manifest.parse(digest, bytes, response.header("Content-Type").orElse(null), what);
        if (expected != null && cacheable) {
            cache.put(repository.registry(), repository.repository(), expected, manifest, bytes.length);
        }
        return Optional.of(manifest);
    }

    /** The Referrers API's matching entries, or empty if the registry has no Referrers API (404). */
    private Optional<List<Descriptor>> referrersApi(ImageReference repository, Digest subject,
                                                    ArtifactTypeFilter filter, String what) {
        String query = filter.serverSideType() == null ? ""
                : "?artifactType=" + URLEncoder.encode(filter.serverSideType(), StandardCharsets.UTF_8);
        URI next = uri(repository, "referrers/" + subject + query);
        long allowed = limits.get(RegistryLimit.MANIFEST_BYTES);
        List<Descriptor> matching = new ArrayList<>();
        for (int page = 1; next != null; page++) {
            if (page > MAX_REFERRER_PAGES) {
                throw new RegistryLimitException(RegistryLimit.REFERRERS, limits.get(RegistryLimit.REFERRERS),
                        matching.size(), what + ": more than " + MAX_REFERRER_PAGES + " pages");
            }
            RegistryTransport.Response response = transport.execute(new RegistryTransport.Call("GET", next,
                    repository.registry(), repository.repository(), false, true,
                    Map.of("Accept", MediaTypes.OCI_INDEX), null, allowed, what));
            if (response.status() == 404 && page == 1) {
                return Optional.empty();
            }
            expect(response, 200, what);
            if (response.overLimit()) {
                throw new RegistryLimitException(RegistryLimit.MANIFEST_BYTES, allowed, response.bodySize(), what);
            }
            Manifest index = Manifest.parse(Digest.sha256(response.body()), response.body(), MediaTypes.OCI_INDEX, what);
            index.manifests().stream().filter(d -> filter.matches(d.artifactType())).forEach(matching::add);
            checkCount(matching, what);
            next = response.header("Link").map(NEXT_LINK::matcher).filter(Matcher::find)
                    .map(m -> response.uri().resolve(m.group(1))).orElse(null);
        }
        return Optional.of(matching);
    }

    private List<Descriptor> checkCount(List<Descriptor> referrers, String what) {
        long allowed = limits.get(RegistryLimit.REFERRERS);
        if (referrers.size() > allowed) {
            throw new RegistryLimitException(RegistryLimit.REFERRERS, allowed, referrers.size(), what);
        }
        return referrers;
    }

    private RegistryTransport.Call call(String method, ImageReference repository, String path,
                                        Map<String, String> headers, byte[] body, long maxBodyBytes, String what) {
        return new RegistryTransport.Call(method, uri(repository, path), repository.registry(),
                repository.repository(), false, true, headers, body, maxBodyBytes, what);
    }

    private RegistryTransport.Call push(String method, ImageReference repository, URI uri,
                                        Map<String, String> headers, byte[] body, String what) {
        return new RegistryTransport.Call(method, uri, repository.registry(), repository.repository(), true, true,
                headers, body, 64 * 1024, what);
    }

    private URI uri(ImageReference repository, String path) {
        String host = repository.apiHost();
        return URI.create(transport.policy().scheme(host) + "://" + host + "/v2/" + repository.repository() + "/" + path);
    }

    /** Maps a status other than {@code expected} to the fatal error it means. */
    private static void expect(RegistryTransport.Response response, int expected, String what) {
        int status = response.status();
        if (status == expected) {
            return;
        }
        String detail = " (HTTP " + status + (response.body().length > 0 ? ": " + response.errorText() : "") + ")";
        if (status == 404) {
            throw new RegistryException(RegistryException.Reason.NOT_FOUND, what + ": not found" + detail
                    + "; check the repository, tag or digest");
        }
        if (status == 403) {
            throw new RegistryException(RegistryException.Reason.DENIED, what + ": access denied" + detail
                    + "; the credentials are valid but lack permission on this repository");
        }
        throw new RegistryException(RegistryException.Reason.UNEXPECTED_RESPONSE,
                what + ": expected HTTP " + expected + detail);
    }

    private static RegistryException notFound(String what, ImageReference image) {
        return new RegistryException(RegistryException.Reason.NOT_FOUND, what + ": not found in " + image.registry()
                + " (HTTP 404); check the repository, tag or digest");
    }

    private static RegistryException mismatch(String what, Digest expected, Digest actual) {
        return new RegistryException(RegistryException.Reason.DIGEST_MISMATCH, what + ": content hashes to "
                + actual + ", expected " + expected + "; the registry (or something between) served other bytes");
    }

    private static Optional<Digest> digestOrEmpty(String text) {
        try {
            return Optional.of(Digest.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Settings for a {@link RegistryClient}; every one has a default. */
    public static final class Builder {
        private RegistryCredentials credentials = RegistryCredentials.none();
        private List<String> insecureRegistries = List.of();
        private Duration timeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private RegistryLimits limits = RegistryLimits.defaults();
        private long contentCacheBytes = DEFAULT_CONTENT_CACHE_BYTES;
        private RegistryRequestListener listener = RegistryRequestListener.NONE;

        private Builder() {
        }

        /** Default: none (anonymous). */
        public Builder credentials(RegistryCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials);
            return this;
        }

        /** Registries ({@code host} or {@code host:port}) reached over plain HTTP besides loopback ones. */
        public Builder insecureRegistries(Collection<String> registries) {
            this.insecureRegistries = List.copyOf(registries);
            return this;
        }

        /** Longest wait for one request, answer and body included (connect: at most 10 s of it). Default 30 s. */
        public Builder timeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Default {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy);
            return this;
        }

        /** Default {@link RegistryLimits#defaults()}. */
        public Builder limits(RegistryLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /**
         * Bytes of blobs and manifests fetched by digest kept for later verifications (configs,
         * signature layers, referrer manifests, bundles), least recently used dropped first; 0
         * keeps none. Default {@value RegistryClient#DEFAULT_CONTENT_CACHE_BYTES}.
         */
        public Builder contentCacheBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("contentCacheBytes must not be negative, got " + bytes);
            }
            this.contentCacheBytes = bytes;
            return this;
        }

        /** Told of every request sent, e.g. to show or classify them. Default: none. */
        public Builder requestListener(RegistryRequestListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Takes {@link RegistrySettings}: the insecure registries, the timeout, and the credentials
         * from {@code GKM_REGISTRY_AUTH_FILE}, else from docker's default config.json if present.
         */
        public Builder configure(GkmConfig config) {
            config.find(RegistrySettings.INSECURE_REGISTRIES).ifPresent(this::insecureRegistries);
            timeout(config.get(RegistrySettings.REGISTRY_TIMEOUT));
            Optional<Path> authFile = config.find(RegistrySettings.REGISTRY_AUTH_FILE);
            credentials(authFile.map(RegistryCredentials::fromDockerConfig).orElseGet(() ->
                    RegistryCredentials.fromDefaultDockerConfig(System.getenv(),
                            Path.of(System.getProperty("user.home")))));
            return this;
        }

        public RegistryClient build() {
            TransportPolicy policy = new TransportPolicy(insecureRegistries);
            return new RegistryClient(new RegistryTransport(policy, credentials, retryPolicy, timeout,
                    Clock.systemUTC(), listener), limits, new ContentCache(contentCacheBytes));
        }
    }
}
