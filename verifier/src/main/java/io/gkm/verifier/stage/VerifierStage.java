package io.gkm.verifier.stage;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.policy.ClusterPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;

/** Wires the verifier stage: its {@link VerificationHandler} in a {@link StageLoop}. */
public final class VerifierStage {
    private VerifierStage() {
    }

    /**
     * A verifier of {@code policies} with the registry settings ({@code RegistrySettings}) and the
     * Sigstore trust ({@code VerifierSettings}) of {@code config}.
     */
    public static Verifier verifier(GkmConfig config, List<ClusterPolicy> policies) {
        return Verifier.builder()
                .policies(policies)
                .registry(RegistryClient.builder().configure(config).build())
                .configure(config)
                .build();
    }

    /** The stage as configured: GKM_CLUSTER, GKM_INSTANCE (else the host name) and the GKM_STAGE_* timings. */
    public static StageLoop loop(GkmConfig config, KafkaClientFactory kafka, Topics topics, Verifier verifier,
            MeterRegistry registry) {
        return loop(StageSpec.of(config, VerificationHandler.STAGE, VerificationHandler.inputs(topics)),
                StageLoop.Timing.from(config), kafka, topics, verifier, registry);
    }

    /** The stage as {@code spec} names it, which must read {@link VerificationHandler#inputs}. */
    public static StageLoop loop(StageSpec spec, StageLoop.Timing timing, KafkaClientFactory kafka, Topics topics,
            Verifier verifier, MeterRegistry registry) {
        Emitter emitter = new Emitter(spec.name(), spec.cluster(), spec.instance(), topics, EventCodec.INSTANCE,
                Clock.systemUTC());
        return new StageLoop(spec, timing, kafka, topics.prefix(), EventCodec.INSTANCE, emitter,
                new VerificationHandler(verifier, topics), registry);
    }
}
