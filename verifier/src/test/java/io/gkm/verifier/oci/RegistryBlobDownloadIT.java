package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient#downloadBlob}: a layer streamed to a file, checked by size and digest, bounded. */
@WithOciRegistry
class RegistryBlobDownloadIT {
    private final RegistryClient client = RegistryClient.builder().build();

    private static byte[] content() {
        return ("layer " + UUID.randomUUID() + "\n").repeat(20_000).getBytes(StandardCharsets.UTF_8);
    }

    private static ImageReference pushed(OciRegistry registry, byte[] blob) {
        String repository = registry.uniqueRepository("gkm/download");
        registry.pushBlob(repository, blob);
        return ImageReference.parse(registry.hostPort() + "/" + repository);
    }

    @Test
    void writesTheBlobToTheFileAndChecksItsDigest(OciRegistry registry, @TempDir Path dir) throws IOException {
        byte[] blob = content();
        Path file = dir.resolve("layer");
        client.downloadBlob(pushed(registry, blob), Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, blob), file);
        assertThat(Files.readAllBytes(file)).isEqualTo(blob);
    }

    @Test
    void aBlobLongerThanItsDescriptorSaysIsCutOffAndRefused(OciRegistry registry, @TempDir Path dir) throws IOException {
        byte[] blob = content();
        Descriptor shorter = new Descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, Digest.sha256(blob), blob.length - 1, null,
                Map.of());
        Path file = dir.resolve("cut");
        assertThatThrownBy(() -> client.downloadBlob(pushed(registry, blob), shorter, file))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.DIGEST_MISMATCH))
                .hasMessageContaining("the descriptor says " + (blob.length - 1));
        assertThat(Files.size(file)).as("never more than the descriptor allows on disk").isLessThan(blob.length);
    }

    @Test
    void aDescriptorOverTheLayerLimitFailsBeforeAnyRequest(OciRegistry registry, @TempDir Path dir) {
        byte[] blob = content();
        RegistryClient limited = RegistryClient.builder()
                .limits(RegistryLimits.defaults().with(RegistryLimit.LAYER_BYTES, 1000)).build();
        assertThatThrownBy(() -> limited.downloadBlob(pushed(registry, blob),
                Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, blob), dir.resolve("big")))
                .isInstanceOfSatisfying(RegistryLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(RegistryLimit.LAYER_BYTES));
        assertThat(limited.requestCount()).isZero();
        assertThat(dir.resolve("big")).doesNotExist();
    }

    @Test
    void aLayerSlowerThanTheRequestTimeoutIsGivenTimeForItsSize(@TempDir Path dir) throws Exception {
        byte[] blob = new byte[8 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(blob);
        Digest digest = Digest.sha256(blob);
        // A registry on a slow link: the 8 MiB come in 16 slices over about 1.6 s, past the 1 s timeout.
        try (LoopbackHttpServer slow = LoopbackHttpServer.start((exchange, n) -> {
            exchange.sendResponseHeaders(200, blob.length);
            OutputStream out = exchange.getResponseBody();
            int slice = blob.length / 16;
            for (int i = 0; i < 16; i++) {
                out.write(blob, i * slice, slice);
                out.flush();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        })) {
            RegistryClient client = RegistryClient.builder().insecureRegistries(List.of(slow.hostPort()))
                    .timeout(Duration.ofSeconds(1)).retryPolicy(RetryPolicy.none()).build();
            Path file = dir.resolve("slow-layer");

            client.downloadBlob(ImageReference.parse(slow.hostPort() + "/gkm/slow"),
                    new Descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, digest, blob.length, null, Map.of()), file);

            // 1 s plus 2 s for 8 MiB at 4 MiB/s (RegistryTransport.MIN_DOWNLOAD_BYTES_PER_SECOND).
            assertThat(Files.readAllBytes(file)).isEqualTo(blob);
        }
    }
}
