package io.gkm.core.stage;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.ResourceEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A small real stage for the loop's tests: each ResourceEvent becomes one InstallJob whose id
 * is derived from the input (so duplicates and gaps are visible) and one audit entry.
 */
final class TestStage {
    static final String NAME = "test-stage";

    private TestStage() {
    }

    static Decision decide(Inbound in, String outputTopic) {
        ResourceEvent r = (ResourceEvent) in.event();
        if (r.getSpec().contains("\"fail\"")) {
            throw new IllegalArgumentException("spec of " + r.getResourceKey() + " asks to fail");
        }
        InstallJob job = InstallJob.newBuilder()
                .setAction(JobAction.INSTALL)
                .setJobId("job-" + r.getResourceVersion())
                .setAttempt(1)
                .setResourceKey(r.getResourceKey())
                .setCluster("c1")
                .setNode("node-a")
                .setImage("quay.io/gkm/cache@sha256:" + "0".repeat(64))
                .setDigest("sha256:" + "0".repeat(64))
                .setTargetPath("/var/lib/gkm/caches/ns/" + r.getName() + "/x")
                .setCreatedAt(r.getObservedAt())
                .build();
        return Decision.of(new Outbound(outputTopic, r.getResourceKey(), job),
                new AuditEntry("dispatch", "DISPATCHED", null, r.getResourceKey(), Map.of("job", job.getJobId())));
    }

    static ResourceEvent resource(int i, String spec) {
        return ResourceEvent.newBuilder()
                .setChangeType(ChangeType.ADDED)
                .setResourceKey("c1/ns/GKMCache/cache-" + i)
                .setKind("GKMCache")
                .setNamespace("ns")
                .setName("cache-" + i)
                .setUid("uid-" + i)
                .setResourceVersion(String.valueOf(i))
                .setGeneration(1)
                .setSpec(spec)
                .setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L + i))
                .build();
    }

    static StageLoop loop(String bootstrap, String prefix, String instance, String input, String output,
                          StageHandler handler, MeterRegistry registry, int maxPollRecords) {
        return loop(new KafkaClientFactory(bootstrap, Map.of()), prefix, instance, input, handler, registry,
                timing(maxPollRecords, Duration.ofSeconds(30)));
    }

    /** The stage with its own Kafka clients (another user's login, say) and timing. */
    static StageLoop loop(KafkaClientFactory clients, String prefix, String instance, String input,
                          StageHandler handler, MeterRegistry registry, StageLoop.Timing timing) {
        Topics topics = new Topics(prefix, 3, (short) 1);
        StageSpec spec = new StageSpec(NAME, "c1", instance, List.of(input));
        Emitter emitter = new Emitter(NAME, "c1", instance, topics, EventCodec.INSTANCE, Clock.systemUTC());
        return new StageLoop(spec, timing, clients, prefix, EventCodec.INSTANCE, emitter, handler, registry);
    }

    /** Quick polls and retries; {@code transactionTimeout} as given. */
    static StageLoop.Timing timing(int maxPollRecords, Duration transactionTimeout) {
        return new StageLoop.Timing(Duration.ofMillis(100), maxPollRecords, transactionTimeout, Duration.ofMillis(100));
    }

    static StageHandler handler(String output) {
        return in -> decide(in, output);
    }
}
