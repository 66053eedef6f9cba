package io.gkm.verifier.oci;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference {@code [registry/]repository[:tag][@digest]}, normalised as docker does:
 * no registry means {@code docker.io}, a one-part Docker Hub repository gets {@code library/},
 * no tag and no digest means {@code latest}. A tag given beside a digest is kept as written.
 *
 * <p>Our own parser, not ORAS's {@code ContainerRef.parse}: that one reads {@code localhost/x} as
 * a Docker Hub namespace, adds {@code latest} beside a digest, and drops an {@code http://} prefix
 * silently, which would look like a transport choice (plain HTTP is decided by
 * {@link RegistrySettings#INSECURE_REGISTRIES} only).
 */
public final class ImageReference {

    public static final String DOCKER_HUB = "docker.io";
    /** Where Docker Hub's registry API answers. */
    static final String DOCKER_HUB_API = "registry-1.docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    private final String registry;
    private final String repository;
    private final String tag;
    private final Digest digest;

    private ImageReference(String registry, String repository, String tag, Digest digest) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
    }

    /** A repository without tag or digest, e.g. for pushes: {@code of("127.0.0.1:5000", "gkm/cache")}. */
    public static ImageReference of(String registry, String repository) {
        return parse(registry + "/" + repository).withoutVersion();
    }

    /** Parses a reference; throws IllegalArgumentException naming the part that is wrong. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        String rest = text.trim();
        if (rest.contains("://")) {
            throw new IllegalArgumentException("image reference '" + text + "' has a scheme; write it as "
                    + "registry/repository[:tag][@digest] (plain HTTP is allowed only for loopback registries "
                    + "and those listed in " + RegistrySettings.INSECURE_REGISTRIES.envVar() + ")");
        }
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("image reference '" + text + "': " + e.getMessage(), e);
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("image reference '" + text + "': invalid tag '" + tag + "'");
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (!REGISTRY.matcher(registry).matches()) {
            throw new IllegalArgumentException("image reference '" + text + "': invalid registry '" + registry + "'");
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("image reference '" + text + "': invalid repository '" + rest
                        + "' (lower-case letters, digits and separators . _ __ - between them, parts joined by /)");
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** The registry as written ({@code docker.io}, {@code quay.io}, {@code 127.0.0.1:5000}). */
    public String registry() {
        return registry;
    }

    /** The repository path, e.g. {@code library/nginx} or {@code gkm/vector-add-cache}. */
    public String repository() {
        return repository;
    }

    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    public Optional<Digest> digest() {
        return Optional.ofNullable(digest);
    }

    /** Host and port that serve the registry API ({@code docker.io} is served by {@code registry-1.docker.io}). */
    String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** Same repository at {@code digest}, tag dropped: what a pull by digest names. */
    public ImageReference withDigest(Digest digest) {
        return new ImageReference(registry, repository, null, Objects.requireNonNull(digest));
    }

    /** Same repository at {@code tag}, digest dropped. */
    public ImageReference withTag(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("invalid tag '" + tag + "'");
        }
        return new ImageReference(registry, repository, tag, null);
    }

    private ImageReference withoutVersion() {
        return new ImageReference(registry, repository, null, null);
    }

    /** {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference other && registry.equals(other.registry)
                && repository.equals(other.repository) && Objects.equals(tag, other.tag)
                && Objects.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, repository, tag, digest);
    }
}
