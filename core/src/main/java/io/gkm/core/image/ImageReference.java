package io.gkm.core.image;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OCI image reference {@code [registry/]path[:tag][@digest]}, parsed with the grammar of
 * {@code distribution/reference} and the defaults Docker and Kyverno apply.
 *
 * <p>Registry: the first path segment when it holds a {@code .} or {@code :}, is
 * {@code localhost}, or has an upper-case letter; else {@code docker.io}. Path segments are
 * lower case. Tag: {@code latest} when neither a tag nor a digest is given; a tag written beside
 * a digest is kept (Kyverno's {@code mutateDigest} writes {@code image:tag@digest}), but only the
 * digest names the content.
 *
 * <p>Two normal forms, both without the tag when there is a digest:
 * <ul>
 *   <li>{@link #normalized()}: the canonical name a registry client uses, with Docker's
 *       normalisation ({@code index.docker.io} → {@code docker.io}, {@code library/} before a
 *       one-segment Docker Hub path);</li>
 *   <li>{@link #kyvernoForm()}: the string Kyverno matches {@code imageReferences} globs
 *       against ({@code pkg/utils/image/infos.go}): the registry and path as written,
 *       {@code docker.io} added when no registry is written, but no {@code library/}, so
 *       {@code nginx} is {@code docker.io/nginx:latest}.</li>
 * </ul>
 * Equality is on the reference as written, because the Kyverno form is: {@code nginx} and
 * {@code docker.io/library/nginx} are different references to the same image (compare
 * {@link #normalized()} for that).
 *
 * <p>Our own parser, not ORAS's {@code ContainerRef.parse}: that one reads {@code localhost/x} as
 * a Docker Hub namespace, adds {@code latest} beside a digest, and drops an {@code http://} prefix
 * silently, which would look like a transport choice.
 */
public final class ImageReference {

    /** Docker Hub, the registry of references that name none. */
    public static final String DOCKER_HUB = "docker.io";
    /** Where Docker Hub's registry API answers. */
    public static final String DOCKER_HUB_API = "registry-1.docker.io";

    private static final String DOCKER_HUB_LEGACY = "index.docker.io";
    private static final String DEFAULT_TAG = "latest";
    private static final int MAX_NAME_LENGTH = 255;
    private static final String HOST_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:" + HOST_LABEL + "(?:\\." + HOST_LABEL + ")*|\\[[a-fA-F0-9:]+])(?::([0-9]{1,5}))?");
    private static final Pattern PATH_SEGMENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    // A literal, not verifier's setting: core cannot see it; RegistrySettingsTest keeps the two in step.
    private static final String INSECURE_REGISTRIES_SETTING = "GKM_INSECURE_REGISTRIES";

    private final String writtenRegistry;
    private final String path;
    private final String tag;
    private final Digest digest;

    private ImageReference(String writtenRegistry, String path, String tag, Digest digest) {
        this.writtenRegistry = writtenRegistry;
        this.path = path;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Parses a reference such as {@code quay.io/gkm/cache-examples:vector-add-cache-rocm},
     * {@code nginx}, {@code localhost:5000/a/b@sha256:...}.
     *
     * @throws InvalidImageReferenceException naming the reference and the part that is wrong
     */
    public static ImageReference parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (reference.isEmpty()) {
            throw InvalidImageReferenceException.ofReference(reference, "empty");
        }
        if (reference.chars().anyMatch(Character::isWhitespace)) {
            throw InvalidImageReferenceException.ofReference(reference, "contains whitespace");
        }
        if (reference.contains("://")) {
            throw InvalidImageReferenceException.ofReference(reference, "has a scheme; write it as "
                    + "registry/repository[:tag][@digest] (plain HTTP is allowed only for loopback registries and "
                    + "those listed in " + INSECURE_REGISTRIES_SETTING + ")");
        }
        String name = reference;
        Digest digest = null;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = digestOf(reference, name.substring(at + 1));
            name = name.substring(0, at);
        }
        String tag = null;
        int colon = name.indexOf(':', name.lastIndexOf('/') + 1);
        if (colon >= 0) {
            tag = checkTag(reference, name.substring(colon + 1));
            name = name.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        String path = name;
        int slash = name.indexOf('/');
        if (slash >= 0 && isRegistry(name.substring(0, slash))) {
            registry = name.substring(0, slash);
            path = name.substring(slash + 1);
        }
        checkName(reference, registry, path);
        return new ImageReference(registry, path, tag == null && digest == null ? DEFAULT_TAG : tag, digest);
    }

    /**
     * A repository without tag or digest, e.g. to push to or fetch blobs from:
     * {@code of("127.0.0.1:5000", "gkm/cache")}.
     *
     * @throws InvalidImageReferenceException when {@code registry} would be read as a Docker Hub
     *         namespace, or either part is malformed
     */
    public static ImageReference of(String registry, String repository) {
        String reference = registry + "/" + repository;
        if (!isRegistry(registry)) {
            throw InvalidImageReferenceException.ofReference(reference, "registry \"" + registry
                    + "\" would be read as a Docker Hub namespace; a registry has a '.' or a ':port', or is localhost");
        }
        checkName(reference, registry, repository);
        return new ImageReference(registry, repository, null, null);
    }

    /** The registry host (and port): {@code docker.io} when none is written or for {@code index.docker.io}. */
    public String registry() {
        return isDockerHub() ? DOCKER_HUB : writtenRegistry;
    }

    /** The repository inside the registry: {@code library/nginx} for Docker Hub's {@code nginx}. */
    public String repository() {
        return isDockerHub() && path.indexOf('/') < 0 ? "library/" + path : path;
    }

    /**
     * The tag as written; {@code latest} when neither tag nor digest is written; empty with a bare
     * digest and for a repository made by {@link #of}.
     */
    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    /** The digest, when written. */
    public Optional<Digest> digest() {
        return Optional.ofNullable(digest);
    }

    /** {@code registry/repository}, normalised: what registry access and credentials are keyed by. */
    public String name() {
        return registry() + "/" + repository();
    }

    /** Host and port that serve the registry API ({@code docker.io} is served by {@link #DOCKER_HUB_API}). */
    public String apiHost() {
        return isDockerHub() ? DOCKER_HUB_API : writtenRegistry;
    }

    /** {@code registry/repository@digest}, else {@code registry/repository:tag}: see the class comment. */
    public String normalized() {
        return name() + version();
    }

    /** What Kyverno matches {@code imageReferences} against: see the class comment. */
    public String kyvernoForm() {
        return writtenRegistry + "/" + path + version();
    }

    /** Same repository at {@code digest}, tag dropped: what a pull by digest names. */
    public ImageReference withDigest(Digest digest) {
        return new ImageReference(writtenRegistry, path, null, Objects.requireNonNull(digest, "digest"));
    }

    /**
     * Same repository at {@code tag}, digest dropped.
     *
     * @throws InvalidImageReferenceException when {@code tag} is not a valid tag
     */
    public ImageReference withTag(String tag) {
        return new ImageReference(writtenRegistry, path, checkTag(writtenRegistry + "/" + path + ":" + tag, tag), null);
    }

    private String version() {
        if (digest != null) {
            return "@" + digest;
        }
        return tag == null ? "" : ":" + tag;
    }

    private boolean isDockerHub() {
        return writtenRegistry.equals(DOCKER_HUB) || writtenRegistry.equals(DOCKER_HUB_LEGACY);
    }

    // Docker's and Kyverno's rule for telling a registry host from a Docker Hub namespace.
    private static boolean isRegistry(String firstSegment) {
        return firstSegment.contains(".") || firstSegment.contains(":") || firstSegment.equals("localhost")
                || !firstSegment.toLowerCase(Locale.ROOT).equals(firstSegment);
    }

    private static Digest digestOf(String reference, String digest) {
        try {
            return Digest.parse(digest);
        } catch (InvalidImageReferenceException e) {
            throw InvalidImageReferenceException.ofReference(reference, "digest \"" + digest + "\" " + e.reason());
        }
    }

    private static String checkTag(String reference, String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw InvalidImageReferenceException.ofReference(reference, "tag \"" + tag
                    + "\" must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
        }
        return tag;
    }

    private static void checkName(String reference, String registry, String path) {
        checkRegistry(reference, registry);
        checkPath(reference, path);
        if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
            throw InvalidImageReferenceException.ofReference(reference, "registry and path are longer than "
                    + MAX_NAME_LENGTH + " characters");
        }
    }

    private static void checkRegistry(String reference, String registry) {
        Matcher m = REGISTRY.matcher(registry);
        if (!m.matches()) {
            throw InvalidImageReferenceException.ofReference(reference, "registry \"" + registry
                    + "\" is not a host name, IPv4 or [IPv6] address with an optional numeric port");
        }
        if (m.group(1) != null && Integer.parseInt(m.group(1)) > 65535) {
            throw InvalidImageReferenceException.ofReference(reference, "registry port " + m.group(1)
                    + " is above 65535");
        }
    }

    private static void checkPath(String reference, String path) {
        for (String segment : path.split("/", -1)) {
            if (PATH_SEGMENT.matcher(segment).matches()) {
                continue;
            }
            if (segment.isEmpty()) {
                throw InvalidImageReferenceException.ofReference(reference, "empty path segment in \"" + path + "\"");
            }
            if (!segment.toLowerCase(Locale.ROOT).equals(segment)) {
                throw InvalidImageReferenceException.ofReference(reference,
                        "repository path \"" + path + "\" must be lower case");
            }
            throw InvalidImageReferenceException.ofReference(reference, "path segment \"" + segment
                    + "\" must be lower-case letters and digits separated by '.', '_', '__' or '-'");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference other
                && writtenRegistry.equals(other.writtenRegistry)
                && path.equals(other.path)
                && Objects.equals(tag, other.tag)
                && Objects.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(writtenRegistry, path, tag, digest);
    }

    /** {@code registry/repository[:tag][@digest]}, normalised, with a tag kept beside a digest. */
    @Override
    public String toString() {
        return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
