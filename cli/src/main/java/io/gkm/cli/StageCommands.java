package io.gkm.cli;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.StageLoop;
import io.gkm.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;

/** What every command that runs a stage until SIGTERM does alike: topics checked, /metrics, ready line, failures. */
final class StageCommands {
    /** How often a running command looks whether a stage stopped on its own. */
    static final Duration FAILURE_CHECK = Duration.ofSeconds(1);

    private StageCommands() {
    }

    /** The broker, topics and /metrics of a command that runs until SIGTERM, and that it is ready. */
    static void printReady(PrintWriter out, GkmConfig config, Topics topics, MetricsServer metrics) {
        out.printf("kafka     %s (topics with prefix '%s')%n", config.get(Settings.KAFKA_BOOTSTRAP_SERVERS),
                topics.prefix());
        out.printf("metrics   %s%n", metrics == null ? "off (GKM_METRICS_PORT=0)"
                : "http://" + config.get(Settings.METRICS_HOST) + ":" + metrics.port() + "/metrics");
        out.println("ready; SIGTERM or Ctrl-C stops");
        out.flush();
    }

    /** The pipeline topics as configured, checked that those {@code command} uses exist. */
    static Topics existingTopics(GkmConfig config, KafkaClientFactory kafka, String command,
            Function<Topics, List<String>> used) {
        try (Admin admin = kafka.admin("gkm-" + command + "-topics")) {
            TopicAdmin topicAdmin = new TopicAdmin(admin);
            Topics topics = TopicsCommand.pipelineTopics(config, topicAdmin);
            List<String> present = topicAdmin.list(topics.prefix());
            List<String> missing = used.apply(topics).stream().filter(t -> !present.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("topics " + String.join(", ", missing) + " do not exist on "
                        + config.get(Settings.KAFKA_BOOTSTRAP_SERVERS) + "; create them: gkm topics create");
            }
            return topics;
        }
    }

    /** The plain-HTTP /metrics endpoint, or null when GKM_METRICS_PORT is 0. */
    static MetricsServer startMetrics(GkmConfig config, PrometheusMeterRegistry registry) {
        int port = config.get(Settings.METRICS_PORT);
        if (port == 0) {
            return null;
        }
        return MetricsServer.start(registry, config.get(Settings.METRICS_HOST), port);
    }
    /** Ends the command with the reason of a stage that stopped on its own. */
    static void throwIfFailed(StageLoop stage) {
        throwIfFailed(stage.failure());
    }

    /** Ends the command with {@code failure}, the reason a stage stopped on its own, if there is one. */
    static void throwIfFailed(Optional<? extends Throwable> failure) {
        if (failure.isPresent()) {
            throw failure.get() instanceof RuntimeException e ? e
                    : new IllegalStateException(failure.get().getMessage(), failure.get());
        }
    }
}
