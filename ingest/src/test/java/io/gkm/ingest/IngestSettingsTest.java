package io.gkm.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.ingest.admission.KyvernoVerification;
import java.time.Duration;
import java.util.Map;
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
    void everySettingIsDocumented() {
        for (Setting<?> s : IngestSettings.all()) {
            assertThat(s.envVar()).startsWith("GKM_");
            assertThat(s.description()).isNotBlank();
        }
    }
}
