package io.gkm.dispatcher.stage;

import static io.gkm.dispatcher.routing.Events.ROCM_GFX90A;
import static io.gkm.dispatcher.routing.Events.verified;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.RetriableStageException;
import io.gkm.dispatcher.routing.InstallJobs;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.JobAction;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** Jobs topics created on first use, on a broker with ACLs: with Create on the prefix, and without. */
@WithKafka(authorizer = true)
class JobTopicsIT {
    private static final String KEY = "c1/team-a/GKMCache/vector-add";

    private static Decision oneJob(Topics topics, String node) {
        InstallJob job = new InstallJobs(new CacheLayout(Path.of(CacheLayout.DEFAULT_ROOT)), UUID::randomUUID,
                Clock.systemUTC()).job(JobAction.INSTALL, verified(KEY, "quay.io/gkm/c:rocm", ROCM_GFX90A), "c1", node);
        return new Decision(List.of(new Outbound(topics.jobs("c1", node), KEY, job)), List.of());
    }

    private static Inbound anyInbound(Topics topics) {
        return new Inbound(topics.verifications(), 0, 0, KEY, new CloudEventHeaders("id", "/gkm/c1/verifier/v",
                "io.gkm.verification.v1", Instant.now(), KEY, "id"), verified(KEY, "quay.io/gkm/c:rocm", ROCM_GFX90A));
    }

    @Test
    void aNodesJobsTopicIsCreatedWithItsSettingsBeforeTheFirstJob(KafkaCluster kafka) {
        Topics topics = new Topics(kafka.uniqueName("jt") + ".", 1, (short) 1);
        TopicAdmin admin = new TopicAdmin(kafka.admin());

        Decision d = new JobTopics(inbound -> oneJob(topics, "gpu-a"), topics, admin).decide(anyInbound(topics));

        assertThat(d.outputs()).hasSize(1);
        assertThat(admin.describe(List.of(topics.jobs("c1", "gpu-a")))).singleElement().satisfies(t -> {
            assertThat(t.partitions()).isEqualTo(1);
            assertThat(t.configs()).containsEntry("retention.ms", Long.toString(Topics.JOBS_RETENTION_MS));
        });
    }

    @Test
    void withoutCreateOnTheJobsPrefixTheBatchIsRetriedNamingTheAclItNeeds(KafkaCluster kafka) {
        Topics topics = new Topics(kafka.uniqueName("jt") + ".", 1, (short) 1);
        try (Admin refused = new KafkaClientFactory(kafka.bootstrapServers(),
                kafka.clientProperties("gkm-dispatcher")).admin("it-dispatcher")) {
            JobTopics jobTopics = new JobTopics(inbound -> oneJob(topics, "gpu-a"), topics, new TopicAdmin(refused));

            assertThatThrownBy(() -> jobTopics.decide(anyInbound(topics)))
                    .isInstanceOf(RetriableStageException.class)
                    .hasMessageContaining("cannot create jobs topic " + topics.jobs("c1", "gpu-a"))
                    .hasMessageContaining("needs Create on topics with prefix " + topics.jobsPrefix());
        }
        assertThat(new TopicAdmin(kafka.admin()).list(topics.jobsPrefix())).isEmpty();
    }
}
