package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.Topics;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the webhook answers to what the API server never sends: a 4xx or an AdmissionReview error, never a 5xx or a hang. */
@WithKafka
class WebhookBadInputIT {
    private static final String VALIDATE = "/validate-gkm-io-v1alpha1-gkmcache";
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private RunningWebhook webhook;

    @BeforeEach
    void start(KafkaCluster kafka) throws Exception {
        Topics topics = new Topics(kafka.uniqueName("bad") + ".", 1, (short) 1);
        kafka.createTopics(topics.admissions(), topics.audit());
        webhook = RunningWebhook.start(dir, RunningWebhook.Config.of(kafka.bootstrapServers(), topics)
                .withTimeouts(BODY_TIMEOUT, Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() throws Exception {
        webhook.close();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return webhook.post(VALIDATE, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"apiVersion\":", "[]", "{\"request\":{\"uid\":42}}", "{\"kind\":\"AdmissionReview\"}"})
    void aBodyWithoutAReviewUidGetsAPlain400(String body) throws Exception {
        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(response.body()).isNotBlank();
    }

    @Test
    void aReviewOfAnotherVersionGetsAnErrorReviewForItsUid() throws Exception {
        ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");
        review.put("apiVersion", "admission.k8s.io/v1beta1");

        HttpResponse<String> response = post(Reviews.JSON.writeValueAsString(review));

        JsonNode answer = Reviews.JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(answer.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(answer.path("response").path("uid").asString()).isEqualTo(review.path("request").path("uid").asString());
        assertThat(answer.path("response").path("allowed").asBoolean()).isFalse();
        assertThat(answer.path("response").path("status").path("code").asInt()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/jsonp"})
    void aBodyThatIsNotJsonByContentTypeGets415(String contentType) throws Exception {
        HttpResponse<String> response = webhook.post(VALIDATE, "{}".getBytes(StandardCharsets.UTF_8), contentType);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains(contentType);
    }

    @Test
    void aBodyOverThreeMebibytesGets413WithoutBeingRead() throws Exception {
        RawHttps.Response response = RawHttps.send(TestTls.trusting(webhook.tls.certificate()), webhook.server.port(),
                "POST " + VALIDATE + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + (WebhookServer.MAX_BODY_BYTES + 1),
                "{".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.took()).isLessThan(BODY_TIMEOUT);
    }

    @Test
    void aSlowClientGets408WhileOthersAreServed() throws Exception {
        CompletableFuture<RawHttps.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttps.send(TestTls.trusting(webhook.tls.certificate()), webhook.server.port(),
                        "POST " + VALIDATE + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 1000", "{\"apiVersion\":".getBytes(StandardCharsets.US_ASCII),
                        Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpResponse<String> meanwhile = post(Reviews.JSON.writeValueAsString(
                Reviews.createExample("namespace/11-gkmcache.yaml")));

        RawHttps.Response response = slow.get();

        assertThat(meanwhile.statusCode()).isEqualTo(200);
        assertThat(response.status()).isEqualTo(408);
        assertThat(response.took()).isBetween(BODY_TIMEOUT.minusMillis(100), BODY_TIMEOUT.plusSeconds(2));
        assertThat(response.text()).containsIgnoringCase("connection: close");
    }

    @Test
    void otherMethodsAndPathsGetPlain4xx() throws Exception {
        assertThat(webhook.get(VALIDATE).statusCode()).isEqualTo(405);
        assertThat(webhook.get("/validate-gkm-io-v1alpha1-pod").statusCode()).isEqualTo(404);
        assertThat(webhook.post("/nowhere", "{}".getBytes(StandardCharsets.UTF_8), "application/json").statusCode())
                .isEqualTo(404);
    }

    @Test
    void rejectedRequestsAreCountedByReason() throws Exception {
        post("not json");
        webhook.post(VALIDATE, "{}".getBytes(StandardCharsets.UTF_8), "text/plain");

        String metrics = webhook.get("/metrics").body();

        assertThat(metrics).contains("gkm_ingest_webhook_rejected_total{reason=\"unreadable\"} 1.0");
        assertThat(metrics).contains("gkm_ingest_webhook_rejected_total{reason=\"unsupported-media-type\"} 1.0");
    }
}
