package io.gkm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.opentest4j.AssertionFailedError;

/**
 * Handle on a real local OCI registry (CNCF distribution, plain HTTP on 127.0.0.1, no auth)
 * started by {@link OciRegistryExtension}. The registry is shared by all tests of the JVM: use
 * {@link #uniqueRepository(String)} names. The helpers speak the registry's HTTP API through
 * {@link HttpClient}; {@link #pushDockerArchive(Path, String, String)} runs skopeo.
 */
public final class OciRegistry {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Accept header for manifest requests: OCI and Docker manifests and indexes. */
    public static final String MANIFEST_ACCEPT =
            String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

    static final Path DEFAULT_SKOPEO = Path.of("/usr/bin/skopeo");
    static final String SKOPEO_INSTALL_HINT = "apt-get install -y skopeo";
    /** Repository that {@link #pushBlob(byte[])} uploads to; blobs are mounted from it on demand. */
    static final String STAGING_REPOSITORY = "gkm-testkit/staging";

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SKOPEO_TIMEOUT = Duration.ofMinutes(3);

    private final String hostPort;
    private final URI baseUri;
    private final Path storageDir;
    private final Path skopeo;
    private final HttpClient http;
    private final Set<String> stagedBlobs = ConcurrentHashMap.newKeySet();

    OciRegistry(String hostPort, Path storageDir, Path skopeo) {
        this.hostPort = hostPort;
        this.baseUri = URI.create("http://" + hostPort + "/");
        this.storageDir = storageDir;
        this.skopeo = skopeo;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** {@code 127.0.0.1:<port>}: the registry part of image references. */
    public String hostPort() {
        return hostPort;
    }

    /** {@code http://127.0.0.1:<port>/} (trailing slash, so {@code resolve("v2/")} works). */
    public URI baseUri() {
        return baseUri;
    }

    /** The registry's filesystem storage root (inside its temp dir). */
    public Path storageDir() {
        return storageDir;
    }

    /** A unique, legal repository name ({@code [a-z0-9]} components) starting with {@code prefix}. */
    public String uniqueRepository(String prefix) {
        return UniqueNames.ociRepository(prefix);
    }

    /** {@code sha256:<hex>} of {@code content}. */
    public static String digestOf(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Uploads a blob (monolithic POST + PUT) to a staging repository and returns its
     * {@code sha256:<hex>} digest. {@link #pushManifest} mounts staged blobs that a manifest
     * references into the manifest's repository (cross-repository mount), so blobs pushed here can
     * be used by manifests in any repository.
     */
    public String pushBlob(byte[] content) {
        String digest = pushBlob(STAGING_REPOSITORY, content);
        stagedBlobs.add(digest);
        return digest;
    }

    /** Uploads a blob to {@code repository} (monolithic POST + PUT) and returns its digest. */
    public String pushBlob(String repository, byte[] content) {
        String digest = digestOf(content);
        HttpResponse<String> start = send(HttpRequest.newBuilder(v2(repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), 202, "start blob upload to " + repository);
        URI location = uploadLocation(start);
        String sep = location.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(location + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<String> done = send(HttpRequest.newBuilder(put)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)),
                201, "finish blob upload " + digest + " to " + repository);
        String returned = done.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (!returned.equals(digest)) {
            throw new IllegalStateException("registry stored blob as " + returned + ", expected " + digest);
        }
        return digest;
    }

    /**
     * PUTs a manifest under {@code reference} (tag or digest) with Content-Type {@code mediaType}
     * and returns the registry's {@code Docker-Content-Digest}. Blobs it references that were
     * pushed with {@link #pushBlob(byte[])} are mounted into {@code repository} first.
     */
    public String pushManifest(String repository, String reference, String mediaType, byte[] manifestJson) {
        String text = new String(manifestJson, StandardCharsets.UTF_8);
        for (String staged : stagedBlobs) {
            if (!repository.equals(STAGING_REPOSITORY) && text.contains(staged) && !blobExists(repository, staged)) {
                mountBlob(repository, staged);
            }
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(v2(repository + "/manifests/" + reference))
                        .header("Content-Type", mediaType)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifestJson)),
                201, "push manifest " + repository + ":" + reference);
        return response.headers().firstValue("Docker-Content-Digest").orElseThrow(() ->
                new IllegalStateException("no Docker-Content-Digest in the answer to PUT manifest "
                        + repository + ":" + reference + ": " + response.headers().map()));
    }

    /**
     * The digest of {@code repository:reference} (HEAD with Accept for OCI and Docker manifests and
     * indexes), or empty if the registry answers 404.
     */
    public Optional<String> resolve(String repository, String reference) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(v2(repository + "/manifests/" + reference))
                        .header("Accept", MANIFEST_ACCEPT)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()),
                -1, "resolve " + repository + ":" + reference);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw unexpected("resolve " + repository + ":" + reference, 200, response);
        }
        return Optional.of(response.headers().firstValue("Docker-Content-Digest").orElseThrow(() ->
                new IllegalStateException("no Docker-Content-Digest in HEAD manifest " + repository + ":" + reference)));
    }

    /** The manifest bytes exactly as stored (GET with the manifest Accept header), or empty on 404. */
    public Optional<byte[]> fetchManifest(String repository, String reference) {
        return get(v2(repository + "/manifests/" + reference), MANIFEST_ACCEPT, "get manifest " + repository + ":" + reference);
    }

    /** The blob's bytes, or empty on 404. */
    public Optional<byte[]> fetchBlob(String repository, String digest) {
        return get(v2(repository + "/blobs/" + digest), "*/*", "get blob " + repository + "@" + digest);
    }

    /**
     * Pushes a {@code docker save} tarball with
     * {@code skopeo copy --dest-tls-verify=false docker-archive:<tar> docker://<hostPort>/<repo>:<tag>}
     * (with {@code --insecure-policy}, so the host's signature policy does not matter). Fails with
     * skopeo's stderr if it fails, and with the install command if skopeo is missing.
     */
    public void pushDockerArchive(Path tarFile, String repository, String tag) {
        if (!Files.isRegularFile(skopeo) || !Files.isExecutable(skopeo)) {
            throw new AssertionFailedError("skopeo binary " + skopeo + " is missing or not executable; install it: "
                    + SKOPEO_INSTALL_HINT);
        }
        List<String> command = new ArrayList<>(List.of(skopeo.toString(), "--insecure-policy", "copy",
                "--dest-tls-verify=false",
                "docker-archive:" + tarFile.toAbsolutePath(),
                "docker://" + hostPort + "/" + repository + ":" + tag));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("gkm-skopeo-", ".out");
            err = Files.createTempFile("gkm-skopeo-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            boolean finished = process.waitFor(SKOPEO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionFailedError(String.join(" ", command) + " did not finish within "
                        + SKOPEO_TIMEOUT.toSeconds() + " s; stderr:\n" + Files.readString(err));
            }
            if (process.exitValue() != 0) {
                throw new AssertionFailedError(String.join(" ", command) + " failed with exit code " + process.exitValue()
                        + "; stderr:\n" + Files.readString(err) + "stdout:\n" + Files.readString(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    @Override
    public String toString() {
        return "OciRegistry[" + baseUri + ", storage=" + storageDir + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private boolean blobExists(String repository, String digest) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(v2(repository + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), -1, "check blob " + repository + "@" + digest);
        if (response.statusCode() == 200) {
            return true;
        }
        if (response.statusCode() == 404) {
            return false;
        }
        throw unexpected("check blob " + repository + "@" + digest, 200, response);
    }

    private void mountBlob(String repository, String digest) {
        URI uri = v2(repository + "/blobs/uploads/?mount=" + URLEncoder.encode(digest, StandardCharsets.UTF_8)
                + "&from=" + URLEncoder.encode(STAGING_REPOSITORY, StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()),
                -1, "mount blob " + digest + " into " + repository);
        if (response.statusCode() == 201) {
            return;
        }
        if (response.statusCode() == 202) {
            // The registry started a normal upload instead of mounting: cancel it.
            send(HttpRequest.newBuilder(uploadLocation(response)).DELETE(), -1, "cancel upload");
        }
        throw unexpected("mount blob " + digest + " from " + STAGING_REPOSITORY + " into " + repository, 201, response);
    }

    private Optional<byte[]> get(URI uri, String accept, String what) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).header("Accept", accept).GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(what + " (GET " + uri + ") failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(what + ": GET " + uri + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return Optional.of(response.body());
    }

    private URI uploadLocation(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() ->
                new IllegalStateException("no Location header in " + response.request().method() + " "
                        + response.uri() + ": " + response.headers().map()));
        return response.uri().resolve(location);
    }

    private URI v2(String pathAndQuery) {
        return baseUri.resolve("v2/" + pathAndQuery);
    }

    /** Sends; if {@code expected >= 0} any other status is an error. */
    private HttpResponse<String> send(HttpRequest.Builder builder, int expected, String what) {
        HttpRequest request = builder.timeout(HTTP_TIMEOUT).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(what + " (" + request.method() + " " + request.uri() + ") failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
        if (expected >= 0 && response.statusCode() != expected) {
            throw unexpected(what, expected, response);
        }
        return response;
    }

    private static IllegalStateException unexpected(String what, int expected, HttpResponse<?> response) {
        return new IllegalStateException(what + ": " + response.request().method() + " " + response.uri()
                + " answered " + response.statusCode() + " (expected " + expected + "): " + response.body());
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // temp file
            }
        }
    }
}
