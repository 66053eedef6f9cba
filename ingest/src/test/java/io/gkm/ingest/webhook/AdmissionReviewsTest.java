package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.ingest.admission.AdmissionDecision;
import io.gkm.ingest.admission.AnnotationChange;
import io.gkm.ingest.admission.ImageChange;
import io.gkm.ingest.admission.ObjectChange;
import io.gkm.ingest.admission.CacheKind;
import io.gkm.ingest.admission.Check;
import io.gkm.schemas.event.Operation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class AdmissionReviewsTest {
    private static final WebhookPath VALIDATE_GKMCACHE = new WebhookPath(CacheKind.GKM_CACHE, false);
    private static final String DIGEST = "sha256:bf6f7ea60274882031ad81434aa9c9ac0e4ff280cd1513db239dbbd705b6511c";

    private static ParsedReview parse(String body) {
        return AdmissionReviews.parse(body.getBytes(StandardCharsets.UTF_8), VALIDATE_GKMCACHE, "prod");
    }

    private static ParsedReview parse(JsonNode review) {
        return parse(Reviews.JSON.writeValueAsString(review));
    }

    @Test
    void readsAnExampleCreateAsTheApiServerSendsIt() {
        ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");

        AdmissionCall call = ((ParsedReview.Call) parse(review)).call();

        assertThat(call.uid()).isEqualTo(review.path("request").path("uid").asString());
        assertThat(call.operation()).isEqualTo(Operation.CREATE);
        assertThat(call.resourceKey()).hasToString("prod/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1");
        assertThat(call.userName()).isEqualTo("kubernetes-admin");
        assertThat(call.userGroups()).containsExactly("kubeadm:cluster-admins", "system:authenticated");
        assertThat(call.cache().image()).startsWith("quay.io/gkm/cache-examples:vector-add-cache-rocm@sha256:");
        assertThat(call.oldCache()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "{}", "{\"request\": 1}", "{\"request\": {}}",
        "{\"request\": {\"uid\": 7}}", "{\"request\": {\"uid\": \"\"}}", "{\"request\": {\"uid\": \"u\"}} trailing"})
    void withoutAUidThereIsNothingToAnswerInAReview(String body) {
        assertThat(parse(body)).isInstanceOf(ParsedReview.Unreadable.class);
    }

    @Test
    void refusesAnotherApiVersionWithTheUid() {
        ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");
        review.put("apiVersion", "admission.k8s.io/v1beta1");

        ParsedReview parsed = parse(review);

        assertThat(parsed).isEqualTo(new ParsedReview.Refused(review.path("request").path("uid").asString(),
                "expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got 'admission.k8s.io/v1beta1' and 'AdmissionReview'"));
    }

    @Test
    void refusesAKindTheWebhookDoesNotAdmit() {
        ObjectNode review = Reviews.createExample("cluster/11-clustergkmcache.yaml");

        ParsedReview parsed = parse(review);

        assertThat(((ParsedReview.Refused) parsed).reason())
                .isEqualTo("/validate-gkm-io-v1alpha1-gkmcache admits gkm.io/v1alpha1 GKMCache, not 'gkm.io/v1alpha1' 'ClusterGKMCache'");
    }

    @Test
    void refusesAnObjectWhoseImageIsNotAString() {
        ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");
        ((ObjectNode) review.path("request").path("object").path("spec")).put("image", 42);

        ParsedReview parsed = parse(review);

        assertThat(((ParsedReview.Refused) parsed).reason()).isEqualTo("request.object: spec.image must be a string, not number");
    }

    @Test
    void refusesAnUnknownOperation() {
        ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");
        ((ObjectNode) review.path("request")).put("operation", "PATCH");

        assertThat(((ParsedReview.Refused) parse(review)).reason()).contains("'PATCH'");
    }

    @Test
    void namesAGenerateNameObjectByItsPrefix() {
        ObjectNode review = Reviews.createExample("namespace/11-gkmcache.yaml");
        ((ObjectNode) review.path("request")).remove("name");
        ObjectNode metadata = (ObjectNode) review.path("request").path("object").path("metadata");
        metadata.remove("name");
        metadata.put("generateName", "cache-");

        AdmissionCall call = ((ParsedReview.Call) parse(review)).call();

        assertThat(call.resourceKey().name()).isEqualTo("cache-*");
    }

    @Test
    void answersADenialAsControllerRuntimeDoes() {
        JsonNode review = Reviews.JSON.readTree(AdmissionReviews.answer("u-1",
                AdmissionDecision.deny(Check.IMAGE_MISSING, "spec.image must be set"), null));

        assertThat(review.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("kind").asString()).isEqualTo("AdmissionReview");
        JsonNode response = review.path("response");
        assertThat(response.path("uid").asString()).isEqualTo("u-1");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(response.path("status").path("reason").asString()).isEqualTo("Forbidden");
        assertThat(response.path("status").path("message").asString()).isEqualTo("spec.image must be set");
        assertThat(response.has("patch")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespace/11-gkmcache.yaml", "namespace/21-gkmcache.yaml"})
    void thePatchSetsTheAnnotationWhetherAnnotationsExistOrAreNull(String example) {
        ObjectNode review = Reviews.createExample(example);
        JsonNode object = review.path("request").path("object");
        AnnotationChange change = AnnotationChange.set("gkm.io/resolvedDigest", DIGEST);

        JsonNode answer = Reviews.JSON.readTree(AdmissionReviews.answer("u", AdmissionDecision.allowWith(change), object));
        JsonNode patched = Reviews.patchedObject(review, answer);

        assertThat(answer.path("response").path("patchType").asString()).isEqualTo("JSONPatch");
        assertThat(patched.path("metadata").path("annotations").path("gkm.io/resolvedDigest").asString()).isEqualTo(DIGEST);
        assertThat(patched).isEqualTo(AdmissionReviews.patched(object, List.of(change)));
    }

    @Test
    void thePatchRemovesAnAnnotationWithASlashInItsKey() {
        ObjectNode object = Reviews.JSON.createObjectNode();
        object.putObject("metadata").putObject("annotations").put("gkm.io/resolvedDigest", DIGEST).put("keep", "me");
        ObjectNode review = Reviews.create(object);
        AnnotationChange change = AnnotationChange.remove("gkm.io/resolvedDigest");

        String patch = new String(Base64.getDecoder().decode(Reviews.JSON.readTree(AdmissionReviews.answer("u",
                AdmissionDecision.allowWith(change), object)).path("response").path("patch").asString()), StandardCharsets.UTF_8);
        JsonNode patched = Reviews.patchedObject(review, Reviews.JSON.readTree(AdmissionReviews.answer("u",
                AdmissionDecision.allowWith(change), object)));

        assertThat(patch).contains("/metadata/annotations/gkm.io~1resolvedDigest");
        assertThat(patched.path("metadata").path("annotations").propertyNames()).containsExactly("keep");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cluster/11-clustergkmcache.yaml", "namespace/21-gkmcache.yaml"})
    void aVerifiedImageIsPinnedInSpecImageAndItsDigestAnnotatedByOnePatch(String example) {
        ObjectNode review = Reviews.createExample(example);
        JsonNode object = review.path("request").path("object");
        String pinned = object.path("spec").path("image").asString() + "@" + DIGEST;
        List<ObjectChange> changes = List.of(new ImageChange(pinned), AnnotationChange.set("gkm.io/resolvedDigest", DIGEST));

        JsonNode patched = Reviews.patchedObject(review, Reviews.JSON.readTree(AdmissionReviews.answer("u",
                AdmissionDecision.allowWith(changes, "image verified"), object)));

        assertThat(patched.path("spec").path("image").asString()).isEqualTo(pinned);
        assertThat(patched.path("metadata").path("annotations").path("gkm.io/resolvedDigest").asString()).isEqualTo(DIGEST);
        assertThat(patched).isEqualTo(AdmissionReviews.patched(object, changes));
    }
}
