package io.gkm.cli.demo;

import io.fabric8.zjsonpatch.JsonPatch;
import io.gkm.cli.demo.DemoResources.DemoResource;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageFailedException;
import io.gkm.ingest.admission.CacheKind;
import io.gkm.ingest.watch.PublishedState;
import io.gkm.ingest.watch.ResourcePublisher;
import io.gkm.ingest.watch.ResourceSnapshot;
import io.gkm.ingest.watch.WatchScope;
import io.gkm.ingest.watch.WatchSignal;
import io.gkm.ingest.watch.WatchStateTopic;
import io.gkm.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The parts of a kube-apiserver the demo needs, since it runs without one: for each create it
 * sends GKM's webhooks what the API server sends (an AdmissionReview over HTTPS to the mutating
 * path, applies the JSON Patch it answers, then the validating path), stores an admitted object
 * (uid, resourceVersion, generation) and tells it to ingest's watch publisher as an informer
 * would, so the real publisher writes its ResourceEvent to gkm.resources. A refused object is
 * never stored, as in Kubernetes.
 */
final class SimulatedApiServer implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What the API server made of one create.
     *
     * @param message the webhook's last message (why it allowed or refused)
     * @param stored the object as stored, null when refused
     */
    record Admission(DemoResource resource, boolean allowed, String message, JsonNode stored) {
        String uid() {
            return stored == null ? "" : stored.path("metadata").path("uid").asString();
        }
    }

    private final HttpClient https;
    private final URI webhook;
    private final String cluster;
    private final ResourcePublisher publisher;
    private long resourceVersion = 1000;

    private SimulatedApiServer(HttpClient https, URI webhook, String cluster, ResourcePublisher publisher) {
        this.https = https;
        this.webhook = webhook;
        this.cluster = cluster;
        this.publisher = publisher;
    }

    /**
     * Calls the webhook on {@code https://localhost:<port>} trusting only {@code certificate}, and
     * publishes what it stores through a watch publisher of ingest on {@code topics}.
     */
    static SimulatedApiServer start(X509Certificate certificate, int port, String cluster, KafkaClientFactory kafka,
            Topics topics, Emitter emitter, Duration transactionTimeout, Duration retryBackoff) {
        try (Admin admin = kafka.admin("gkm-demo-watch-admin")) {
            new TopicAdmin(admin).create(List.of(WatchStateTopic.spec(topics)));
        }
        KafkaProducer<String, byte[]> producer = kafka.transactionalProducer("gkm-ingest-watch-" + cluster,
                (int) transactionTimeout.toMillis());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        // A fresh demo has published nothing yet.
        ResourcePublisher publisher = new ResourcePublisher(producer, emitter, topics,
                new PublishedState(new WatchScope(cluster, Set.of()), Map.of()), Clock.systemUTC(), retryBackoff);
        return new SimulatedApiServer(trusting(certificate), URI.create("https://localhost:" + port), cluster,
                publisher);
    }

    /** Mutate, patch, validate; stores and publishes the object when both webhooks allow it. */
    Admission create(DemoResource resource) throws IOException, InterruptedException {
        ObjectNode object = resource.object().deepCopy();
        CacheKind kind = CacheKind.of("gkm.io", "v1alpha1", resource.kind()).orElseThrow();
        JsonNode mutation = call(kind.mutatePath(), review(object));
        if (!mutation.path("allowed").asBoolean(false)) {
            return new Admission(resource, false, message(mutation), null);
        }
        JsonNode mutated = patched(object, mutation);
        JsonNode validation = call(kind.validatePath(), review((ObjectNode) mutated));
        if (!validation.path("allowed").asBoolean(false)) {
            return new Admission(resource, false, message(validation), null);
        }
        ObjectNode stored = store((ObjectNode) mutated.deepCopy());
        publisher.accept(new WatchSignal.Upserted(snapshot(resource, stored)));
        String message = message(mutation).isEmpty() ? message(validation) : message(mutation);
        return new Admission(resource, true, message, stored);
    }

    /** Why the watch publisher stopped on its own, if it did (fenced, not authorised). */
    Optional<StageFailedException> failure() {
        return publisher.failure();
    }

    private ObjectNode store(ObjectNode object) {
        ObjectNode metadata = (ObjectNode) object.path("metadata");
        metadata.put("uid", UUID.randomUUID().toString());
        metadata.put("resourceVersion", Long.toString(++resourceVersion));
        metadata.put("generation", 1);
        metadata.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return object;
    }

    private ResourceSnapshot snapshot(DemoResource resource, JsonNode stored) {
        JsonNode metadata = stored.path("metadata");
        return new ResourceSnapshot(resource.key(cluster), metadata.path("uid").asString(),
                metadata.path("resourceVersion").asString(), metadata.path("generation").asLong(),
                stored.path("spec").toString(), strings(metadata.path("labels")), strings(metadata.path("annotations")));
    }

    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    /** An AdmissionReview of a CREATE by a cluster admin, as the API server sends it. */
    private static ObjectNode review(ObjectNode object) {
        String kind = object.path("kind").asString();
        ObjectNode review = DemoResources.JSON.createObjectNode()
                .put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", UUID.randomUUID().toString());
        ObjectNode gvk = request.putObject("kind").put("group", "gkm.io").put("version", "v1alpha1").put("kind", kind);
        ObjectNode resource = request.putObject("resource").put("group", "gkm.io").put("version", "v1alpha1")
                .put("resource", kind.toLowerCase(Locale.ROOT) + "s");
        request.set("requestKind", gvk.deepCopy());
        request.set("requestResource", resource.deepCopy());
        request.put("name", object.path("metadata").path("name").asString());
        if (object.path("metadata").has("namespace")) {
            request.put("namespace", object.path("metadata").path("namespace").asString());
        }
        request.put("operation", "CREATE");
        request.putObject("userInfo").put("username", "kubernetes-admin").putArray("groups")
                .add("kubeadm:cluster-admins").add("system:authenticated");
        request.set("object", object);
        request.putNull("oldObject");
        request.put("dryRun", false);
        request.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions");
        return review;
    }

    /** The webhook's {@code response}; an answer other than 200 with a review is an error, as it fails the create. */
    private JsonNode call(String path, ObjectNode review) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(webhook.resolve(path)).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(DemoResources.JSON.writeValueAsBytes(review))).build();
        HttpResponse<String> answer = https.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("the webhook answered " + path + " with HTTP " + answer.statusCode() + ": "
                    + answer.body());
        }
        return DemoResources.JSON.readTree(answer.body()).path("response");
    }

    /** The object after the response's JSON Patch, applied as the API server applies it. */
    private static JsonNode patched(JsonNode object, JsonNode response) {
        if (!response.hasNonNull("patch")) {
            return object;
        }
        JsonNode operations = DemoResources.JSON.readTree(Base64.getDecoder().decode(response.path("patch").asString()));
        return JsonPatch.apply(operations, object);
    }

    private static String message(JsonNode response) {
        return response.path("status").path("message").asString("");
    }

    private static HttpClient trusting(X509Certificate certificate) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("webhook", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a TLS context trusting the webhook's certificate: "
                    + e.getMessage(), e);
        }
    }

    /** Publishes what was stored, then closes the publisher. */
    @Override
    public void close() {
        publisher.close();
    }
}
