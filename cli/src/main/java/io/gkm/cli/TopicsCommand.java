package io.gkm.cli;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.schemas.TopicSpec;
import io.gkm.schemas.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "topics", mixinStandardHelpOptions = true,
        header = "Creates or describes the pipeline topics.",
        description = {"Creates or describes the pipeline topics (prefix, partitions, retention, compaction).",
                "Per-node job topics are created by the dispatcher when it first sees a node."})
final class TopicsCommand extends ConfiguredCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KafkaPropertyOption kafkaProperty;

    enum Action { create, describe }

    @Parameters(index = "0", paramLabel = "ACTION", description = "create or describe")
    Action action;

    @Option(names = {"--bootstrap", "--kafka-bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers. Env: GKM_KAFKA_BOOTSTRAP_SERVERS; default: 127.0.0.1:9092.")
    String bootstrap;

    @Override
    List<Setting<?>> settings() {
        return List.of(Settings.KAFKA_BOOTSTRAP_SERVERS, Settings.TOPIC_PREFIX, Settings.TOPIC_PARTITIONS,
                Settings.TOPIC_REPLICATION);
    }

    @Override
    public Integer call() {
        GkmConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = KafkaClientFactory.from(config).admin("gkm-topics")) {
            TopicAdmin topicAdmin = new TopicAdmin(admin);
            Topics topics = pipelineTopics(config, topicAdmin);
            List<String> names = topics.pipelineTopics().stream().map(TopicSpec::name).toList();
            if (action == Action.create) {
                for (TopicAdmin.Created c : topicAdmin.create(topics.pipelineTopics())) {
                    out.printf("%-28s %s%n", c.name(), c.existed() ? "exists" : "created");
                }
            }
            print(out, topicAdmin, topics, names);
        }
        return 0;
    }

    /** The pipeline topics as configured; replication defaults to min(3, brokers). */
    static Topics pipelineTopics(GkmConfig config, TopicAdmin admin) {
        short replication = config.find(Settings.TOPIC_REPLICATION).map(Integer::shortValue)
                .orElseGet(admin::defaultReplication);
        return new Topics(config.get(Settings.TOPIC_PREFIX), config.get(Settings.TOPIC_PARTITIONS), replication);
    }

    static void print(PrintWriter out, TopicAdmin admin, Topics topics, List<String> expected) {
        List<String> present = admin.list(topics.prefix());
        out.printf("%-28s %10s %11s  %s%n", "TOPIC", "PARTITIONS", "REPLICATION", "CONFIGS");
        for (TopicAdmin.Described d : admin.describe(present)) {
            out.printf("%-28s %10d %11d  %s%n", d.name(), d.partitions(), d.replicationFactor(), d.configs());
        }
        List<String> missing = expected.stream().filter(n -> !present.contains(n)).toList();
        if (!missing.isEmpty()) {
            out.println("missing: " + String.join(", ", missing) + " (run: gkm topics create)");
        }
        out.flush();
    }
}
