package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.image.ImageReference;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** A built MCV image pushed by our client to the real registry, and read back by skopeo and by us. */
@WithOciRegistry
class McvImageBuilderIT {
    private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    @Test
    void pushedImageResolvesToItsDigestAndSkopeoReadsItsLabels(OciRegistry registry) throws Exception {
        RegistryClient client = RegistryClient.builder().build();
        McvImage image = McvImageBuilder.create()
                .kernel("add_kernel", new McvLabels.Target("hip", "gfx90a", 64))
                .kernel("softmax_kernel", new McvLabels.Target("hip", "gfx942", 64))
                .build();
        String repository = registry.uniqueRepository("gkm/demo-cache");
        PushedImage pushed = image.push(client, ImageReference.parse(registry.hostPort() + "/" + repository + ":rocm"));

        assertThat(pushed.repository()).isEqualTo(repository);
        assertThat(pushed.tag()).isEqualTo("rocm");
        assertThat(pushed.digest()).isEqualTo(image.digest());
        assertThat(registry.resolve(repository, "rocm")).contains(image.digest().toString());
        assertThat(client.resolve(pushed.byTag())).isEqualTo(image.digest());

        JsonNode inspected = skopeoInspect(registry.hostPort() + "/" + repository + ":rocm");
        assertThat(inspected.path("Digest").asText()).isEqualTo(image.digest().toString());
        Map<String, String> skopeoLabels = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = inspected.path("Labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            skopeoLabels.put(e.getKey(), e.getValue().asText());
        }
        assertThat(skopeoLabels).isEqualTo(image.labels().toLabels());
        assertThat(McvLabels.fromLabels(skopeoLabels).orElseThrow().entryCount()).isEqualTo(2);
    }

    @Test
    void whatIsFetchedBackIsTheLayoutThatWasBuilt(OciRegistry registry) {
        RegistryClient client = RegistryClient.builder().build();
        McvImage image = McvImageBuilder.create().build();
        PushedImage pushed = image.push(client, ImageReference.parse(registry.hostPort() + "/"
                + registry.uniqueRepository("gkm/demo-cache") + ":rocm"));

        Manifest manifest = client.fetchManifest(pushed.byDigest());
        ImageConfig config = client.fetchImageConfig(pushed.byTag(), manifest);
        assertThat(McvLabels.fromLabels(config.labels())).contains(image.labels());
        byte[] layer = registry.fetchBlob(pushed.repository(), manifest.layers().get(0).digest().toString()).orElseThrow();
        assertThat(TarFiles.topLevel(TarFiles.gunzipAndRead(layer))).containsExactly("io.triton.cache", "io.triton.manifest");
    }

    private static JsonNode skopeoInspect(String reference) throws IOException, InterruptedException {
        if (!Files.isExecutable(SKOPEO)) {
            throw new AssertionFailedError(SKOPEO + " is missing; install it: apt-get install -y skopeo");
        }
        Path out = Files.createTempFile("gkm-skopeo-inspect-", ".json");
        Path err = Files.createTempFile("gkm-skopeo-inspect-", ".err");
        try {
            Process process = new ProcessBuilder(List.of(SKOPEO.toString(), "inspect", "--tls-verify=false",
                    "docker://" + reference)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionFailedError("skopeo inspect did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionFailedError("skopeo inspect " + reference + " failed: " + Files.readString(err));
            }
            return new ObjectMapper().readTree(Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
