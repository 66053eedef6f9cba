package io.gkm.schemas;

import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.DeadLetter;
import io.gkm.schemas.event.Decision;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.LedgerHeader;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.Operation;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Sample events with every field set to a value other than its default (null, empty, 0). */
final class Events {
    static final String KEY = "prod/team-a/GKMCache/llama";
    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final Instant T = Instant.parse("2025-03-04T05:06:07.123Z");

    private Events() {}

    static SpecificRecord full(EventType type) {
        return switch (type) {
            case ADMISSION -> admission();
            case RESOURCE -> resource();
            case VERIFICATION -> verification();
            case INSTALL_JOB -> installJob();
            case INSTALL_RESULT -> installResult();
            case NODE_INVENTORY -> nodeInventory();
            case AUDIT -> audit();
            case DEAD_LETTER -> deadLetter();
            case AUDIT_LEDGER -> auditLedgerEntry();
        };
    }

    static AdmissionEvent admission() {
        return AdmissionEvent.newBuilder()
                .setRequestUid("0df28fbd-5f5f-11e8-bc74-36e6bb280816")
                .setOperation(Operation.UPDATE)
                .setResourceKey(KEY)
                .setKind("GKMCache")
                .setUserName("alice")
                .setUserGroups(List.of("system:authenticated", "team-a"))
                .setSubmittedObject("{\"spec\":{\"image\":\"quay.io/x/llama:v1\"}}")
                .setMutatedObject("{\"spec\":{\"image\":\"quay.io/x/llama@" + DIGEST + "\"}}")
                .setDecision(Decision.DENIED)
                .setReason("kyverno.io/verify-images annotation missing")
                .setKyvernoAnnotation("{\"quay.io/x/llama:v1\":\"pass\"}")
                .setTime(T)
                .build();
    }

    static ResourceEvent resource() {
        return ResourceEvent.newBuilder()
                .setChangeType(ChangeType.MODIFIED)
                .setResourceKey(KEY)
                .setKind("GKMCache")
                .setNamespace("team-a")
                .setName("llama")
                .setUid("7c2f1a8e-1b1e-4d8e-9a53-2f6f8a0d9e11")
                .setResourceVersion("48213")
                .setGeneration(3L)
                .setSpec("{\"image\":\"quay.io/x/llama@" + DIGEST + "\"}")
                .setLabels(Map.of("gkm.io/signature-format", "cosign-v3"))
                .setAnnotations(Map.of("gkm.io/resolvedDigest", DIGEST, "kyverno.io/verify-images", "{}"))
                .setObservedAt(T)
                .build();
    }

    static VerificationResult verification() {
        return VerificationResult.newBuilder()
                .setVerdict(Verdict.REJECTED)
                .setResourceKey(KEY)
                .setImage("quay.io/x/llama:v1")
                .setImageDigest(DIGEST)
                .setSignatureFormat(SignatureFormat.COSIGN_V3)
                .setPolicyName("gkm-verify-cosign-v3")
                .setRuleName("verify-signature")
                .setSignerIssuer("https://token.actions.githubusercontent.com")
                .setSignerSubject("https://github.com/x/llama/.github/workflows/build.yml@refs/heads/main")
                .setTlogIndex(123456789L)
                .setIntegratedTime(T.minusSeconds(60))
                .setCacheTargets(List.of(new CacheTarget("hip", "gfx90a", 64), new CacheTarget("cuda", "sm_90", 32)))
                .setCacheSizeBytes(987654321L)
                .setCacheEntryCount(42)
                .setReasons(List.of("digest mismatch: tag resolves to sha256:cd..."))
                .setTimings(Map.of("resolve", 12L, "signature", 34L))
                .setVerifiedAt(T)
                .build();
    }

    static InstallJob installJob() {
        return InstallJob.newBuilder()
                .setAction(JobAction.REMOVE)
                .setJobId("job-2")
                .setAttempt(2)
                .setReplayOf("job-1")
                .setResourceKey(KEY)
                .setCluster("prod")
                .setNode("gpu-node-1")
                .setImage("quay.io/x/llama@" + DIGEST)
                .setDigest(DIGEST)
                .setTargetPath("/var/lib/gkm/caches/team-a/llama/" + DIGEST + "/")
                .setCreatedAt(T)
                .build();
    }

    static InstallResult installResult() {
        return InstallResult.newBuilder()
                .setOutcome(InstallOutcome.FAILED)
                .setJobId("job-2")
                .setAttempt(2)
                .setResourceKey(KEY)
                .setCluster("prod")
                .setNode("gpu-node-1")
                .setDigest(DIGEST)
                .setBytes(1_048_576L)
                .setFiles(17)
                .setDurationMillis(2500L)
                .setError("no space left on device")
                .setFinishedAt(T)
                .build();
    }

    static NodeInventory nodeInventory() {
        return NodeInventory.newBuilder()
                .setCluster("prod")
                .setNode("gpu-node-1")
                .setGpus(List.of(Gpu.newBuilder()
                        .setBackend("hip").setArch("gfx942").setWarpSize(64)
                        .setIds(List.of("0", "1")).setDriverVersion("6.8.5").build()))
                .setReportedAt(T)
                .build();
    }

    static AuditEvent audit() {
        return AuditEvent.newBuilder()
                .setAuditId("a-1")
                .setStage("verifier")
                .setResourceKey(KEY)
                .setAction("verify")
                .setOutcome("REJECTED")
                .setReason("digest mismatch")
                .setCorrelationId("c-1")
                .setCauseEventId("e-1")
                .setDetails(Map.of("digest", DIGEST))
                .setTime(T)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setOriginalTopic("gkm.resources")
                .setPartition(3)
                .setOffset(1234L)
                .setKey(ByteBuffer.wrap(KEY.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 7}))
                .setHeaders(Map.of("ce_type", "io.gkm.resource.v1"))
                .setError("record on topic 'gkm.resources' is too short (3 bytes)")
                .setErrorClass(UndecodableRecordException.class.getName())
                .setStage("verifier")
                .setTime(T)
                .build();
    }

    static AuditLedgerEntry auditLedgerEntry() {
        byte[] value = EventCodec.INSTANCE.encode(audit());
        return AuditLedgerEntry.newBuilder()
                .setSequence(7L)
                .setPreviousHash(ByteBuffer.wrap(new byte[32]))
                .setHash(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setRecordedAt(T.plusSeconds(1))
                .setSourceTopic("gkm.audit")
                .setSourcePartition(2)
                .setSourceOffset(99L)
                .setSourceTimestamp(T)
                .setKey(ByteBuffer.wrap(KEY.getBytes(StandardCharsets.UTF_8)))
                .setHeaders(List.of(new LedgerHeader("ce_id", ByteBuffer.wrap("e-9".getBytes(StandardCharsets.UTF_8)))))
                .setValue(ByteBuffer.wrap(value))
                .setEvent(audit())
                .setUndecodable("a sample with both set, so that every field round-trips")
                .build();
    }
}
