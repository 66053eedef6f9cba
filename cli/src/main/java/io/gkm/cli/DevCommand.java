package io.gkm.cli;

import io.gkm.cli.dev.EmbeddedKafka;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;

@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Runs the pipeline in one process on an embedded single-node KRaft Kafka:",
                "broker on 127.0.0.1 (data kept under <dev.data.dir>/kafka), all pipeline topics, /metrics,",
                "and every stage that is built. Ctrl-C (or SIGTERM) stops it cleanly."})
final class DevCommand extends ConfiguredCommand implements Callable<Integer> {
    /** Stages of DESIGN.md that do not run as stages yet; each leaves this list when it runs here. */
    static final List<String> NOT_RUNNING = List.of("ingest", "verifier", "dispatcher", "node-consumer", "audit");

    @Override
    List<Setting<?>> settings() {
        return Settings.all();
    }

    @Override
    public Integer call() throws InterruptedException {
        GkmConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gkm-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path dataDir = config.get(Settings.DEV_DATA_DIR).resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, config.get(Settings.DEV_KAFKA_PORT), Duration.ofSeconds(60));
             Admin admin = new KafkaClientFactory(kafka.bootstrapServers(), config.kafkaPassThrough()).admin("gkm-dev");
             MetricsServer metrics = startMetrics(config)) {
            TopicAdmin topicAdmin = new TopicAdmin(admin);
            Topics topics = TopicsCommand.pipelineTopics(config, topicAdmin);
            long created = topicAdmin.create(topics.pipelineTopics()).stream().filter(c -> !c.existed()).count();
            out.printf("kafka     %s (data: %s)%n", kafka.bootstrapServers(), dataDir);
            out.printf("topics    %d pipeline topics with prefix '%s' (%d created now); see: gkm topics describe --bootstrap %s%n",
                    topics.pipelineTopics().size(), topics.prefix(), created, kafka.bootstrapServers());
            out.printf("metrics   %s%n", metrics == null ? "off (GKM_METRICS_PORT=0)"
                    : "http://" + config.get(Settings.METRICS_HOST) + ":" + metrics.port() + "/metrics");
            out.printf("stages    none running: %s do not run as pipeline stages yet%n", String.join(", ", NOT_RUNNING));
            out.printf("ready in %.1f s; Ctrl-C stops%n", (System.nanoTime() - started) / 1e9);
            out.flush();
            stop.await();
            out.println("stopping");
            out.flush();
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is what stopped us
            }
        }
        return 0;
    }

    private static MetricsServer startMetrics(GkmConfig config) {
        int port = config.get(Settings.METRICS_PORT);
        if (port == 0) {
            return null;
        }
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        return MetricsServer.start(registry, config.get(Settings.METRICS_HOST), port);
    }
}
