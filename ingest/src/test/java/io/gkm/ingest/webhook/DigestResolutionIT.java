package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.config.GkmConfig;
import io.gkm.ingest.admission.GkmExamples;
import io.gkm.schemas.Topics;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithKafka;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.oci.RegistrySettings;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Kyverno verification disabled: the mutating webhook resolves {@code spec.image} in a real local
 * registry holding GKM's example image, through the real HTTPS webhook, as GKM does.
 */
@WithKafka
@WithOciRegistry
class DigestResolutionIT {
    private static final String TAG = "vector-add-cache-rocm";
    private static String repository;
    private static String pushedDigest;

    @TempDir
    Path dir;

    private RunningWebhook webhook;
    private RegistryDigestResolver resolver;

    @BeforeAll
    static void pushGkmExampleImage(OciRegistry registry) {
        repository = registry.uniqueRepository("gkm/cache-examples");
        registry.pushDockerArchive(Fixtures.path("gkm/mcv/example/vector-add-cache-rocm.tar"), repository, TAG);
        pushedDigest = registry.resolve(repository, TAG).orElseThrow();
    }

    @BeforeEach
    void start(KafkaCluster kafka) throws Exception {
        Topics topics = new Topics(kafka.uniqueName("resolve") + ".", 1, (short) 1);
        kafka.createTopics(1, topics.admissions(), topics.audit());
        Path dockerConfig = Files.writeString(dir.resolve("config.json"), "{\"auths\":{}}");
        GkmConfig config = GkmConfig.load(RegistrySettings.all(),
                Map.of(RegistrySettings.REGISTRY_AUTH_FILE.envVar(), dockerConfig.toString()), Map.of(), Map.of(), Set.of());
        resolver = RegistryDigestResolver.fromConfig(config);
        webhook = RunningWebhook.start(dir, RunningWebhook.Config.of(kafka.bootstrapServers(), topics)
                .resolvingTagsWith(resolver));
    }

    @AfterEach
    void stop() throws Exception {
        webhook.close();
        resolver.close();
    }

    private static ObjectNode creating(String image) {
        JsonNode cache = GkmExamples.read("namespace/11-gkmcache.yaml");
        ((ObjectNode) cache.path("spec")).put("image", image);
        return Reviews.create(cache);
    }

    private JsonNode post(ObjectNode review, boolean mutating) throws Exception {
        HttpResponse<String> http = webhook.post(Reviews.path(review, mutating), Reviews.JSON.writeValueAsBytes(review),
                "application/json");
        assertThat(http.statusCode()).isEqualTo(200);
        return Reviews.JSON.readTree(http.body());
    }

    @Test
    void theTagOfGkmsExampleImageIsResolvedInTheRegistryAndSetAsTheResolvedDigest(OciRegistry registry)
            throws Exception {
        ObjectNode review = creating(registry.hostPort() + "/" + repository + ":" + TAG);

        JsonNode mutation = post(review, true);
        JsonNode admitted = Reviews.patchedObject(review, mutation);
        ObjectNode validation = review.deepCopy();
        ((ObjectNode) validation.path("request")).set("object", admitted);
        JsonNode validated = post(validation, false);

        assertThat(mutation.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(admitted.path("metadata").path("annotations").path("gkm.io/resolvedDigest").asString())
                .isEqualTo(pushedDigest).startsWith("sha256:");
        assertThat(validated.path("response").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void aPinnedDigestTheRegistryHoldsResolvesToItself(OciRegistry registry) throws Exception {
        ObjectNode review = creating(registry.hostPort() + "/" + repository + ":" + TAG + "@" + pushedDigest);

        JsonNode admitted = Reviews.patchedObject(review, post(review, true));

        assertThat(admitted.path("metadata").path("annotations").path("gkm.io/resolvedDigest").asString())
                .isEqualTo(pushedDigest);
    }

    @Test
    void anUnknownTagIsABadRequestSayingTheRegistryDoesNotHaveIt(OciRegistry registry) throws Exception {
        String image = registry.hostPort() + "/" + repository + ":no-such-tag";

        JsonNode response = post(creating(image), true).path("response");

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(400);
        assertThat(response.path("status").path("message").asString())
                .startsWith("image digest resolution failed for '" + image + "': ")
                .contains("not found", "check the repository, tag or digest");
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void anUnreachableRegistryIsABadRequestWithinTheBudget() throws Exception {
        String image = nowhere() + "/gkm/cache-examples:" + TAG;

        long start = System.nanoTime();
        JsonNode response = post(creating(image), true).path("response");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(400);
        assertThat(response.path("status").path("message").asString())
                .startsWith("image digest resolution failed for '" + image + "': ")
                .contains("is unavailable", "Check that the registry is up and reachable");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    /** A loopback address where nothing listens. */
    private static String nowhere() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }
}
