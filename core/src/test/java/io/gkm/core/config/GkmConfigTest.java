package io.gkm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.kafka.KafkaClientFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GkmConfigTest {
    private static GkmConfig load(Map<String, String> env, Map<String, String> flags, Map<String, String> kafka) {
        return GkmConfig.load(Settings.all(), env, flags, kafka, KafkaClientFactory.clientPropertyNames());
    }

    @Test
    void defaultsApplyWhenNothingIsGiven() {
        GkmConfig c = load(Map.of(), Map.of(), Map.of());
        assertThat(c.get(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
        assertThat(c.get(Settings.STAGE_POLL_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.get(Settings.TOPIC_PARTITIONS)).isEqualTo(6);
        assertThat(c.find(Settings.TOPIC_REPLICATION)).isEmpty();
        assertThat(c.kafkaPassThrough()).isEmpty();
    }

    @Test
    void environmentOverridesDefaultAndFlagOverridesEnvironment() {
        GkmConfig c = load(Map.of("GKM_TOPIC_PARTITIONS", "12", "GKM_TOPIC_PREFIX", "prod."),
                Map.of("topic.partitions", "3"), Map.of());
        assertThat(c.get(Settings.TOPIC_PARTITIONS)).isEqualTo(3);
        assertThat(c.get(Settings.TOPIC_PREFIX)).isEqualTo("prod.");
    }

    @Test
    void emptyEnvironmentValueMeansDefault() {
        assertThat(load(Map.of("GKM_STAGE_RETRY_BACKOFF", ""), Map.of(), Map.of())
                .get(Settings.STAGE_RETRY_BACKOFF)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyInvalidValueIsReportedAtOnceWithWhatWasExpected() {
        assertThatThrownBy(() -> load(Map.of("GKM_STAGE_POLL_TIMEOUT", "abc", "GKM_TOPIC_PARTITIONS", "0",
                "GKM_LOG_LEVEL", "loud"), Map.of("metrics.port", "70000"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "GKM_STAGE_POLL_TIMEOUT: expected a duration like 500ms, 30s, 5m, 2h or 7d, got 'abc'",
                        "GKM_TOPIC_PARTITIONS: expected a whole number from 1 to 10000, got '0'",
                        "GKM_LOG_LEVEL: expected one of error|warn|info|debug|trace, got 'loud'",
                        "--metrics-port: expected a whole number from 0 to 65535, got '70000'"));
    }

    @Test
    void kafkaEnvironmentVariablesPassThroughAsClientProperties() {
        GkmConfig c = load(Map.of("GKM_KAFKA_SECURITY_PROTOCOL", "SSL",
                "GKM_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.p12",
                "GKM_KAFKA_BOOTSTRAP_SERVERS", "kafka:9093"), Map.of(),
                Map.of("sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(c.kafkaPassThrough()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SSL", "ssl.truststore.location", "/etc/kafka/ca.p12",
                "sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(c.get(Settings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka:9093");
        assertThat(new KafkaClientFactory(c.get(Settings.KAFKA_BOOTSTRAP_SERVERS), c.kafkaPassThrough())
                .commonProperties()).containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "kafka:9093");
    }

    @Test
    void misspelledKafkaPropertyIsRejected() {
        assertThatThrownBy(() -> load(Map.of("GKM_KAFKA_SECURITY_PROTOKOL", "SSL"), Map.of(),
                Map.of("ssl.trustore.location", "/x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "GKM_KAFKA_SECURITY_PROTOKOL: 'security.protokol' is not a Kafka client property",
                        "--kafka-property: 'ssl.trustore.location' is not a Kafka client property"));
    }

    @Test
    void settingNamesMapToEnvVarsAndFlags() {
        assertThat(Settings.DEV_KAFKA_PORT.envVar()).isEqualTo("GKM_DEV_KAFKA_PORT");
        assertThat(Settings.DEV_KAFKA_PORT.flag()).isEqualTo("--dev-kafka-port");
        assertThat(Settings.all()).extracting(Setting::envVar).doesNotHaveDuplicates();
    }

    @Test
    void aDefaultThatDoesNotParseIsAProgrammingError() {
        assertThatThrownBy(() -> new Setting<>("x.y", SettingType.DURATION, "forever", "d"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void typesParseWhatUsersTypeAndRenderItBack() {
        assertThat(SettingType.DURATION.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(SettingType.DURATION.render(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(SettingType.DURATION.render(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(SettingType.BOOLEAN.parse("YES")).isTrue();
        assertThat(SettingType.BOOLEAN.parse("0")).isFalse();
        assertThat(SettingType.LIST.parse(" a, ,b ")).isEqualTo(List.of("a", "b"));
        assertThatThrownBy(() -> SettingType.BOOLEAN.parse("maybe")).hasMessage("true or false");
    }
}
