package io.gkm.core.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageSpecTest {
    private static GkmConfig config(Map<String, String> env) {
        return GkmConfig.load(Settings.all(), env, Map.of(), Map.of(), KafkaClientFactory.clientPropertyNames());
    }

    @Test
    void identityComesFromClusterAndInstanceSettings() {
        StageSpec spec = StageSpec.of(config(Map.of("GKM_CLUSTER", "gpu-east", "GKM_INSTANCE", "verifier-0")),
                "verifier", List.of("gkm.admissions", "gkm.resources"));
        assertThat(spec.groupId("gkm.")).isEqualTo("gkm.verifier");
        assertThat(spec.transactionalId("gkm.")).isEqualTo("gkm.verifier.gpu-east.verifier-0");
    }

    @Test
    void aGroupSuffixGivesEachInstanceItsOwnGroupUnderTheStagesName() {
        StageSpec spec = new StageSpec("node-consumer", "c1", "gpu-node-7", List.of("gkm.jobs.c1.gpu-node-7"),
                "c1.gpu-node-7");
        assertThat(spec.groupId("gkm.")).isEqualTo("gkm.node-consumer.c1.gpu-node-7");
        assertThat(spec.transactionalId("gkm.")).isEqualTo("gkm.node-consumer.c1.gpu-node-7");
        assertThat(new StageSpec("verifier", "c1", "pod-0", List.of("in")).groupId("gkm.")).isEqualTo("gkm.verifier");
        assertThatThrownBy(() -> new StageSpec("x", "c", "i", List.of("in"), "")).hasMessageContaining("empty group suffix");
    }

    @Test
    void instanceDefaultsToTheHostName() {
        assertThat(StageSpec.of(config(Map.of()), "verifier", List.of("in")).instance()).isNotBlank();
    }

    @Test
    void aStageMustReadSomething() {
        assertThatThrownBy(() -> new StageSpec("x", "c", "i", List.of())).hasMessageContaining("reads no topic");
    }

    @Test
    void timingComesFromTheStageSettings() {
        StageLoop.Timing t = StageLoop.Timing.from(config(Map.of("GKM_STAGE_MAX_POLL_RECORDS", "50",
                "GKM_STAGE_RETRY_BACKOFF", "250ms")));
        assertThat(t).isEqualTo(new StageLoop.Timing(Duration.ofMillis(500), 50, Duration.ofSeconds(60),
                Duration.ofMillis(250)));
    }
}
