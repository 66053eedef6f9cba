package io.gkm.verifier.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.Outbound;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.Operation;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerificationRequest;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.sandbox.SandboxPolicies;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.SigningIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Which events the verifier stage verifies and what it writes for them. The verifier is real; the
 * verdicts here are decided before any registry request (no policy selects the resource).
 */
class VerificationHandlerTest {
    private static final Topics TOPICS = new Topics();
    private static final String KEY = "c1/team-a/GKMCache/llama";
    private static final Map<String, String> V3 = Map.of(SandboxPolicies.SIGNATURE_FORMAT_LABEL, "cosign-v3");

    private final Verifier verifier = Verifier.builder()
            .policies(List.of(SandboxPolicies.gkmCache(SignatureFormat.SIGSTORE_BUNDLE,
                    SigningIdentity.email("release@gkm.test", "https://oidc.gkm.test"))))
            .registry(RegistryClient.builder().build())
            .build();
    private final VerificationHandler handler = new VerificationHandler(verifier, Duration.ofSeconds(10), TOPICS);

    static ResourceEvent resource(ChangeType change, Map<String, String> labels, String spec) {
        return ResourceEvent.newBuilder()
                .setChangeType(change)
                .setResourceKey(KEY)
                .setKind("GKMCache")
                .setNamespace("team-a")
                .setName("llama")
                .setUid("uid-1")
                .setResourceVersion("42")
                .setGeneration(3)
                .setSpec(spec)
                .setLabels(labels)
                .setAnnotations(Map.of("kyverno.io/verify-images", "{}"))
                .setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();
    }

    private static Inbound inbound(String topic, SpecificRecord event) {
        CloudEventHeaders headers = new CloudEventHeaders("id-1", "/gkm/c1/ingest/i1", "io.gkm.resource.v1",
                Instant.ofEpochMilli(1_700_000_000_000L), KEY, "id-1");
        return new Inbound(topic, 0, 7, KEY, headers, event);
    }

    @Test
    void addedAndModifiedResourcesAreVerifiedAsTheWatchSawThem() {
        for (ChangeType change : List.of(ChangeType.ADDED, ChangeType.MODIFIED)) {
            VerificationRequest request = VerificationHandler.request(
                    resource(change, V3, "{\"image\":\"quay.io/gkm/cache:rocm\",\"extra\":[1]}")).orElseThrow();

            assertThat(request.cluster()).isEqualTo("c1");
            assertThat(request.resourceKey().toString()).isEqualTo(KEY);
            assertThat(request.resource().kind()).isEqualTo("GKMCache");
            assertThat(request.resource().namespace()).isEqualTo("team-a");
            assertThat(request.resource().labels()).isEqualTo(V3);
            assertThat(request.specImage()).contains("quay.io/gkm/cache:rocm");
            assertThat(request.resource().object().get("spec")).isEqualTo(Map.of("image", "quay.io/gkm/cache:rocm",
                    "extra", List.of(1)));
            assertThat(request.originalTag()).isEmpty();
        }
    }

    @Test
    void aClusterScopedResourceHasNoNamespace() {
        ResourceEvent cluster = ResourceEvent.newBuilder(resource(ChangeType.ADDED, Map.of(), "{\"image\":\"x\"}"))
                .setResourceKey("c1/_cluster/ClusterGKMCache/llama").setKind("ClusterGKMCache").setNamespace(null)
                .build();

        VerificationRequest request = VerificationHandler.request(cluster).orElseThrow();

        assertThat(request.resource().namespace()).isNull();
        assertThat(request.resourceKey().toString()).isEqualTo("c1/_cluster/ClusterGKMCache/llama");
    }

    @Test
    void aDeletedResourceIsNotVerifiedButAuditedAsSkipped() {
        ResourceEvent deleted = resource(ChangeType.DELETED, V3, "{\"image\":\"quay.io/gkm/cache:rocm\"}");

        assertThat(VerificationHandler.request(deleted)).isEmpty();
        Decision decision = handler.decide(inbound(TOPICS.resources(), deleted));

        assertThat(decision.outputs()).isEmpty();
        assertThat(decision.audits()).singleElement().satisfies(audit -> {
            assertThat(audit.outcome()).isEqualTo(VerificationHandler.SKIPPED);
            assertThat(audit.resourceKey()).isEqualTo(KEY);
            assertThat(audit.reason()).startsWith("deleted: nothing to verify");
        });
    }

    @ParameterizedTest
    @CsvSource({"ALLOWED, the stored object is verified from its ResourceEvent",
            "DENIED, 'nothing was stored, so there is nothing to verify'"})
    void anAdmissionIsNotVerifiedBecauseTheStoredObjectArrivesAsAResourceEvent(
            io.gkm.schemas.event.Decision admitted, String why) {
        AdmissionEvent admission = AdmissionEvent.newBuilder()
                .setRequestUid("req-1")
                .setOperation(Operation.CREATE)
                .setResourceKey(KEY)
                .setKind("GKMCache")
                .setUserName("alice")
                .setSubmittedObject("{}")
                .setMutatedObject("{}")
                .setDecision(admitted)
                .setReason("")
                .setTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .build();

        Decision decision = handler.decide(inbound(TOPICS.admissions(), admission));

        assertThat(decision.outputs()).isEmpty();
        assertThat(decision.audits()).singleElement().satisfies(audit -> {
            assertThat(audit.outcome()).isEqualTo(VerificationHandler.SKIPPED);
            assertThat(audit.reason()).isEqualTo("admission CREATE " + admitted + ": " + why);
        });
    }

    @Test
    void theVerdictGoesToVerificationsKeyedByTheResourceWithAnAuditOfItsOutcomeAndReason() {
        ResourceEvent unlabelled = resource(ChangeType.MODIFIED, Map.of(), "{\"image\":\"quay.io/gkm/cache:rocm\"}");

        Decision decision = handler.decide(inbound(TOPICS.resources(), unlabelled));

        Outbound out = decision.outputs().get(0);
        assertThat(decision.outputs()).hasSize(1);
        assertThat(out.topic()).isEqualTo(TOPICS.verifications());
        assertThat(out.key()).isEqualTo(KEY);
        VerificationResult result = (VerificationResult) out.event();
        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getResourceKey()).isEqualTo(KEY);
        assertThat(result.getReasons().get(0)).startsWith("no policy selects this resource: label "
                + SandboxPolicies.SIGNATURE_FORMAT_LABEL + " missing");
        AuditEntry audit = decision.audits().get(0);
        assertThat(decision.audits()).hasSize(1);
        assertThat(audit.action()).isEqualTo("verify");
        assertThat(audit.outcome()).isEqualTo("REJECTED");
        assertThat(audit.reason()).isEqualTo(result.getReasons().get(0));
        assertThat(audit.resourceKey()).isEqualTo(KEY);
        assertThat(audit.details()).containsEntry("image", "quay.io/gkm/cache:rocm")
                .containsEntry("resourceVersion", "42").containsEntry("generation", "3").containsEntry("uid", "uid-1")
                .containsEntry("signatureFormat", "NONE").doesNotContainKey("digest");
    }

    @Test
    void aSpecThatIsNotAJsonObjectIsRefusedWithTheResourceNamedSoTheLoopDeadLettersIt() {
        for (String spec : List.of("[1]", "null", "{not json")) {
            ResourceEvent broken = resource(ChangeType.ADDED, V3, spec);

            assertThatThrownBy(() -> handler.decide(inbound(TOPICS.resources(), broken)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("spec of " + KEY + " (resourceVersion 42) is not a JSON object: ");
        }
    }

    @Test
    void anotherEventTypeIsRefusedWithTheTopicNamed() {
        VerificationResult notInput = VerificationResult.newBuilder().setVerdict(Verdict.VERIFIED).setResourceKey(KEY)
                .setImage("x").setSignatureFormat(io.gkm.schemas.event.SignatureFormat.NONE).setPolicyName("")
                .setVerifiedAt(Instant.EPOCH).build();

        assertThatThrownBy(() -> handler.decide(inbound(TOPICS.verifications(), notInput)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the verifier reads ResourceEvents and AdmissionEvents; gkm.verifications gave it a "
                        + "io.gkm.schemas.event.VerificationResult");
    }

    @Test
    void theStageReadsAdmissionsAndResources() {
        assertThat(VerificationHandler.inputs(TOPICS)).containsExactly("gkm.admissions", "gkm.resources");
    }
}
