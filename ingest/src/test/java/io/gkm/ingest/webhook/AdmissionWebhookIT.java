package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.ingest.admission.GkmExamples;
import io.gkm.core.image.ImageReference;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.Decision;
import io.gkm.schemas.event.Operation;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GKM's examples through the real HTTPS webhook as the API server drives it (mutate, apply the
 * patch, validate), with every decision recorded on a real broker.
 */
@WithKafka
class AdmissionWebhookIT {
    @TempDir
    Path dir;

    private KafkaCluster kafka;
    private Topics topics;
    private RunningWebhook webhook;

    @BeforeEach
    void start(KafkaCluster kafka) throws Exception {
        this.kafka = kafka;
        topics = new Topics(kafka.uniqueName("it") + ".", 3, (short) 1);
        kafka.createTopics(3, topics.admissions(), topics.audit());
        webhook = RunningWebhook.start(dir, RunningWebhook.Config.of(kafka.bootstrapServers(), topics));
    }

    @AfterEach
    void stop() throws Exception {
        webhook.close();
    }

    private JsonNode post(JsonNode review, boolean mutating) throws Exception {
        HttpResponse<String> response = webhook.post(Reviews.path(review, mutating),
                Reviews.JSON.writeValueAsBytes(review), "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return Reviews.JSON.readTree(response.body());
    }

    /** Mutate, apply the patch, validate: what the API server does with GKM's two webhooks. */
    private JsonNode admit(ObjectNode review) throws Exception {
        JsonNode mutation = post(review, true);
        assertThat(mutation.path("response").path("allowed").asBoolean()).isTrue();
        ObjectNode validation = review.deepCopy();
        ((ObjectNode) validation.path("request")).set("object", Reviews.patchedObject(review, mutation));
        return post(validation, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespace/11-gkmcache.yaml", "namespace/12-gkmcache-cosign-v3.yaml"})
    void labelledExamplesAreAdmittedWithTheDigestKyvernoPinned(String example) throws Exception {
        ObjectNode review = Reviews.createExample(example);
        String image = review.path("request").path("object").path("spec").path("image").asString();

        JsonNode mutation = post(review, true);
        JsonNode validation = admit(review);

        JsonNode admitted = Reviews.patchedObject(review, mutation);
        assertThat(admitted.path("metadata").path("annotations").path("gkm.io/resolvedDigest").asString())
                .isEqualTo(ImageReference.parse(image).digest().orElseThrow().toString());
        assertThat(validation.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(validation.path("response").path("uid").asString())
                .isEqualTo(review.path("request").path("uid").asString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        namespace/21-gkmcache.yaml                | gkm.io/resolvedDigest must be set by mutating webhook
        cluster/11-clustergkmcache.yaml           | gkm.io/resolvedDigest must be set by mutating webhook
        cluster/12-clustergkmcache-cosign-v3.yaml | gkm.io/resolvedDigest must be set by mutating webhook
        """)
    void examplesKyvernoDoesNotVerifyAreDenied(String example, String message) throws Exception {
        JsonNode validation = admit(Reviews.createExample(example));

        JsonNode response = validation.path("response");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(response.path("status").path("message").asString()).isEqualTo(message);
    }

    @Test
    void aForgedAnnotationIsDeniedThroughTheWebhook() throws Exception {
        ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");
        ((ObjectNode) review.path("request").path("object").path("metadata").path("annotations"))
                .put("kyverno.io/verify-images", "{}");

        JsonNode validation = admit(review);

        assertThat(validation.path("response").path("status").path("message").asString())
                .isEqualTo("kyverno verification failed: kyverno.io/verify-images has no entries: Kyverno verified no image");
    }

    @Test
    void everyDecisionBecomesAnAdmissionEventAndAnAuditEventOnTheBroker() throws Exception {
        ObjectNode allowed = Reviews.createExample("namespace/11-gkmcache.yaml");
        ObjectNode denied = Reviews.createExample("namespace/21-gkmcache.yaml");
        admit(allowed);
        admit(denied);

        List<ConsumerRecord<byte[], byte[]>> admissions = TopicContents.readAll(
                kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.admissions());
        List<ConsumerRecord<byte[], byte[]>> audits = TopicContents.readAll(
                kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.audit());

        assertThat(admissions).hasSize(4);
        assertThat(audits).hasSize(4);
        Map<String, ConsumerRecord<byte[], byte[]>> auditByCause = audits.stream().collect(Collectors.toMap(
                r -> decode(r, AuditEvent.class).getCauseEventId(), Function.identity()));
        for (ConsumerRecord<byte[], byte[]> record : admissions) {
            AdmissionEvent event = decode(record, AdmissionEvent.class);
            String eventId = header(record, CloudEventHeaders.ID);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(event.getResourceKey());
            assertThat(header(record, CloudEventHeaders.CORRELATION_ID)).isEqualTo(eventId);
            assertThat(event.getOperation()).isEqualTo(Operation.CREATE);
            assertThat(event.getUserName()).isEqualTo("kubernetes-admin");
            assertThat(event.getSubmittedObject()).contains("vector-add-cache-rocm");
            AuditEvent audit = decode(auditByCause.get(eventId), AuditEvent.class);
            assertThat(audit.getCorrelationId()).isEqualTo(eventId);
            assertThat(audit.getStage()).isEqualTo("ingest");
            assertThat(audit.getAction()).isEqualTo("admit");
            assertThat(audit.getOutcome()).isEqualTo(event.getDecision().name());
            assertThat(audit.getResourceKey()).isEqualTo(event.getResourceKey());
            assertThat(audit.getDetails()).containsEntry("uid", event.getRequestUid());
        }
        List<AdmissionEvent> events = admissions.stream().map(r -> decode(r, AdmissionEvent.class)).toList();
        String allowedUid = allowed.path("request").path("uid").asString();
        String deniedUid = denied.path("request").path("uid").asString();
        assertThat(events).filteredOn(e -> e.getRequestUid().equals(allowedUid))
                .extracting(AdmissionEvent::getDecision).containsOnly(Decision.ALLOWED);
        assertThat(events).filteredOn(e -> e.getRequestUid().equals(allowedUid) && e.getMutatedObject() != null)
                .singleElement().satisfies(e -> {
                    assertThat(e.getMutatedObject()).contains("gkm.io/resolvedDigest");
                    assertThat(e.getKyvernoAnnotation()).startsWith("{\"quay.io/gkm/cache-examples@sha256:");
                    assertThat(e.getResourceKey()).isEqualTo("test/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1");
                });
        assertThat(events).filteredOn(e -> e.getRequestUid().equals(deniedUid))
                .extracting(AdmissionEvent::getDecision).containsExactly(Decision.ALLOWED, Decision.DENIED);
        assertThat(events).filteredOn(e -> e.getDecision() == Decision.DENIED).singleElement()
                .satisfies(e -> assertThat(e.getReason()).isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook"));
    }

    @Test
    void decisionsAreCountedInMetrics() throws Exception {
        admit(Reviews.createExample("namespace/11-gkmcache.yaml"));

        HttpResponse<String> metrics = webhook.get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("gkm_ingest_admissions_total{check=\"NONE\",decision=\"allowed\",kind=\"GKMCache\",webhook=\"validate\"} 1.0");
        assertThat(metrics.body()).contains("gkm_ingest_admission_duration_seconds_count");
    }

    @Test
    void aPodIsNotAKindTheWebhookAdmits() throws Exception {
        ObjectNode review = Reviews.create(GkmExamples.asKyvernoLeavesIt(readExample("namespace/12-pod.yaml")));
        ((ObjectNode) review.path("request").path("kind")).put("group", "").put("version", "v1");

        HttpResponse<String> response = webhook.post("/validate-gkm-io-v1alpha1-gkmcache",
                Reviews.JSON.writeValueAsBytes(review), "application/json");

        JsonNode answer = Reviews.JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(answer.path("response").path("uid").asString()).isEqualTo(review.path("request").path("uid").asString());
        assertThat(answer.path("response").path("allowed").asBoolean()).isFalse();
        assertThat(answer.path("response").path("status").path("code").asInt()).isEqualTo(400);
        assertThat(answer.path("response").path("status").path("message").asString()).contains("'Pod'");
    }

    @Test
    void healthAndReadinessAnswer() throws Exception {
        assertThat(webhook.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(webhook.get("/readyz").statusCode()).isEqualTo(200);
    }

    private static JsonNode readExample(String example) {
        return GkmExamples.read(example);
    }

    private static <T extends SpecificRecord> T decode(ConsumerRecord<byte[], byte[]> r, Class<T> type) {
        return EventCodec.INSTANCE.decode(r.topic(), r.value(), type);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
