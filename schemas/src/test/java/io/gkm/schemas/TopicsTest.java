package io.gkm.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {
    private final Topics topics = new Topics();

    @Test
    void fixedTopicNamesUseTheDefaultPrefix() {
        assertThat(List.of(topics.admissions(), topics.resources(), topics.verifications(), topics.installResults(),
                topics.nodes(), topics.audit(), topics.auditLedger(), topics.dlq(), topics.ingestWatchState(),
                topics.dispatcherState()))
                .containsExactly("gkm.admissions", "gkm.resources", "gkm.verifications", "gkm.install-results",
                        "gkm.nodes", "gkm.audit", "gkm.audit-ledger", "gkm.dlq", "gkm.ingest.watch-state",
                        "gkm.dispatcher.state");
    }

    @Test
    void configuredPrefixStartsEveryName() {
        Topics t = new Topics("staging_gkm-", 3, (short) 1);

        assertThat(t.resources()).isEqualTo("staging_gkm-resources");
        assertThat(t.jobs("c1", "n1")).isEqualTo("staging_gkm-jobs.c1.n1");
        assertThat(t.pipelineTopics()).allSatisfy(s -> assertThat(s.name()).startsWith("staging_gkm-"));
    }

    @Test
    void jobsTopicIsPrefixJobsClusterNode() {
        assertThat(topics.jobs("prod", "gpu-node-1.example.com")).isEqualTo("gkm.jobs.prod.gpu-node-1.example.com");
        assertThat(topics.jobsPattern().matcher(topics.jobs("prod", "n1")).matches()).isTrue();
        assertThat(topics.jobsPattern().matcher(topics.nodes()).matches()).isFalse();
    }

    @Test
    void jobsTopicReplacesCharactersKafkaDoesNotAllow() {
        assertThat(topics.jobs("prod/eu", "node:1 ä")).isEqualTo("gkm.jobs.prod_eu.node_1__");
    }

    @Test
    void jobsTopicLongerThan249CharactersIsCutAndEndsInAHashOfTheFullName() {
        String node = "n".repeat(300);

        String name = topics.jobs("prod", node);

        assertThat(name).hasSize(249).matches("gkm\\.jobs\\.prod\\.n+-[0-9a-f]{12}");
        assertThat(topics.jobs("prod", node)).isEqualTo(name);
        assertThat(topics.jobs("prod", node + "x")).hasSize(249).isNotEqualTo(name);
        assertThat(topics.jobs("prod", "n".repeat(299) + ":")).hasSize(249)
                .isNotEqualTo(topics.jobs("prod", "n".repeat(299) + "/"));
    }

    @Test
    void jobsTopicOfExactly249CharactersIsKept() {
        String node = "n".repeat(249 - "gkm.jobs.prod.".length());

        assertThat(topics.jobs("prod", node)).isEqualTo("gkm.jobs.prod." + node);
    }

    @Test
    void jobsTopicRejectsEmptyClusterOrNode() {
        assertThatThrownBy(() -> topics.jobs("", "n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> topics.jobs("c", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefixWithIllegalCharactersOrTooLongIsRejected() {
        assertThatThrownBy(() -> new Topics("gkm/", 1, (short) 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'gkm/'");
        assertThatThrownBy(() -> new Topics(null, 1, (short) 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Topics("g".repeat(201), 1, (short) 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("201");
        assertThatThrownBy(() -> new Topics("gkm.", 0, (short) 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Topics("gkm.", 1, (short) 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pipelineTopicsHaveTheirSettings() {
        Map<String, TopicSpec> specs = new Topics("gkm.", 12, (short) 1).pipelineTopics().stream()
                .collect(Collectors.toMap(TopicSpec::name, s -> s));

        assertThat(specs).hasSize(10);
        for (String resourceTopic : List.of("gkm.admissions", "gkm.resources", "gkm.verifications", "gkm.install-results")) {
            assertThat(specs.get(resourceTopic).partitions()).as(resourceTopic).isEqualTo(12);
            assertThat(specs.get(resourceTopic).replicationFactor()).isEqualTo((short) 1);
        }
        assertThat(specs.get("gkm.nodes").configs()).containsEntry("cleanup.policy", "compact");
        assertThat(specs.get("gkm.audit").configs()).containsEntry("retention.ms", Long.toString(90L * 24 * 3600 * 1000));
        assertThat(specs.get("gkm.audit-ledger").configs()).containsEntry("retention.ms", "-1");
        assertThat(specs.get("gkm.audit-ledger").partitions()).isEqualTo(1);
        assertThat(specs.get("gkm.dlq").configs()).containsEntry("retention.ms", Long.toString(30L * 24 * 3600 * 1000));
        assertThat(specs.get("gkm.ingest.watch-state").configs()).containsEntry("cleanup.policy", "compact");
        assertThat(specs.get("gkm.ingest.watch-state").partitions()).isEqualTo(12);
        assertThat(specs.get("gkm.dispatcher.state").configs()).containsEntry("cleanup.policy", "compact");
        assertThat(specs.get("gkm.dispatcher.state").partitions()).isEqualTo(12);
        assertThat(specs.get("gkm.resources").configs()).doesNotContainKey("min.insync.replicas");
    }

    @Test
    void threeReplicasRequireTwoInSyncReplicas() {
        assertThat(new Topics("gkm.", 6, (short) 3).pipelineTopics())
                .allSatisfy(s -> assertThat(s.configs()).containsEntry("min.insync.replicas", "2"));
    }

    @Test
    void jobsTopicSpecHasOnePartition() {
        TopicSpec spec = topics.jobsTopic("prod", "n1");

        assertThat(spec.name()).isEqualTo("gkm.jobs.prod.n1");
        assertThat(spec.partitions()).isEqualTo(1);
        assertThat(spec.configs()).containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
    }
}
