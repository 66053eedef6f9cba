package io.gkm.verifier.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.stage.Decision;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ERROR verdict of a verification that had no verdict in time, and its audit. */
class BoundedVerificationTest {
    private static final String KEY = "c1/team-a/GKMCache/llama";

    @Test
    void theReasonSaysNoVerdictCameWithinTheTimeoutAndNamesTheSetting() {
        assertThat(BoundedVerification.timedOut(Duration.ofSeconds(10)))
                .isEqualTo("no verdict within 10000 ms (GKM_VERIFY_TIMEOUT): the registry is slow or unreachable");
    }

    @Test
    void noVerdictIsAnErrorOnTheImageAsTheResourceNamesItAndIsAuditedWithItsReason() {
        ResourceEvent resource = VerificationHandlerTest.resource(ChangeType.ADDED,
                Map.of("gkm.io/signature-format", "cosign-v3"), "{\"image\":\"10.0.0.1:5000/gkm/cache:rocm\"}");
        VerificationRequest request = VerificationHandler.request(resource).orElseThrow();
        Instant at = Instant.ofEpochMilli(1_700_000_001_000L);
        String reason = BoundedVerification.timedOut(Duration.ofMillis(1500));

        VerificationResult result = BoundedVerification.noVerdict(request, reason, at);
        Decision decision = VerificationHandler.verdict(result, resource, new Topics());

        assertThat(result.getVerdict()).isEqualTo(Verdict.ERROR);
        assertThat(result.getResourceKey()).isEqualTo(KEY);
        assertThat(result.getImage()).isEqualTo("10.0.0.1:5000/gkm/cache:rocm");
        assertThat(result.getImageDigest()).isNull();
        assertThat(result.getSignatureFormat()).isEqualTo(SignatureFormat.NONE);
        assertThat(result.getPolicyName()).isEmpty();
        assertThat(result.getReasons()).containsExactly(reason);
        assertThat(result.getVerifiedAt()).isEqualTo(at);
        assertThat(decision.outputs()).singleElement().satisfies(out -> assertThat(out.event()).isEqualTo(result));
        assertThat(decision.audits()).singleElement().satisfies(audit -> {
            assertThat(audit.outcome()).isEqualTo("ERROR");
            assertThat(audit.reason()).isEqualTo(reason);
            assertThat(audit.details()).containsEntry("image", "10.0.0.1:5000/gkm/cache:rocm")
                    .containsEntry("resourceVersion", "42");
        });
    }
}
