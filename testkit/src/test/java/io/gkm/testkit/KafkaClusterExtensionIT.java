package io.gkm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaClusterExtensionIT {

    private static KafkaCluster fromBeforeAll;

    @BeforeAll
    static void rememberCluster(KafkaCluster kafka) {
        fromBeforeAll = kafka;
        System.out.printf("[testkit] 1-broker KRaft cluster startup: %d ms (%s)%n",
                kafka.startupTime().toMillis(), kafka.bootstrapServers());
    }

    @Test
    void aClusterWithAnAuthorizerRefusesAUserUntilAnAclAllowsItAndServesItsOwnPropsAsASuperUser(
            @WithKafka(authorizer = true) KafkaCluster secured) throws Exception {
        assertThat(secured.authorizer()).isTrue();
        String topic = secured.uniqueTopic("acl");
        secured.createTopics(topic);
        String user = secured.uniqueName("user");
        Map<String, Object> asUser = new HashMap<>(secured.producerProps());
        asUser.putAll(secured.clientProperties(user));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, "v".getBytes(StandardCharsets.UTF_8));

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(asUser)) {
            assertThatThrownBy(() -> producer.send(record).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        secured.admin().createAcls(List.of(AclOperation.WRITE, AclOperation.DESCRIBE).stream()
                .map(op -> new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)))
                .toList()).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(asUser)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> producer.send(record).get(10, TimeUnit.SECONDS).topic().equals(topic));
        }
        assertThat(consume(secured.consumerProps(secured.uniqueName("g")), topic, 1)).isNotEmpty();
    }

    @Test
    void produceAndConsumeOnOneBroker(KafkaCluster kafka) throws Exception {
        assertThat(kafka.brokers()).isEqualTo(1);
        assertThat(kafka.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        String topic = kafka.uniqueTopic("roundtrip");
        kafka.createTopics(topic);
        byte[] key = "key-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = "value-1".getBytes(StandardCharsets.UTF_8);

        RecordMetadata sent;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            sent = producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<byte[], byte[]>> got = consume(kafka.consumerProps(kafka.uniqueName("g")), topic, 1);

        assertThat(sent.topic()).isEqualTo(topic);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).key()).isEqualTo(key);
        assertThat(got.get(0).value()).isEqualTo(value);
        assertThat(got.get(0).offset()).isEqualTo(sent.offset());
    }

    @Test
    @WithKafka(brokers = 3)
    void threeBrokersReplicateATopicToThreeInSyncReplicas(KafkaCluster kafka) throws Exception {
        System.out.printf("[testkit] 3-broker KRaft cluster startup: %d ms (%s)%n",
                kafka.startupTime().toMillis(), kafka.bootstrapServers());
        assertThat(kafka.brokers()).isEqualTo(3);
        Collection<Node> nodes = kafka.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS);
        assertThat(nodes).hasSize(3);
        String topic = kafka.uniqueTopic("replicated");

        kafka.createTopic(topic, 3, (short) 3);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TopicDescription d = kafka.admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions()).hasSize(3);
            for (TopicPartitionInfo p : d.partitions()) {
                assertThat(p.replicas()).hasSize(3);
                assertThat(p.isr()).hasSize(3);
                assertThat(p.leader()).isNotNull();
            }
        });
        // and it carries data with acks=all on 3 replicas
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            producer.send(new ProducerRecord<>(topic, 2, null, bytes("replicated"))).get(30, TimeUnit.SECONDS);
        }
        assertThat(consume(kafka.consumerProps(kafka.uniqueName("g3")), topic, 1))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("replicated");
    }

    @Test
    void transactionalCommitIsVisibleToReadCommittedAndAbortIsNot(KafkaCluster kafka) throws Exception {
        String topic = kafka.uniqueTopic("tx");
        kafka.createTopics(topic);

        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(kafka.transactionalProducerProps(kafka.uniqueName("tx-id")))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("aborted")));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("committed")));
            producer.commitTransaction();
        }

        // read_uncommitted sees both data records: the aborted one really was written
        List<String> uncommitted = values(consume(kafka.consumerProps(kafka.uniqueName("ru")), topic, 2));
        assertThat(uncommitted).containsExactly("aborted", "committed");
        // read_committed sees only the committed one (and nothing else after it)
        List<String> committed = values(consume(kafka.readCommittedConsumerProps(kafka.uniqueName("rc")), topic, 1));
        assertThat(committed).containsExactly("committed");
    }

    @Test
    void clusterIsSharedAcrossContextsAndBrokerCounts(
            KafkaCluster one, @WithKafka(brokers = 3) KafkaCluster three) throws Exception {
        assertThat(one).isSameAs(fromBeforeAll);
        assertThat(one.brokers()).isEqualTo(1);
        assertThat(three.brokers()).isEqualTo(3);
        assertThat(three.bootstrapServers()).isNotEqualTo(one.bootstrapServers());
        assertThat(three.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
    }

    @Test
    void sharedAdminCannotBeClosedByATest(KafkaCluster kafka) throws Exception {
        Admin admin = kafka.admin();
        admin.close();
        admin.close(Duration.ZERO);

        String topic = kafka.uniqueTopic("after-close");
        assertThatCode(() -> kafka.createTopics(2, topic)).doesNotThrowAnyException();
        Set<String> names = kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(names).contains(topic);
        assertThat(kafka.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions()).hasSize(2);
    }

    @Test
    void clusterRunsTheLatestProductionMetadataVersion(KafkaCluster kafka) throws Exception {
        FeatureMetadata features = kafka.admin().describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS);

        assertThat(features.finalizedFeatures().get(MetadataVersion.FEATURE_NAME).maxVersionLevel())
                .isEqualTo(MetadataVersion.latestProduction().featureLevel());
    }

    @Test
    void brokerConfigsSuitTransactionsOnEveryClusterSize() {
        assertThat(KafkaCluster.brokerConfigs(1)).containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0");
        assertThat(KafkaCluster.brokerConfigs(5)).containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("offsets.topic.replication.factor", "3");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
        return out;
    }

    /** Polls until {@code expected} records arrived, then polls once more to catch extras. */
    private static List<ConsumerRecord<byte[], byte[]>> consume(Map<String, Object> props, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(got::add);
        }
        return got;
    }
}
