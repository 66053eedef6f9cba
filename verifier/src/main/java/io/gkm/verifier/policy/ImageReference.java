package io.gkm.verifier.policy;

import java.util.Locale;
import java.util.Map;
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
 * lower case. Tag: {@code latest} when neither a tag nor a digest is given. Digests:
 * {@code sha256}, {@code sha384}, {@code sha512} in lower-case hex.
 *
 * <p>Two string forms:
 * <ul>
 *   <li>{@link #normalized()}: the canonical name a registry client uses, with Docker's
 *       normalisation ({@code index.docker.io} → {@code docker.io}, {@code library/} before a
 *       one-segment Docker Hub path), and the tag dropped when there is a digest;</li>
 *   <li>{@link #kyvernoForm()}: the string Kyverno matches {@code imageReferences} globs
 *       against ({@code pkg/utils/image/infos.go}): {@code docker.io} added when no registry is
 *       written, but no {@code library/}, so {@code nginx} is {@code docker.io/nginx:latest};
 *       the tag is dropped when there is a digest.</li>
 * </ul>
 */
public final class ImageReference {

    /** Docker Hub, the registry of references that name none. */
    public static final String DOCKER_HUB = "docker.io";

    private static final String DOCKER_HUB_LEGACY = "index.docker.io";
    private static final String DEFAULT_TAG = "latest";
    private static final int MAX_NAME_LENGTH = 255;
    private static final String HOST_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:" + HOST_LABEL + "(?:\\." + HOST_LABEL + ")*|\\[[a-fA-F0-9:]+])(?::([0-9]{1,5}))?");
    private static final Pattern PATH_SEGMENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    private static final Map<String, Integer> DIGEST_HEX_LENGTHS = Map.of("sha256", 64, "sha384", 96, "sha512", 128);

    private final String writtenRegistry;
    private final String path;
    private final String tag;
    private final String digest;

    private ImageReference(String writtenRegistry, String path, String tag, String digest) {
        this.writtenRegistry = writtenRegistry;
        this.path = path;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Parses a reference such as {@code quay.io/gkm/cache-examples:vector-add-cache-rocm},
     * {@code nginx}, {@code localhost:5000/a/b@sha256:...}.
     *
     * @throws InvalidImageReferenceException naming the part that is wrong
     */
    public static ImageReference parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (reference.isEmpty()) {
            throw new InvalidImageReferenceException(reference, "empty");
        }
        if (reference.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidImageReferenceException(reference, "contains whitespace");
        }
        String name = reference;
        String digest = null;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = checkDigest(reference, name.substring(at + 1));
            name = name.substring(0, at);
        }
        String tag = null;
        int colon = name.indexOf(':', name.lastIndexOf('/') + 1);
        if (colon >= 0) {
            tag = name.substring(colon + 1);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidImageReferenceException(reference, "tag \"" + tag
                        + "\" must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
            }
            name = name.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        String path = name;
        int slash = name.indexOf('/');
        if (slash >= 0 && isRegistry(name.substring(0, slash))) {
            registry = checkRegistry(reference, name.substring(0, slash));
            path = name.substring(slash + 1);
        }
        checkPath(reference, path);
        if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
            throw new InvalidImageReferenceException(reference, "registry and path are longer than "
                    + MAX_NAME_LENGTH + " characters");
        }
        return new ImageReference(registry, path, tag == null && digest == null ? DEFAULT_TAG : tag, digest);
    }

    /** The registry host (and port): {@code docker.io} when none is written or for {@code index.docker.io}. */
    public String registry() {
        return isDockerHub() ? DOCKER_HUB : writtenRegistry;
    }

    /** The repository inside the registry: {@code library/nginx} for Docker Hub's {@code nginx}. */
    public String repository() {
        return isDockerHub() && path.indexOf('/') < 0 ? "library/" + path : path;
    }

    /** The tag as written; {@code latest} when neither tag nor digest is written; empty with a bare digest. */
    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    /** The digest, e.g. {@code sha256:...}, when written. */
    public Optional<String> digest() {
        return Optional.ofNullable(digest);
    }

    /** {@code registry/repository@digest}, else {@code registry/repository:tag}. */
    public String normalized() {
        return registry() + "/" + repository() + suffix();
    }

    /** What Kyverno matches {@code imageReferences} against: see the class comment. */
    public String kyvernoForm() {
        return writtenRegistry + "/" + path + suffix();
    }

    private String suffix() {
        return digest != null ? "@" + digest : ":" + tag;
    }

    private boolean isDockerHub() {
        return writtenRegistry.equals(DOCKER_HUB) || writtenRegistry.equals(DOCKER_HUB_LEGACY);
    }

    // Docker's and Kyverno's rule for telling a registry host from a Docker Hub namespace.
    private static boolean isRegistry(String firstSegment) {
        return firstSegment.contains(".") || firstSegment.contains(":") || firstSegment.equals("localhost")
                || !firstSegment.toLowerCase(Locale.ROOT).equals(firstSegment);
    }

    private static String checkRegistry(String reference, String registry) {
        Matcher m = REGISTRY.matcher(registry);
        if (!m.matches()) {
            throw new InvalidImageReferenceException(reference, "registry \"" + registry
                    + "\" is not a host name, IPv4 or [IPv6] address with an optional numeric port");
        }
        if (m.group(1) != null && Integer.parseInt(m.group(1)) > 65535) {
            throw new InvalidImageReferenceException(reference, "registry port " + m.group(1) + " is above 65535");
        }
        return registry;
    }

    private static void checkPath(String reference, String path) {
        for (String segment : path.split("/", -1)) {
            if (PATH_SEGMENT.matcher(segment).matches()) {
                continue;
            }
            if (segment.isEmpty()) {
                throw new InvalidImageReferenceException(reference, "empty path segment in \"" + path + "\"");
            }
            if (!segment.toLowerCase(Locale.ROOT).equals(segment)) {
                throw new InvalidImageReferenceException(reference,
                        "repository path \"" + path + "\" must be lower case");
            }
            throw new InvalidImageReferenceException(reference, "path segment \"" + segment
                    + "\" must be lower-case letters and digits separated by '.', '_', '__' or '-'");
        }
    }

    private static String checkDigest(String reference, String digest) {
        int colon = digest.indexOf(':');
        String algorithm = colon < 0 ? "" : digest.substring(0, colon);
        Integer length = DIGEST_HEX_LENGTHS.get(algorithm);
        if (length == null) {
            throw new InvalidImageReferenceException(reference, "digest \"" + digest
                    + "\" must be sha256:, sha384: or sha512: followed by lower-case hex");
        }
        String hex = digest.substring(colon + 1);
        if (hex.length() != length || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new InvalidImageReferenceException(reference, "digest \"" + digest + "\" must have " + length
                    + " lower-case hex digits after " + algorithm + ":");
        }
        return digest;
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

    @Override
    public String toString() {
        return normalized();
    }
}
