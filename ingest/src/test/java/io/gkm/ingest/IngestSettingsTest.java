package io.gkm.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.ingest.admission.KyvernoVerification;
import io.gkm.ingest.watch.LeaderElectedWatches;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {
    private static GkmConfig load(Map<String, String> env) {
        return GkmConfig.load(IngestSettings.all(), env, Map.of(), Map.of(), KafkaClientFactory.clientPropertyNames());
    }

    @Test
    void defaultsAreGkmsAndTheIssues() {
        GkmConfig config = load(Map.of());

        assertThat(config.get(IngestSettings.WEBHOOK_PORT)).isEqualTo(8443);
        assertThat(config.get(IngestSettings.AUDIT_TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.get(IngestSettings.AUDIT_REQUIRED)).isFalse();
        assertThat(config.find(IngestSettings.WATCH_NAMESPACES)).isEmpty();
        assertThat(config.find(IngestSettings.WEBHOOK_TLS_CERT)).isEmpty();
        assertThat(IngestSettings.kyvernoVerification(config, Map.of())).isEqualTo(KyvernoVerification.ENABLED);
    }

    @Test
    void gkmsOwnVariableIsReadWhenOursIsUnsetOrEmpty() {
        Map<String, String> env = Map.of("KYVERNO_VERIFICATION_ENABLED", "no", "GKM_KYVERNO_VERIFICATION_ENABLED", "");

        assertThat(IngestSettings.kyvernoVerification(load(env), env).enabled()).isFalse();
    }

    @Test
    void ourVariableWinsOverGkms() {
        Map<String, String> env = Map.of("KYVERNO_VERIFICATION_ENABLED", "false", "GKM_KYVERNO_VERIFICATION_ENABLED", "TRUE");

        assertThat(IngestSettings.kyvernoVerification(load(env), env).enabled()).isTrue();
    }

    @Test
    void anUnknownSwitchValueStartsWithVerificationEnabledInsteadOfFailing() {
        Map<String, String> env = Map.of("GKM_KYVERNO_VERIFICATION_ENABLED", "maybe");

        KyvernoVerification v = IngestSettings.kyvernoVerification(load(env), env);

        assertThat(v.enabled()).isTrue();
        assertThat(v.warning()).hasValueSatisfying(w -> assertThat(w).contains("'maybe'"));
    }

    @Test
    void otherBadValuesFailAtStartUpNamingTheVariable() {
        assertThatThrownBy(() -> load(Map.of("GKM_AUDIT_TIMEOUT", "soon", "GKM_AUDIT_REQUIRED", "perhaps")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("GKM_AUDIT_TIMEOUT")
                .hasMessageContaining("GKM_AUDIT_REQUIRED");
    }

    @Test
    void theWatchesLeaseIsGkmIngestWatchInThePodsNamespaceElseDefault() {
        GkmConfig config = load(Map.of());

        LeaderElectedWatches.Election inPod = IngestSettings.election(config, "gkm-ingest-7d9f-x2", Optional.of("gkm-system"));
        LeaderElectedWatches.Election outside = IngestSettings.election(config, "laptop", Optional.empty());

        assertThat(config.get(IngestSettings.LEADER_ELECTION)).isTrue();
        assertThat(inPod).isEqualTo(new LeaderElectedWatches.Election("gkm-ingest-watch", "gkm-system", "gkm-ingest-7d9f-x2",
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        assertThat(outside.namespace()).isEqualTo("default");
    }

    @Test
    void aConfiguredLeaseNamespaceWinsOverThePods() {
        GkmConfig config = load(Map.of("GKM_LEADER_LEASE_NAMESPACE", "elsewhere", "GKM_LEADER_LEASE_NAME", "watch-lock"));

        LeaderElectedWatches.Election election = IngestSettings.election(config, "a", Optional.of("gkm-system"));

        assertThat(election.lease()).isEqualTo("elsewhere/watch-lock");
    }

    @Test
    void aLeaseThatOutlivesNoRenewDeadlineIsRefusedNamingBothSettings() {
        GkmConfig config = load(Map.of("GKM_LEADER_LEASE_DURATION", "10s", "GKM_LEADER_RENEW_DEADLINE", "10s"));

        assertThat(IngestSettings.leaderTimingProblem(config)).hasValueSatisfying(p -> assertThat(p)
                .startsWith("GKM_LEADER_LEASE_DURATION (10000 ms) must be longer than GKM_LEADER_RENEW_DEADLINE (10000 ms)"));
        assertThatThrownBy(() -> IngestSettings.election(config, "a", Optional.empty()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GKM_LEADER_LEASE_DURATION");
    }

    @Test
    void aRenewDeadlineWithinTwoJitteredRetriesIsRefused() {
        GkmConfig tooShort = load(Map.of("GKM_LEADER_RENEW_DEADLINE", "4400ms"));
        GkmConfig justLongEnough = load(Map.of("GKM_LEADER_RENEW_DEADLINE", "4401ms"));

        assertThat(IngestSettings.leaderTimingProblem(tooShort)).hasValueSatisfying(p -> assertThat(p)
                .startsWith("GKM_LEADER_RENEW_DEADLINE (4400 ms) must be longer than 2.2 x GKM_LEADER_RETRY_PERIOD (4400 ms)"));
        assertThat(IngestSettings.leaderTimingProblem(justLongEnough)).isEmpty();
    }

    @Test
    void timingsDoNotMatterWithoutLeaderElection() {
        GkmConfig config = load(Map.of("GKM_LEADER_ELECTION", "false", "GKM_LEADER_LEASE_DURATION", "1s"));

        assertThat(IngestSettings.leaderTimingProblem(config)).isEmpty();
    }

    @Test
    void everySettingIsDocumented() {
        for (Setting<?> s : IngestSettings.all()) {
            assertThat(s.envVar()).startsWith("GKM_");
            assertThat(s.description()).isNotBlank();
        }
    }
}
