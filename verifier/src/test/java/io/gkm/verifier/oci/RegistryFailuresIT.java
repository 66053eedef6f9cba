package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.core.stage.RetriableStageException;
import java.net.URLDecoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the Debian registry cannot be made to do (429, 503, hang, redirect to plain HTTP, serve a
 * Referrers API), served by a real HTTP server on 127.0.0.1.
 */
class RegistryFailuresIT {
    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\""
            + Digest.sha256("{}".getBytes(StandardCharsets.UTF_8)) + "\",\"size\":2},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final Digest MANIFEST_DIGEST = Digest.sha256(MANIFEST);
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ofSeconds(2));

    private static RegistryClient client(RetryPolicy retry) {
        return RegistryClient.builder().retryPolicy(retry).build();
    }

    @Test
    void tooManyRequestsAndServiceUnavailableAreRetriedAfterTheirRetryAfter() {
        try (LoopbackHttpServer server = LoopbackHttpServer.start((exchange, n) -> {
            switch (n) {
                case 1 -> LoopbackHttpServer.respond(exchange, 429, new byte[0], "Retry-After", "1");
                case 2 -> LoopbackHttpServer.respond(exchange, 503, new byte[0], "Retry-After", "0");
                default -> LoopbackHttpServer.respond(exchange, 200, MANIFEST, "Content-Type", MediaTypes.OCI_MANIFEST,
                        "Docker-Content-Digest", MANIFEST_DIGEST.toString());
            }
        })) {
            RegistryClient client = client(FAST);
            long start = System.nanoTime();
            Manifest manifest = client.fetchManifest(ImageReference.parse(server.hostPort() + "/gkm/cache:v1"));
            assertThat(manifest.digest()).isEqualTo(MANIFEST_DIGEST);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(server.seen()).hasSize(3);
            assertThat(client.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void aRetryAfterLongerThanTheBoundIsNotWaitedForButReportedRetriable() {
        try (LoopbackHttpServer server = LoopbackHttpServer.start((exchange, n) ->
                LoopbackHttpServer.respond(exchange, 429, new byte[0], "Retry-After", "120"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client(FAST).resolve(ImageReference.parse(server.hostPort() + "/gkm/cache:v1")))
                    .isInstanceOf(RetriableStageException.class)
                    .isInstanceOfSatisfying(RegistryUnavailableException.class,
                            e -> assertThat(e.status()).hasValue(429))
                    .hasMessageContaining("Retry-After: 120");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(server.seen()).hasSize(1);
        }
    }

    @Test
    void persistentServerErrorsGiveUpAfterTheAttemptsAsRetriable() {
        try (LoopbackHttpServer server = LoopbackHttpServer.start((exchange, n) ->
                LoopbackHttpServer.respond(exchange, 502, "bad gateway".getBytes(StandardCharsets.UTF_8)))) {
            assertThatThrownBy(() -> client(FAST).fetchManifest(ImageReference.parse(server.hostPort() + "/gkm/c:v1")))
                    .isInstanceOfSatisfying(RegistryUnavailableException.class,
                            e -> assertThat(e.status()).hasValue(502))
                    .hasMessageContaining("after 3 attempt");
            assertThat(server.seen()).hasSize(3);
        }
    }

    @Test
    void notImplementedIsFatalAtOnce() {
        try (LoopbackHttpServer server = LoopbackHttpServer.start((exchange, n) ->
                LoopbackHttpServer.respond(exchange, 501, new byte[0]))) {
            assertThatThrownBy(() -> client(FAST).fetchManifest(ImageReference.parse(server.hostPort() + "/gkm/c:v1")))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.UNEXPECTED_RESPONSE))
                    .hasMessageContaining("HTTP 501");
            assertThat(server.seen()).hasSize(1);
        }
    }

    @Test
    void aRegistryThatDoesNotAnswerInTimeIsARetriableTimeout() {
        try (LoopbackHttpServer server = LoopbackHttpServer.start((exchange, n) -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            RegistryClient client = RegistryClient.builder().timeout(Duration.ofMillis(300))
                    .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO)).build();
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.resolve(ImageReference.parse(server.hostPort() + "/gkm/cache:v1")))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasRootCauseInstanceOf(HttpTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
            assertThat(client.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void aRedirectToPlainHttpOnAnotherHostIsRefusedBeforeFollowingIt() {
        Digest blob = Digest.sha256("payload".getBytes(StandardCharsets.UTF_8));
        try (LoopbackHttpServer server = LoopbackHttpServer.start((exchange, n) ->
                LoopbackHttpServer.respond(exchange, 307, new byte[0],
                        "Location", "http://198.51.100.7/storage/" + blob.encoded()))) {
            RegistryClient client = client(FAST);
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.fetchBlob(ImageReference.of(server.hostPort(), "gkm/cache"),
                    new Descriptor(MediaTypes.COSIGN_SIMPLE_SIGNING, blob, 7, null, Map.of()),
                    RegistryLimit.SIGNATURE_LAYER_BYTES))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.INSECURE_REFUSED))
                    .hasMessageContaining("198.51.100.7").hasMessageContaining("GKM_INSECURE_REGISTRIES");
            assertThat(client.requestCount()).as("only the request that was redirected").isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no connection attempt to 198.51.100.7")
                    .isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aReferrersApiIsUsedWhenPresentPagedAndFilteredOnOurSideToo() {
        Digest subject = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
        Digest bundle1 = Digest.sha256("b1".getBytes(StandardCharsets.UTF_8));
        Digest bundle2 = Digest.sha256("b2".getBytes(StandardCharsets.UTF_8));
        Digest sbom = Digest.sha256("s".getBytes(StandardCharsets.UTF_8));
        try (LoopbackHttpServer server = LoopbackHttpServer.start((exchange, n) -> {
            // Ignores the artifactType query (no OCI-Filters-Applied), as registries may.
            String page = exchange.getRequestURI().getRawQuery().contains("last=")
                    ? index(Map.of(bundle2, MediaTypes.SIGSTORE_BUNDLE_V03))
                    : index(Map.of(bundle1, MediaTypes.SIGSTORE_BUNDLE_V03, sbom, "application/spdx+json"));
            String link = page.contains(bundle1.toString())
                    ? "</v2/gkm/cache/referrers/" + subject + "?last=1>; rel=\"next\"" : null;
            if (link != null) {
                exchange.getResponseHeaders().add("Link", link);
            }
            LoopbackHttpServer.respond(exchange, 200, page.getBytes(StandardCharsets.UTF_8),
                    "Content-Type", MediaTypes.OCI_INDEX);
        })) {
            RegistryClient client = client(FAST);
            Referrers referrers = client.referrers(ImageReference.of(server.hostPort(), "gkm/cache"), subject,
                    ArtifactTypeFilter.exactly(MediaTypes.SIGSTORE_BUNDLE_V03));
            assertThat(referrers.source()).isEqualTo(Referrers.Source.REFERRERS_API);
            assertThat(referrers.descriptors()).extracting(Descriptor::digest).containsExactly(bundle1, bundle2);
            assertThat(server.seen()).hasSize(2);
            assertThat(URLDecoder.decode(server.seen().get(0).pathAndQuery(), StandardCharsets.UTF_8))
                    .isEqualTo("/v2/gkm/cache/referrers/" + subject + "?artifactType=" + MediaTypes.SIGSTORE_BUNDLE_V03);
        }
    }

    /** A referrers list: digest to artifact type. */
    private static String index(Map<Digest, String> referrers) {
        StringBuilder b = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
                + "\",\"manifests\":[");
        referrers.forEach((digest, type) -> b.append(b.charAt(b.length() - 1) == '[' ? "" : ",")
                .append("{\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST).append("\",\"digest\":\"").append(digest)
                .append("\",\"size\":100,\"artifactType\":\"").append(type).append("\"}"));
        return b.append("]}").toString();
    }
}
