package io.gkm.nodeconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.StageLoop;
import io.gkm.nodeconsumer.extract.ExtractLimits;
import io.gkm.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConsumerSettingsTest {
    private static GkmConfig config(Map<String, String> env) {
        List<io.gkm.core.config.Setting<?>> all = new ArrayList<>(Settings.all());
        all.addAll(NodeConsumerSettings.all());
        return GkmConfig.load(all, env, Map.of(), Map.of(), KafkaClientFactory.clientPropertyNames());
    }

    @Test
    void defaultsAreGkmsPathsAndTheBriefsLimits() {
        GkmConfig config = config(Map.of("GKM_NODE_NAME", "gpu-1"));
        assertThat(config.get(NodeConsumerSettings.SYSFS_ROOT)).isEqualTo(Path.of("/sys"));
        assertThat(config.get(NodeConsumerSettings.CACHE_DIR)).isEqualTo(Path.of("/var/lib/gkm/caches"));
        assertThat(NodeConsumerStage.limits(config)).isEqualTo(new ExtractLimits(10L << 30, 100_000, 200));
        assertThat(config.get(NodeConsumerSettings.INVENTORY_INTERVAL)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void sizesTakeBinaryUnits() {
        assertThat(NodeConsumerSettings.BYTE_SIZE.parse("512MiB")).isEqualTo(512L << 20);
        assertThat(NodeConsumerSettings.BYTE_SIZE.parse("1048576")).isEqualTo(1L << 20);
        assertThat(NodeConsumerSettings.BYTE_SIZE.render(10L << 30)).isEqualTo("10GiB");
        assertThatThrownBy(() -> config(Map.of("GKM_EXTRACT_MAX_BYTES", "10GB"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("GKM_EXTRACT_MAX_BYTES: expected a positive size in bytes, e.g. 10GiB");
        assertThatThrownBy(() -> NodeConsumerSettings.BYTE_SIZE.parse("0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identityIsAGroupPerNodeAndTheNodeAsInstanceUnlessGkmInstanceSaysOtherwise() {
        Topics topics = new Topics();
        NodeConsumerStage.Identity identity = NodeConsumerStage.Identity.of(
                config(Map.of("GKM_CLUSTER", "east", "GKM_NODE_NAME", "gpu-7")), topics);
        assertThat(identity.spec().inputs()).containsExactly("gkm.jobs.east.gpu-7");
        assertThat(identity.spec().groupId("gkm.")).isEqualTo("gkm.node-consumer.east.gpu-7");
        assertThat(identity.spec().transactionalId("gkm.")).isEqualTo("gkm.node-consumer.east.gpu-7");
        assertThat(NodeConsumerStage.Identity.of(config(Map.of("GKM_CLUSTER", "east", "GKM_NODE_NAME", "gpu-7",
                "GKM_INSTANCE", "pod-x")), topics).spec().transactionalId("gkm.")).isEqualTo("gkm.node-consumer.east.pod-x");
    }

    @Test
    void theNodeNameDefaultsToTheHostName() {
        assertThat(NodeConsumerSettings.nodeName(config(Map.of()))).isNotBlank();
    }

    @Test
    void aBatchIsOneJobWhateverMaxPollRecordsSaysSoNoInstallRunsInsideAnOpenTransaction() {
        StageLoop.Timing configured = StageLoop.Timing.from(config(Map.of("GKM_STAGE_MAX_POLL_RECORDS", "50",
                "GKM_STAGE_TRANSACTION_TIMEOUT", "90s")));
        assertThat(NodeConsumerStage.oneJobATransaction(configured)).isEqualTo(new StageLoop.Timing(
                configured.pollTimeout(), 1, Duration.ofSeconds(90), configured.retryBackoff()));
    }
}
