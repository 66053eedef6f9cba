package io.gkm.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings shared by every command, declared once. Each becomes an env var
 * {@code GKM_<NAME>}, a flag {@code --<name>}, a line of {@code --help} and a row of the
 * README's configuration table ({@code gkm config --markdown} prints it).
 */
public final class Settings {
    private Settings() {
    }

    public static final Setting<String> CLUSTER = new Setting<>("cluster", SettingType.DNS_LABEL, "local",
            "Name of this Kubernetes cluster (a DNS label: no dots, so job topic names stay unambiguous); "
                    + "the first part of every resource key and job topic.");

    public static final Setting<String> INSTANCE = new Setting<>("instance", SettingType.STRING, null,
            "Name of this process in CloudEvents sources and transactional ids (default: the host name).");

    public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = new Setting<>("kafka.bootstrap.servers",
            SettingType.STRING, "127.0.0.1:9092",
            "Kafka bootstrap servers. Other Kafka client properties pass through as GKM_KAFKA_<PROPERTY> "
                    + "(e.g. GKM_KAFKA_SECURITY_PROTOCOL=SSL) or --kafka-property key=value.");

    public static final Setting<String> TOPIC_PREFIX = new Setting<>("topic.prefix", SettingType.STRING, "gkm.",
            "Prefix of every pipeline topic name.");

    public static final Setting<Integer> TOPIC_PARTITIONS = new Setting<>("topic.partitions",
            SettingType.integer(1, 10_000), "6",
            "Partition count shared by the resource topics (admissions, resources, verifications, results, audit).");

    public static final Setting<Integer> TOPIC_REPLICATION = new Setting<>("topic.replication",
            SettingType.integer(1, 32), null,
            "Replication factor of created topics (default: 3, or the broker count when the cluster has fewer).");

    public static final Setting<Duration> STAGE_POLL_TIMEOUT = new Setting<>("stage.poll.timeout",
            SettingType.DURATION, "500ms", "How long a stage waits for input in one poll.");

    public static final Setting<Integer> STAGE_MAX_POLL_RECORDS = new Setting<>("stage.max.poll.records",
            SettingType.integer(1, 100_000), "500", "Most records a stage handles in one transaction.");

    public static final Setting<Duration> STAGE_TRANSACTION_TIMEOUT = new Setting<>("stage.transaction.timeout",
            SettingType.DURATION, "60s", "Kafka transaction timeout of a stage; an open transaction "
            + "of a crashed stage is aborted by the broker after it.");

    public static final Setting<Duration> STAGE_RETRY_BACKOFF = new Setting<>("stage.retry.backoff",
            SettingType.DURATION, "1s", "Pause before a stage retries a batch after a retriable error "
            + "(registry or broker unavailable); doubles up to 30 times this value.");

    public static final Setting<Integer> METRICS_PORT = new Setting<>("metrics.port", SettingType.PORT, "9400",
            "Port of the Prometheus /metrics endpoint (on GKM_METRICS_HOST); 0 turns it off.");

    public static final Setting<String> METRICS_HOST = new Setting<>("metrics.host", SettingType.STRING, "127.0.0.1",
            "Address the /metrics endpoint binds to (0.0.0.0 in a pod).");

    public static final Setting<Integer> DEV_KAFKA_PORT = new Setting<>("dev.kafka.port", SettingType.PORT, "9092",
            "gkm dev: port of the embedded Kafka broker on 127.0.0.1 (its controller takes a free port).");

    public static final Setting<Path> DEV_DATA_DIR = new Setting<>("dev.data.dir", SettingType.PATH, "./var",
            "gkm dev: folder for the embedded broker's data (kept across restarts under <dir>/kafka).");

    /** Log levels of the slf4j binding the launcher uses. */
    public enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

    public static final Setting<LogLevel> LOG_LEVEL = new Setting<>("log.level", SettingType.oneOf(LogLevel.class),
            "info", "Log level of gkm's own messages (Kafka's are kept at warn).");

    /** Every shared setting, in the order of the README table. */
    public static List<Setting<?>> all() {
        return List.of(CLUSTER, INSTANCE, KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, TOPIC_PARTITIONS,
                TOPIC_REPLICATION, STAGE_POLL_TIMEOUT, STAGE_MAX_POLL_RECORDS, STAGE_TRANSACTION_TIMEOUT,
                STAGE_RETRY_BACKOFF, METRICS_HOST, METRICS_PORT, DEV_KAFKA_PORT, DEV_DATA_DIR, LOG_LEVEL);
    }

    /** The README's configuration table, generated from the declarations. */
    public static String markdownTable(List<Setting<?>> settings) {
        StringBuilder b = new StringBuilder("| env var | flag | type | default | meaning |\n|---|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            b.append("| `").append(s.envVar()).append("` | `").append(s.flag()).append("` | ")
                    .append(s.type().typeName().replace("|", "\\|")).append(" | ")
                    .append(s.defaultText() == null ? "—" : "`" + s.defaultText() + "`").append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
