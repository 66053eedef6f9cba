package io.gkm.core.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * A stage whose Kafka user lacks one ACL of its flow, on a broker that checks ACLs: the refusal
 * reaches StageLoop wrapped by the transactional producer, and the stage stops with a reason
 * naming the resource and the ACL it needs instead of aborting and retrying forever.
 */
@WithKafka(authorizer = true)
class StageLoopAclIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INSTANCE = "i1";

    /** One stage's topics, group, transactional id and user, unique on the shared broker. */
    private record Flow(KafkaCluster kafka, String user, String prefix, String input, String output, Topics topics) {
        static Flow create(KafkaCluster kafka) {
            String prefix = kafka.uniqueName("acl") + ".";
            Topics topics = new Topics(prefix, 1, (short) 1);
            Flow f = new Flow(kafka, kafka.uniqueName("user"), prefix, prefix + "in", prefix + "out", topics);
            kafka.createTopics(1, f.input, f.output, topics.audit(), topics.dlq());
            return f;
        }

        String group() {
            return new StageSpec(TestStage.NAME, "c1", INSTANCE, List.of(input)).groupId(prefix);
        }

        String transactionalId() {
            return new StageSpec(TestStage.NAME, "c1", INSTANCE, List.of(input)).transactionalId(prefix);
        }

        /** Every ACL the stage needs, as a KafkaUser would list them, but {@code missing}. */
        void allowAllBut(AclBinding missing) throws Exception {
            List<AclBinding> acls = new ArrayList<>(List.of(
                    allow(ResourceType.TOPIC, input, AclOperation.READ),
                    allow(ResourceType.TOPIC, input, AclOperation.DESCRIBE),
                    allow(ResourceType.GROUP, group(), AclOperation.READ),
                    allow(ResourceType.TRANSACTIONAL_ID, transactionalId(), AclOperation.WRITE),
                    allow(ResourceType.TRANSACTIONAL_ID, transactionalId(), AclOperation.DESCRIBE)));
            for (String topic : List.of(output, topics.audit(), topics.dlq())) {
                acls.add(allow(ResourceType.TOPIC, topic, AclOperation.WRITE));
                acls.add(allow(ResourceType.TOPIC, topic, AclOperation.DESCRIBE));
            }
            assertThat(acls.remove(missing)).as("the missing ACL is one of the flow's").isTrue();
            kafka.admin().createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }

        AclBinding allow(ResourceType type, String name, AclOperation operation) {
            return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
        }

        /** Runs the stage as {@link #user} on one input event until it fails; the failure's message. */
        String stageFailure(SimpleMeterRegistry registry) throws Exception {
            try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(),
                    kafka.clientProperties("plain-admin")).producer("test-input")) {
                Emitter ingest = new Emitter("ingest", "c1", "test", topics, EventCodec.INSTANCE, Clock.systemUTC());
                producer.send(ingest.chainStart(new Outbound(input, "c1/ns/GKMCache/cache-1",
                        TestStage.resource(1, "{}")))).get(30, TimeUnit.SECONDS);
            }
            KafkaClientFactory clients = new KafkaClientFactory(kafka.bootstrapServers(), kafka.clientProperties(user));
            try (StageLoop loop = TestStage.loop(clients, prefix, INSTANCE, input, TestStage.handler(output), registry,
                    TestStage.timing(500, Duration.ofSeconds(30)))) {
                loop.start();
                await().atMost(WAIT).until(() -> loop.failure().isPresent());
                assertThat(loop.awaitStopped(WAIT)).as("the stage stopped by itself").isTrue();
                assertThat(loop.failure().get()).isInstanceOf(StageFailedException.class);
                return loop.failure().get().getMessage();
            }
        }
    }

    @Test
    void aStageNotAllowedToWriteItsOutputTopicStopsNamingTheTopicAndTheAclInsteadOfRetrying(KafkaCluster kafka)
            throws Exception {
        Flow flow = Flow.create(kafka);
        flow.allowAllBut(flow.allow(ResourceType.TOPIC, flow.output, AclOperation.WRITE));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        String reason = flow.stageFailure(registry);

        assertThat(reason).contains("not allowed to use Kafka").contains("topic " + flow.output)
                .contains("Write");
        assertThat(registry.counter("gkm.stage.transactions.aborted", "stage", TestStage.NAME).count())
                .as("no retry of a refused write").isZero();
        assertThat(registry.counter("gkm.stage.transactions.committed", "stage", TestStage.NAME).count()).isZero();
        assertThat(TopicContents.readAll(kafka.readCommittedConsumerProps("r"), flow.output)).isEmpty();
        assertThat(TopicContents.readAll(kafka.readCommittedConsumerProps("r"), flow.topics.audit())).isEmpty();
    }

    @Test
    void aStageNotAllowedToCommitOffsetsForItsGroupStopsNamingTheGroupAndTheAcl(KafkaCluster kafka) throws Exception {
        Flow flow = Flow.create(kafka);
        flow.allowAllBut(flow.allow(ResourceType.GROUP, flow.group(), AclOperation.READ));

        String reason = flow.stageFailure(new SimpleMeterRegistry());

        assertThat(reason).contains("not allowed to use Kafka").contains("group " + flow.group()).contains("Read");
        assertThat(TopicContents.readAll(kafka.readCommittedConsumerProps("r"), flow.output)).isEmpty();
    }

    @Test
    void aStageNotAllowedToUseItsTransactionalIdStopsNamingTheIdAndTheAcl(KafkaCluster kafka) throws Exception {
        Flow flow = Flow.create(kafka);
        flow.allowAllBut(flow.allow(ResourceType.TRANSACTIONAL_ID, flow.transactionalId(), AclOperation.WRITE));

        String reason = flow.stageFailure(new SimpleMeterRegistry());

        assertThat(reason).contains("not allowed to use Kafka").contains("transactional id " + flow.transactionalId())
                .contains("Write");
    }
}
