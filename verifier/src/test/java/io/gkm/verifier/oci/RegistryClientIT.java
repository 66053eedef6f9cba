package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.core.stage.RetriableStageException;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link RegistryClient} against the real Debian registry (CNCF distribution 2.8, no Referrers API). */
@WithOciRegistry
class RegistryClientIT {
    private static final String GKM_IMAGE = "gkm/mcv/example/vector-add-cache-rocm.tar";
    private static final String SPDX = "application/spdx+json";

    private final RegistryClient client = RegistryClient.builder().build();

    @Test
    void resolvesATagSkopeoPushedFromTheRealGkmImageInOneRequest(OciRegistry registry) {
        ImageReference image = pushGkmImage(registry);
        Digest digest = client.resolve(image);
        assertThat(digest.toString()).isEqualTo(registry.resolve(image.repository(), "rocm").orElseThrow());
        assertThat(client.requestCount()).isEqualTo(1);
    }

    @Test
    void fetchesTheGkmImagesManifestAndConfigAndReadsItsCacheLabels(OciRegistry registry) {
        ImageReference image = pushGkmImage(registry);
        Manifest manifest = client.fetchManifest(image);
        assertThat(manifest.digest().toString()).isEqualTo(registry.resolve(image.repository(), "rocm").orElseThrow());
        assertThat(manifest.layers()).hasSize(1);
        ImageConfig config = client.fetchImageConfig(image, manifest);
        McvLabels labels = McvLabels.fromLabels(config.labels()).orElseThrow();
        assertThat(labels.entryCount()).isEqualTo(1);
        assertThat(labels.cacheSizeBytes()).isEqualTo(80415);
        assertThat(labels.targets()).containsExactly(new McvLabels.Target("hip", "gfx90a", 64));
        assertThat(client.requestCount()).as("manifest by tag + config blob").isEqualTo(2);
        assertThat(client.fetchManifest(image.withDigest(manifest.digest())).bytes()).isEqualTo(manifest.bytes());
    }

    @Test
    void unknownTagOrRepositoryIsFatalNotFound(OciRegistry registry) {
        ImageReference known = push(registry, McvImageBuilder.create().build()).byTag();
        for (ImageReference missing : List.of(known.withTag("no-such-tag"),
                ImageReference.parse(registry.hostPort() + "/gkm/no-such-repository:v1"))) {
            assertThatThrownBy(() -> client.resolve(missing))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.NOT_FOUND))
                    .isNotInstanceOf(RetriableStageException.class).hasMessageContaining(missing.repository());
            assertThatThrownBy(() -> client.fetchManifest(missing)).isInstanceOf(RegistryException.class);
        }
    }

    @Test
    void referrersComeFromTheTagIndexBecauseTheRegistryAnswers404ToTheReferrersApi(OciRegistry registry) {
        PushedImage image = push(registry, McvImageBuilder.create().build());
        ImageReference repo = image.byTag();
        byte[] bundle = unique("{\"mediaType\":\"" + MediaTypes.SIGSTORE_BUNDLE_V03 + "\"}");
        String bundleRef = pushArtifact(registry, repo, MediaTypes.SIGSTORE_BUNDLE_V03, bundle, image);
        String sbomRef = pushArtifact(registry, repo, SPDX, unique("{\"spdxVersion\":\"SPDX-2.3\"}"), image);
        pushReferrersIndex(registry, repo, image.digest(), List.of(
                entry(registry, repo, bundleRef, MediaTypes.SIGSTORE_BUNDLE_V03), entry(registry, repo, sbomRef, SPDX)));

        Referrers bundles = client.referrers(repo, image.digest(),
                ArtifactTypeFilter.startingWith(MediaTypes.SIGSTORE_BUNDLE_PREFIX));
        assertThat(bundles.source()).isEqualTo(Referrers.Source.TAG_SCHEMA);
        assertThat(bundles.descriptors()).extracting(d -> d.digest().toString()).containsExactly(bundleRef);
        assertThat(client.requestCount()).as("Referrers API 404 + tag index").isEqualTo(2);

        Referrers sboms = client.referrers(repo, image.digest(), ArtifactTypeFilter.exactly(SPDX));
        assertThat(sboms.descriptors()).extracting(d -> d.digest().toString()).containsExactly(sbomRef);
        assertThat(client.requestCount()).as("the registry is known to lack the API: tag index only").isEqualTo(3);

        Manifest referrer = client.fetchReferrer(repo, image.digest(), bundles.descriptors().get(0));
        assertThat(referrer.artifactType()).isEqualTo(MediaTypes.SIGSTORE_BUNDLE_V03);
        assertThat(client.fetchBlob(repo, referrer.layers().get(0), RegistryLimit.BUNDLE_BYTES)).isEqualTo(bundle);
    }

    @Test
    void noTagIndexMeansNoReferrers(OciRegistry registry) {
        PushedImage image = push(registry, McvImageBuilder.create().build());
        Referrers none = client.referrers(image.byTag(), image.digest(),
                ArtifactTypeFilter.exactly(MediaTypes.SIGSTORE_BUNDLE_V03));
        assertThat(none.descriptors()).isEmpty();
        assertThat(none.source()).isEqualTo(Referrers.Source.TAG_SCHEMA);
    }

    @Test
    void aListedReferrerWhoseSubjectIsAnotherImageIsRejected(OciRegistry registry) {
        PushedImage image = push(registry, McvImageBuilder.create().build());
        PushedImage other = push(registry, McvImageBuilder.create().kernel("other_kernel",
                new McvLabels.Target("hip", "gfx942", 64)).build());
        ImageReference repo = image.byTag();
        String forOther = pushArtifact(registry, repo, MediaTypes.SIGSTORE_BUNDLE_V03, unique("{}"), other);
        pushReferrersIndex(registry, repo, image.digest(),
                List.of(entry(registry, repo, forOther, MediaTypes.SIGSTORE_BUNDLE_V03)));
        Referrers listed = client.referrers(repo, image.digest(), ArtifactTypeFilter.exactly(MediaTypes.SIGSTORE_BUNDLE_V03));
        assertThatThrownBy(() -> client.fetchReferrer(repo, image.digest(), listed.descriptors().get(0)))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.SUBJECT_MISMATCH))
                .hasMessageContaining(other.digest().toString());
    }

    @Test
    void referrerManifestsComeFromTheCacheButTheImagesOwnManifestIsAskedForEveryTime(OciRegistry registry) {
        PushedImage image = push(registry, McvImageBuilder.create().build());
        ImageReference repo = image.byTag();
        String bundle = pushArtifact(registry, repo, MediaTypes.SIGSTORE_BUNDLE_V03, unique("{}"), image);
        pushReferrersIndex(registry, repo, image.digest(), List.of(entry(registry, repo, bundle,
                MediaTypes.SIGSTORE_BUNDLE_V03)));
        Descriptor referrer = client.referrers(repo, image.digest(),
                ArtifactTypeFilter.exactly(MediaTypes.SIGSTORE_BUNDLE_V03)).descriptors().get(0);

        long before = client.requestCount();
        client.fetchReferrer(repo, image.digest(), referrer);
        client.fetchReferrer(repo, image.digest(), referrer);
        assertThat(client.requestCount() - before).as("a referrer manifest by digest: fetched once").isEqualTo(1);

        before = client.requestCount();
        client.fetchManifest(image.byDigest());
        client.fetchManifest(image.byDigest());
        assertThat(client.requestCount() - before).as("the image's manifest by digest: asked for each time")
                .isEqualTo(2);
    }

    @Test
    void cosignV2SignatureManifestIsFoundAtTheSigTag(OciRegistry registry) {
        PushedImage image = push(registry, McvImageBuilder.create().build());
        ImageReference repo = image.byTag();
        byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + repo.name() + "\"},"
                + "\"image\":{\"docker-manifest-digest\":\"" + image.digest() + "\"},"
                + "\"type\":\"cosign container image signature\"},\"optional\":null}").getBytes(StandardCharsets.UTF_8);
        pushSignatureManifest(registry, repo, image.digest(), List.of(payload));

        Manifest signatures = client.signatureManifest(repo, image.digest()).orElseThrow();
        Descriptor layer = signatures.layers().get(0);
        assertThat(layer.mediaType()).isEqualTo(MediaTypes.COSIGN_SIMPLE_SIGNING);
        assertThat(layer.annotations()).containsEntry("dev.cosignproject.cosign/signature", "MEUCIQ==");
        assertThat(client.fetchBlob(repo, layer, RegistryLimit.SIGNATURE_LAYER_BYTES)).isEqualTo(payload);

        long before = client.requestCount();
        PushedImage unsigned = push(registry, McvImageBuilder.create().binaryBytes(5000).build());
        assertThat(client.signatureManifest(unsigned.byTag(), unsigned.digest())).isEmpty();
        assertThat(client.requestCount() - before).as("one GET, 404").isEqualTo(1);
    }

    @Test
    void aBlobLargerThanItsLimitIsRefusedBeforeAnyRequest(OciRegistry registry) {
        ImageReference repo = ImageReference.of(registry.hostPort(), registry.uniqueRepository("gkm/limits"));
        byte[] big = new byte[(1 << 20) + 1];
        Descriptor descriptor = Descriptor.of(COSIGN_LAYER, big);
        assertThatThrownBy(() -> client.fetchBlob(repo, descriptor, RegistryLimit.SIGNATURE_LAYER_BYTES))
                .isInstanceOfSatisfying(RegistryLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo(RegistryLimit.SIGNATURE_LAYER_BYTES);
                    assertThat(e.allowed()).isEqualTo(1 << 20);
                    assertThat(e.actual()).isEqualTo((1 << 20) + 1);
                })
                .hasMessageContaining("signature layer");
        assertThat(client.requestCount()).isZero();
    }

    @Test
    void aBlobLongerThanItsDescriptorSaysIsNotRead(OciRegistry registry) {
        ImageReference repo = ImageReference.of(registry.hostPort(), registry.uniqueRepository("gkm/limits"));
        byte[] content = unique("x".repeat(1000));
        Digest digest = Digest.parse(registry.pushBlob(repo.repository(), content));
        Descriptor lying = new Descriptor(COSIGN_LAYER, digest, 16, null, java.util.Map.of());
        assertThatThrownBy(() -> client.fetchBlob(repo, lying, RegistryLimit.SIGNATURE_LAYER_BYTES))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.DIGEST_MISMATCH))
                .hasMessageContaining("more than").hasMessageContaining("says 16");
    }

    @Test
    void manifestReferrersAndSignatureLayerCountsHaveLimitsToo(OciRegistry registry) {
        PushedImage image = push(registry, McvImageBuilder.create().build());
        ImageReference repo = image.byTag();
        RegistryClient strict = RegistryClient.builder().limits(RegistryLimits.defaults()
                .with(RegistryLimit.MANIFEST_BYTES, 100)
                .with(RegistryLimit.REFERRERS, 2)
                .with(RegistryLimit.SIGNATURE_LAYERS, 2)).build();
        assertThatThrownBy(() -> strict.fetchManifest(repo))
                .isInstanceOfSatisfying(RegistryLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(RegistryLimit.MANIFEST_BYTES));

        RegistryClient counting = RegistryClient.builder().limits(RegistryLimits.defaults()
                .with(RegistryLimit.REFERRERS, 2).with(RegistryLimit.SIGNATURE_LAYERS, 2)).build();
        List<String> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add(entry(registry, repo, pushArtifact(registry, repo, MediaTypes.SIGSTORE_BUNDLE_V03,
                    unique("{}"), image), MediaTypes.SIGSTORE_BUNDLE_V03));
        }
        pushReferrersIndex(registry, repo, image.digest(), entries);
        assertThatThrownBy(() -> counting.referrers(repo, image.digest(),
                ArtifactTypeFilter.exactly(MediaTypes.SIGSTORE_BUNDLE_V03)))
                .isInstanceOfSatisfying(RegistryLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo(RegistryLimit.REFERRERS);
                    assertThat(e.actual()).isEqualTo(3);
                });

        pushSignatureManifest(registry, repo, image.digest(), List.of(unique("a"), unique("b"), unique("c")));
        assertThatThrownBy(() -> counting.signatureManifest(repo, image.digest()))
                .isInstanceOfSatisfying(RegistryLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(RegistryLimit.SIGNATURE_LAYERS))
                .hasMessageContaining("3 signature layers");
    }

    @Test
    void aBlobTamperedInTheRegistrysStorageIsADigestMismatch(OciRegistry registry) throws IOException {
        ImageReference repo = ImageReference.of(registry.hostPort(), registry.uniqueRepository("gkm/tamper"));
        byte[] content = unique("{\"payload\":\"signed\"}");
        Digest digest = Digest.parse(registry.pushBlob(repo.repository(), content));
        byte[] forged = content.clone();
        forged[forged.length - 2] ^= 1; // same length: only the hash can tell
        Files.write(storedBlob(registry, digest), forged);

        assertThatThrownBy(() -> client.fetchBlob(repo, Descriptor.of(COSIGN_LAYER, content),
                RegistryLimit.SIGNATURE_LAYER_BYTES))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.DIGEST_MISMATCH))
                .hasMessageContaining("expected " + digest);
    }

    @Test
    void aManifestTamperedInTheRegistrysStorageIsADigestMismatchByDigestAndByTag(OciRegistry registry)
            throws IOException {
        PushedImage image = push(registry, McvImageBuilder.create().kernel("tamper_" + UUID.randomUUID()
                .toString().replace("-", ""), new McvLabels.Target("hip", "gfx90a", 64)).build());
        Path stored = storedBlob(registry, image.digest());
        String json = Files.readString(stored);
        // Still valid JSON of the same length (the registry parses what it serves): only the hash can tell.
        String forged = json.replace("2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z");
        assertThat(forged).isNotEqualTo(json).hasSameSizeAs(json);
        Files.writeString(stored, forged);

        for (ImageReference ref : List.of(image.byDigest(), image.byTag())) {
            assertThatThrownBy(() -> client.fetchManifest(ref)).as(ref.toString())
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.DIGEST_MISMATCH));
        }
    }

    @Test
    void anUnreachableRegistryIsRetriedThenARetriableError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RegistryClient retrying = RegistryClient.builder()
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1)))
                .build();
        ImageReference image = ImageReference.parse("127.0.0.1:" + closedPort + "/gkm/cache:v1");
        assertThatThrownBy(() -> retrying.resolve(image))
                .isInstanceOf(RetriableStageException.class)
                .isInstanceOfSatisfying(RegistryUnavailableException.class, e -> assertThat(e.status()).isEmpty())
                .hasMessageContaining("127.0.0.1:" + closedPort).hasMessageContaining("after 3 attempt");
        assertThat(retrying.requestCount()).isEqualTo(3);
    }

    // ---------------------------------------------------------------------------------------------

    private static final String COSIGN_LAYER = MediaTypes.COSIGN_SIMPLE_SIGNING;

    private static ImageReference pushGkmImage(OciRegistry registry) {
        String repository = registry.uniqueRepository("gkm/vector-add-cache");
        registry.pushDockerArchive(Fixtures.path(GKM_IMAGE), repository, "rocm");
        return ImageReference.parse(registry.hostPort() + "/" + repository + ":rocm");
    }

    private static PushedImage push(OciRegistry registry, McvImage image) {
        ImageReference target = ImageReference.parse(registry.hostPort() + "/"
                + registry.uniqueRepository("gkm/cache") + ":v1");
        return image.push(RegistryClient.builder().build(), target);
    }

    /** Content no other test pushes, so tampering with its stored blob harms nobody else. */
    private static byte[] unique(String text) {
        return (text + "\n" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    }

    private static Path storedBlob(OciRegistry registry, Digest digest) {
        String hex = digest.encoded();
        return registry.storageDir().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex
                + "/data");
    }

    /** Pushes an OCI artifact (empty config, one layer) whose subject is {@code subject}; returns its digest. */
    private static String pushArtifact(OciRegistry registry, ImageReference repo, String artifactType, byte[] layer,
                                       PushedImage subjectImage) {
        String empty = registry.pushBlob(repo.repository(), "{}".getBytes(StandardCharsets.UTF_8));
        String layerDigest = registry.pushBlob(repo.repository(), layer);
        Digest subject = subjectImage.digest();
        long subjectSize = registry.fetchManifest(subjectImage.repository(), subject.toString()).orElseThrow().length;
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"artifactType\":\"" + artifactType + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + empty + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"" + artifactType + "\",\"digest\":\"" + layerDigest + "\",\"size\":"
                + layer.length + "}],"
                + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + subject
                + "\",\"size\":" + subjectSize + "}}").getBytes(StandardCharsets.UTF_8);
        return registry.pushManifest(repo.repository(), OciRegistry.digestOf(manifest), MediaTypes.OCI_MANIFEST, manifest);
    }

    private static String entry(OciRegistry registry, ImageReference repo, String digest, String artifactType) {
        long size = registry.fetchManifest(repo.repository(), digest).orElseThrow().length;
        return "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":" + size
                + ",\"artifactType\":\"" + artifactType + "\"}";
    }

    /** The referrers tag schema: an index at tag sha256-<hex> listing the referrers. */
    private static void pushReferrersIndex(OciRegistry registry, ImageReference repo, Digest subject,
                                           List<String> entries) {
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
        registry.pushManifest(repo.repository(), subject.referrersTag(), MediaTypes.OCI_INDEX, index);
    }

    /** A cosign v2 style signature manifest at sha256-<hex>.sig, one simple-signing layer a payload. */
    private static void pushSignatureManifest(OciRegistry registry, ImageReference repo, Digest image,
                                              List<byte[]> payloads) {
        byte[] config = unique("{\"architecture\":\"\",\"os\":\"\",\"config\":{}}");
        String configDigest = registry.pushBlob(repo.repository(), config);
        StringBuilder layers = new StringBuilder();
        for (byte[] payload : payloads) {
            String digest = registry.pushBlob(repo.repository(), payload);
            layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"").append(COSIGN_LAYER)
                    .append("\",\"digest\":\"").append(digest).append("\",\"size\":").append(payload.length)
                    .append(",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUCIQ==\"}}");
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        registry.pushManifest(repo.repository(), image.signatureTag(), MediaTypes.OCI_MANIFEST, manifest);
    }
}
