package io.gkm.verifier.stage;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.policy.ClusterPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
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

    /**
     * The stage as configured: GKM_CLUSTER, GKM_INSTANCE (else the host name), the GKM_STAGE_*
     * timings and GKM_VERIFY_TIMEOUT.
     *
     * @throws ConfigException when GKM_VERIFY_TIMEOUT does not fit the transaction timeout
     */
    public static StageLoop loop(GkmConfig config, KafkaClientFactory kafka, Topics topics, Verifier verifier,
            MeterRegistry registry) {
        return loop(StageSpec.of(config, VerificationHandler.STAGE, VerificationHandler.inputs(topics)),
                StageLoop.Timing.from(config), config.get(VerifierSettings.VERIFY_TIMEOUT), kafka, topics, verifier,
                registry);
    }

    /**
     * The stage's timings as configured, batches cut to fit GKM_VERIFY_TIMEOUT (see {@link #fit}).
     *
     * @throws ConfigException when GKM_VERIFY_TIMEOUT does not fit the transaction timeout
     */
    public static StageLoop.Timing timing(GkmConfig config) {
        return fit(StageLoop.Timing.from(config), config.get(VerifierSettings.VERIFY_TIMEOUT));
    }

    /**
     * The stage as {@code spec} names it, which must read {@link VerificationHandler#inputs}, with
     * the default GKM_VERIFY_TIMEOUT.
     */
    public static StageLoop loop(StageSpec spec, StageLoop.Timing timing, KafkaClientFactory kafka, Topics topics,
            Verifier verifier, MeterRegistry registry) {
        Duration verifyTimeout = VerifierSettings.VERIFY_TIMEOUT.type()
                .parse(VerifierSettings.VERIFY_TIMEOUT.defaultText());
        return loop(spec, timing, verifyTimeout, kafka, topics, verifier, registry);
    }

    /**
     * The stage as {@code spec} names it, each verification given at most {@code verifyTimeout},
     * and its batches cut to fit it (see {@link #fit}).
     *
     * @throws ConfigException when {@code verifyTimeout} does not fit the transaction timeout
     */
    public static StageLoop loop(StageSpec spec, StageLoop.Timing timing, Duration verifyTimeout,
            KafkaClientFactory kafka, Topics topics, Verifier verifier, MeterRegistry registry) {
        Emitter emitter = new Emitter(spec.name(), spec.cluster(), spec.instance(), topics, EventCodec.INSTANCE,
                Clock.systemUTC());
        return new StageLoop(spec, fit(timing, verifyTimeout), kafka, topics.prefix(), EventCodec.INSTANCE, emitter,
                new VerificationHandler(verifier, verifyTimeout, topics), registry);
    }

    /**
     * {@code timing} with no more records a batch than can each go without a verdict for
     * {@code verifyTimeout} and still commit before the broker aborts the transaction: verifying
     * takes at most half the transaction timeout; the other half is left for the poll, the writes
     * and the commit.
     *
     * @throws ConfigException when not even one verification fits
     */
    static StageLoop.Timing fit(StageLoop.Timing timing, Duration verifyTimeout) {
        Duration verifying = timing.transactionTimeout().dividedBy(2);
        if (verifyTimeout.isZero() || verifyTimeout.compareTo(verifying) > 0) {
            throw new ConfigException(List.of(VerifierSettings.VERIFY_TIMEOUT.envVar() + " ("
                    + VerifierSettings.VERIFY_TIMEOUT.flag() + "): " + verifyTimeout.toMillis() + " ms; it must be "
                    + "more than 0 and at most half of " + Settings.STAGE_TRANSACTION_TIMEOUT.envVar() + " ("
                    + timing.transactionTimeout().toMillis() + " ms), so that a batch whose registry never answers "
                    + "still commits before the broker aborts its transaction: lower it or raise "
                    + Settings.STAGE_TRANSACTION_TIMEOUT.envVar()));
        }
        long fits = verifying.toNanos() / verifyTimeout.toNanos();
        return new StageLoop.Timing(timing.pollTimeout(), (int) Math.min(timing.maxPollRecords(), fits),
                timing.transactionTimeout(), timing.retryBackoff());
    }
}
