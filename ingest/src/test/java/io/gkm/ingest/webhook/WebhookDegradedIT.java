package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.Topics;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhook when Kafka is down: it still answers, in time. (An unreachable registry:
 * {@link DigestResolutionIT}.)
 */
class WebhookDegradedIT {
    private static final Duration AUDIT_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    /** A Kafka address where nothing listens. */
    private static String nowhere() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static RunningWebhook.Config kafkaDown(boolean auditRequired) throws Exception {
        return RunningWebhook.Config.of(nowhere(), new Topics()).withAudit(AUDIT_TIMEOUT, auditRequired);
    }

    private static JsonNode validate(RunningWebhook webhook, ObjectNode review) throws Exception {
        HttpResponse<String> response = webhook.post(Reviews.path(review, false), Reviews.JSON.writeValueAsBytes(review),
                "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        return Reviews.JSON.readTree(response.body()).path("response");
    }

    @Test
    void aDecisionKafkaDoesNotTakeIsAnsweredAsDecidedWithinTheAuditTimeoutAndCounted() throws Exception {
        try (RunningWebhook webhook = RunningWebhook.start(dir, kafkaDown(false))) {
            ObjectNode review = Reviews.createExample("namespace/21-gkmcache.yaml");
            validate(webhook, Reviews.createExample("namespace/21-gkmcache.yaml")); // connection and code warmed up

            long start = System.nanoTime();
            JsonNode response = validate(webhook, review);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isBetween(AUDIT_TIMEOUT, AUDIT_TIMEOUT.plusSeconds(1));
            assertThat(response.path("allowed").asBoolean()).isFalse();
            assertThat(response.path("status").path("message").asString())
                    .isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook");
            assertThat(webhook.get("/metrics").body()).contains(
                    "gkm_ingest_admissions_unrecorded_total{kind=\"GKMCache\",webhook=\"validate\"} 2.0");
        }
    }

    @Test
    void withAuditRequiredAnUnrecordedDecisionIsDenied() throws Exception {
        try (RunningWebhook webhook = RunningWebhook.start(dir, kafkaDown(true))) {
            ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");
            ((ObjectNode) review.path("request").path("object").path("metadata").path("annotations"))
                    .put("gkm.io/resolvedDigest", review.path("request").path("object").path("spec").path("image")
                            .asString().replaceAll(".*@", ""));

            JsonNode response = validate(webhook, review);

            assertThat(response.path("allowed").asBoolean()).isFalse();
            assertThat(response.path("status").path("message").asString())
                    .startsWith("the admission decision could not be recorded (Kafka did not acknowledge it within 300 ms")
                    .endsWith("GKM_AUDIT_REQUIRED=true denies unrecorded decisions");
        }
    }
}
