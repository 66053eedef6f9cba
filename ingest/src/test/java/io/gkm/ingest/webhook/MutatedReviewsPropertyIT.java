package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.ingest.admission.GkmExamples;
import io.gkm.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * GKM's example requests, spoilt at random (fields dropped, retyped, nested, duplicated; bytes
 * corrupted), sent to the real webhook over HTTPS with decisions recorded on a real broker: every
 * one is answered within a second, never with a 5xx, and with a well-formed AdmissionReview for
 * its uid whenever it still has one.
 *
 * <p>jqwik runs outside JUnit Jupiter, so {@code @WithKafka} cannot reach it: the broker comes from
 * Kafka's own test kit directly.
 */
class MutatedReviewsPropertyIT {
    /** Nests deeper than this are meant to hit the parser's depth limit. */
    private static final int DEEP_NEST = 399;

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);
    /** How the API server (Go) and the webhook read JSON: the last of duplicate members wins. */
    private static final JsonMapper GO_LIKE = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private static KafkaClusterTestKit kafka;
    private static Path dir;
    private static RunningWebhook webhook;
    private static List<Map.Entry<String, ObjectNode>> requests;

    @BeforeContainer
    static void start() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBootstrapMetadataVersion(MetadataVersion.latestProduction()).build()).build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        Topics topics = new Topics("fuzz.", 1, (short) 1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.admissions(), 1, (short) 1),
                    new NewTopic(topics.audit(), 1, (short) 1))).all().get();
        }
        dir = Files.createTempDirectory("gkm-webhook-fuzz");
        webhook = RunningWebhook.start(dir, RunningWebhook.Config.of(kafka.bootstrapServers(), topics));
        requests = exampleRequests();
        for (Map.Entry<String, ObjectNode> r : requests) {
            send(r.getKey(), Reviews.JSON.writeValueAsBytes(r.getValue())); // warm up code paths and the connection
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        webhook.close();
        kafka.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Create, update and delete requests of every GKM cache example, to both webhooks of its kind. */
    private static List<Map.Entry<String, ObjectNode>> exampleRequests() {
        List<Map.Entry<String, ObjectNode>> out = new ArrayList<>();
        for (String example : List.of("namespace/11-gkmcache.yaml", "namespace/12-gkmcache-cosign-v3.yaml",
                "namespace/21-gkmcache.yaml", "cluster/11-clustergkmcache.yaml", "cluster/12-clustergkmcache-cosign-v3.yaml")) {
            JsonNode admitted = GkmExamples.asKyvernoLeavesIt(GkmExamples.read(example));
            ObjectNode relabelled = (ObjectNode) admitted.deepCopy();
            ((ObjectNode) relabelled.path("metadata")).putObject("labels").put("team", "a");
            ObjectNode create = Reviews.create(admitted);
            ObjectNode update = Reviews.update(admitted, relabelled);
            ObjectNode delete = Reviews.review(UUID.randomUUID().toString(), "DELETE", null, admitted);
            for (ObjectNode review : List.of(create, update, delete)) {
                out.add(Map.entry(Reviews.path(review, true), review));
                out.add(Map.entry(Reviews.path(review, false), review));
            }
        }
        return out;
    }

    private static HttpResponse<String> send(String path, byte[] body) throws Exception {
        return webhook.post(path, body, "application/json");
    }

    @Property(tries = 400, edgeCases = EdgeCasesMode.MIXIN)
    void everySpoiltRequestGetsAPromptWellFormedAnswer(@ForAll("requestIndex") int request,
                                                      @ForAll("edits") List<ReviewMutations.Edit> edits,
                                                      @ForAll("corruption") ReviewMutations.Corruption corruption) throws Exception {
        Map.Entry<String, ObjectNode> original = requests.get(request);
        byte[] body = ReviewMutations.apply(original.getValue(), edits, corruption);
        String uid = uidOf(body);
        Statistics.collect(uid != null ? "with uid" : "without uid");
        Statistics.coverage(coverage -> {
            coverage.check("with uid").percentage(p -> p > 30);
            coverage.check("without uid").percentage(p -> p > 10);
        });

        long start = System.nanoTime();
        HttpResponse<String> response = send(original.getKey(), body);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(ANSWER_WITHIN);
        assertThat(response.statusCode()).isLessThan(500);
        if (uid == null) {
            assertThat(response.statusCode()).isBetween(400, 499);
            return;
        }
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode review = Reviews.JSON.readTree(response.body());
        assertThat(review.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("kind").asString()).isEqualTo("AdmissionReview");
        JsonNode answer = review.path("response");
        assertThat(answer.path("uid").asString()).isEqualTo(uid);
        assertThat(answer.path("allowed").isBoolean()).isTrue();
        assertThat(answer.path("status").path("code").isInt()).isTrue();
        if (!answer.path("allowed").asBoolean()) {
            assertThat(answer.path("status").path("message").asString()).isNotBlank();
            assertThat(answer.has("patch")).isFalse();
        }
        if (answer.has("patch")) {
            assertThat(answer.path("patchType").asString()).isEqualTo("JSONPatch");
            assertThat(Reviews.JSON.readTree(Base64.getDecoder().decode(answer.path("patch").asString())).isArray())
                    .isTrue();
        }
    }

    /** The uid the request carries as a Go reader would see it; null when there is none. */
    private static String uidOf(byte[] body) {
        try {
            JsonNode uid = GO_LIKE.readTree(body).path("request").path("uid");
            return uid.isString() && !uid.stringValue().isEmpty() ? uid.stringValue() : null;
        } catch (JacksonException | NullPointerException e) {
            return null;
        }
    }

    @Provide
    Arbitrary<Integer> requestIndex() {
        return Arbitraries.integers().between(0, 29);
    }

    @Provide
    Arbitrary<List<ReviewMutations.Edit>> edits() {
        Arbitrary<Integer> seed = Arbitraries.integers();
        Arbitrary<ReviewMutations.Edit> drop = seed.map(ReviewMutations.Drop::new);
        Arbitrary<ReviewMutations.Edit> retype = Combinators.combine(seed, seed).as(ReviewMutations.Retype::new);
        Arbitrary<ReviewMutations.Edit> nest = Combinators.combine(seed,
                Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.integers().between(1, 20)),
                        Tuple.of(1, Arbitraries.integers().between(DEEP_NEST + 1, 1200))),
                Arbitraries.of(true, false)).as(ReviewMutations.Nest::new);
        Arbitrary<ReviewMutations.Edit> duplicate = Combinators.combine(seed, seed, Arbitraries.of(true, false))
                .as(ReviewMutations.Duplicate::new);
        // One deep nest is past Jackson's depth limit already; three would overflow this test's own
        // recursive writer (ReviewMutations.write) before the webhook saw anything.
        return Arbitraries.oneOf(drop, retype, nest, duplicate).list().ofMinSize(0).ofMaxSize(3)
                .filter(edits -> edits.stream().filter(e -> e instanceof ReviewMutations.Nest n
                        && n.depth() > DEEP_NEST).count() <= 1);
    }

    @Provide
    Arbitrary<ReviewMutations.Corruption> corruption() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(new ReviewMutations.Intact())),
                Tuple.of(1, bytes.map(ReviewMutations.RandomBytes::new)),
                Tuple.of(1, Combinators.combine(Arbitraries.integers(), bytes.filter(b -> b.length > 0))
                        .as(ReviewMutations.Splice::new)),
                Tuple.of(1, Arbitraries.integers().map(ReviewMutations.Truncate::new)));
    }
}
