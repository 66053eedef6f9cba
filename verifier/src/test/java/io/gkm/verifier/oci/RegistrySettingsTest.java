package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.image.ImageReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {

    private static GkmConfig load(Map<String, String> env) {
        return GkmConfig.load(RegistrySettings.all(), env, Map.of(), Map.of(), Set.of());
    }

    @Test
    void environmentVariablesAndDefaults() {
        assertThat(RegistrySettings.INSECURE_REGISTRIES.envVar()).isEqualTo("GKM_INSECURE_REGISTRIES");
        GkmConfig config = load(Map.of("GKM_INSECURE_REGISTRIES", "registry.lan:5000, 10.0.0.7"));
        assertThat(config.find(RegistrySettings.INSECURE_REGISTRIES)).contains(List.of("registry.lan:5000", "10.0.0.7"));
        assertThat(config.get(RegistrySettings.REGISTRY_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(load(Map.of()).find(RegistrySettings.INSECURE_REGISTRIES)).isEmpty();
        assertThat(load(Map.of()).find(RegistrySettings.REGISTRY_AUTH_FILE)).isEmpty();
    }

    @Test
    void aMistypedTimeoutIsReportedAtStartUp() {
        assertThatThrownBy(() -> load(Map.of("GKM_REGISTRY_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GKM_REGISTRY_TIMEOUT");
    }

    @Test
    void anInsecureEntryWithSchemeIsReportedAtStartUp() {
        assertThatThrownBy(() -> load(Map.of("GKM_INSECURE_REGISTRIES", "registry.lan, http://10.0.0.7:5000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GKM_INSECURE_REGISTRIES")
                .hasMessageContaining("host or host:port");
    }

    @Test
    void anImageReferenceWithASchemeNamesTheSettingThatChoosesPlainHttp() {
        // core words the hint without seeing this setting; this keeps the two names in step.
        assertThatThrownBy(() -> ImageReference.parse("http://registry.lan/gkm/cache:v1"))
                .hasMessageContaining(RegistrySettings.INSECURE_REGISTRIES.envVar());
    }

    @Test
    void configureReadsTheAuthFileAndFailsNamingAMissingOne() {
        GkmConfig config = load(Map.of("GKM_REGISTRY_AUTH_FILE", "/nonexistent/config.json"));
        assertThatThrownBy(() -> RegistryClient.builder().configure(config))
                .hasMessageContaining("/nonexistent/config.json").hasMessageContaining("docker login");
    }

    @Test
    void limitsDefaultToTheIssuesNumbersAndCanBeLowered() {
        RegistryLimits d = RegistryLimits.defaults();
        assertThat(d.get(RegistryLimit.MANIFEST_BYTES)).isEqualTo(4L * 1024 * 1024);
        assertThat(d.get(RegistryLimit.SIGNATURE_LAYER_BYTES)).isEqualTo(1024L * 1024);
        assertThat(d.get(RegistryLimit.BUNDLE_BYTES)).isEqualTo(10L * 1024 * 1024);
        assertThat(d.get(RegistryLimit.REFERRERS)).isEqualTo(50);
        assertThat(d.get(RegistryLimit.SIGNATURE_LAYERS)).isEqualTo(1000);
        assertThat(d.with(RegistryLimit.REFERRERS, 2).get(RegistryLimit.REFERRERS)).isEqualTo(2);
        assertThat(d.get(RegistryLimit.REFERRERS)).isEqualTo(50);
        assertThatThrownBy(() -> d.with(RegistryLimit.BUNDLE_BYTES, 0)).hasMessageContaining("at least 1");
    }
}
