package io.gkm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageHandler;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.ingest.model.GKMCache;
import io.gkm.ingest.watch.ResourceWatches;
import io.gkm.ingest.watch.WatchScope;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.Operation;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.testkit.Fixtures;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.stage.VerificationHandler;
import io.gkm.verifier.stage.VerifierStage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered KafkaUsers' ACLs on a real broker: a KRaft node with Kafka's StandardAuthorizer
 * (what Strimzi's {@code authorization: simple} runs), the ACLs bound as Strimzi's User Operator
 * binds them, and the KafkaTopics created as its Topic Operator would. Each component's real
 * Kafka code then runs as its user: ingest's watches and webhook producer, and a {@link StageLoop}
 * for each stage on its part of the data flow. What the code does passes; a write outside the
 * flow is refused.
 *
 * <p>Users authenticate with SASL/PLAIN here instead of Strimzi's TLS client certificates: the
 * ACLs name the same principal ({@code User:<KafkaUser name>}), and only authorisation is tested.
 * testkit's {@code @WithKafka} has no authorizer, so this starts Kafka's test kit itself.
 */
@EnableKubernetesMockClient(crud = true)
class KafkaUserAclsIT {
    private static final String ADMIN = "plain-admin"; // the test kit's own clients log in as this super user
    private static final String NODE = "node-a";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final StageLoop.Timing TIMING = new StageLoop.Timing(Duration.ofMillis(100), 100,
            Duration.ofSeconds(30), Duration.ofMillis(100));

    private static KafkaClusterTestKit kit;
    private static Admin admin;
    private static Topics topics;
    private static String cluster;

    KubernetesClient client;

    @BeforeAll
    static void startSecuredKafka() throws Exception {
        List<HasMetadata> objects = Manifests.render("overlays/kind");
        Map<String, String> settings = Manifests.named(Manifests.ofType(objects, ConfigMap.class), "gkm-settings").getData();
        topics = new Topics(settings.get("GKM_TOPIC_PREFIX"), Integer.parseInt(settings.get("GKM_TOPIC_PARTITIONS")),
                Short.parseShort(settings.get("GKM_TOPIC_REPLICATION")));
        cluster = settings.get("GKM_CLUSTER");
        List<GenericKubernetesResource> users = Manifests.ofKind(objects, "KafkaUser");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(ADMIN).append("\" password=\"").append(password(ADMIN)).append('"')
                .append(" user_").append(ADMIN).append("=\"").append(password(ADMIN)).append('"');
        users.forEach(u -> jaas.append(" user_").append(u.getMetadata().getName()).append("=\"")
                .append(password(u.getMetadata().getName())).append('"'));
        jaas.append(';');

        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction()).build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
        builder.setConfigProp("listener.name.external.plain.sasl.jaas.config", jaas.toString());
        // The controller listener stays PLAINTEXT inside this JVM; the broker reaches it as ANONYMOUS.
        builder.setConfigProp("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        for (String rf : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr")) {
            builder.setConfigProp(rf, "1");
        }
        builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
        kit = builder.build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        admin = kit.admin();

        List<AclBinding> bindings = new ArrayList<>();
        users.forEach(u -> bindings.addAll(bindings(KafkaAcls.of(u))));
        admin.createAcls(bindings).all().get();
        List<NewTopic> created = new ArrayList<>();
        for (GenericKubernetesResource t : Manifests.ofKind(objects, "KafkaTopic")) {
            Map<String, String> configs = new HashMap<>();
            Map<?, ?> c = Manifests.field(t, "spec", "config");
            c.forEach((k, v) -> configs.put(String.valueOf(k), String.valueOf(v)));
            created.add(new NewTopic(t.getMetadata().getName(), ((Number) Manifests.field(t, "spec", "partitions")).intValue(),
                    ((Number) Manifests.field(t, "spec", "replicas")).shortValue()).configs(configs));
        }
        created.add(new NewTopic(topics.jobs(cluster, NODE), 1, topics.replication()));
        admin.createTopics(created).all().get();
        awaitLeaders(created.stream().map(NewTopic::name).toList());
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void ingestsWatchesAndWebhookProducerWorkAsGkmIngestAndNothingMore() throws Exception {
        KafkaClientFactory kafka = clients("gkm-ingest");
        Emitter emitter = new Emitter("ingest", cluster, "pod-0", topics, EventCodec.INSTANCE, Clock.systemUTC());
        String key = cluster + "/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1";
        GKMCache cache;
        try (InputStream in = Files.newInputStream(Fixtures.path("gkm/examples/namespace/11-gkmcache.yaml"))) {
            cache = client.getKubernetesSerialization().unmarshal(in, GKMCache.class);
        }

        try (ResourceWatches watches = ResourceWatches.start(client, kafka, emitter, new ResourceWatches.Settings(
                new WatchScope(cluster, Set.of()), topics, Duration.ofSeconds(30), Duration.ofMillis(200)), Clock.systemUTC())) {
            client.resource(cache).create();
            await().atMost(WAIT).until(() -> !keyed(topics.resources(), key).isEmpty() || watches.failure().isPresent());
            assertThat(watches.failure()).isEmpty();
        }
        try (KafkaProducer<String, byte[]> webhook = kafka.producer("gkm-ingest-webhook-pod-0")) {
            webhook.send(new ProducerRecord<>(topics.admissions(), "k", bytes("admission"))).get();
            webhook.send(new ProducerRecord<>(topics.audit(), "k", bytes("audit"))).get();
        }
        try (KafkaProducer<String, byte[]> stray = kafka.producer("gkm-ingest-stray")) {
            assertThatThrownBy(() -> stray.send(new ProducerRecord<>(topics.verifications(), "k", bytes("x"))).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }

        ResourceEvent event = EventCodec.INSTANCE.decode(topics.resources(), keyed(topics.resources(), key).get(0).value(),
                ResourceEvent.class);
        assertThat(event.getChangeType()).isEqualTo(ChangeType.ADDED);
        assertThat(readAll(topics.ingestWatchState())).hasSize(1);
    }

    /**
     * The real verifier stage as gkm-verifier: it reads both its inputs (an admission, audited as
     * skipped; a resource, verified: no policy is loaded, so it is REJECTED without a registry),
     * writes the verdict, audits both and dead-letters an undecodable record.
     */
    @Test
    void theVerifierStageRunsOnItsFlowAsGkmVerifier() throws Exception {
        String id = "verifier-real";
        produce(topics.admissions(), admission(id));
        produce(topics.resources(), event(id));
        produce(topics.resources(), new ProducerRecord<>(topics.resources(), null, "garbage-verifier",
                bytes("not an event"), new RecordHeaders()));
        Verifier verifier = Verifier.builder().policies(List.of()).registry(RegistryClient.builder().build()).build();
        StageSpec spec = new StageSpec(VerificationHandler.STAGE, cluster, "pod-0", VerificationHandler.inputs(topics));

        try (StageLoop loop = VerifierStage.loop(spec, TIMING, clients("gkm-verifier"), topics, verifier,
                new SimpleMeterRegistry())) {
            loop.start();
            await().atMost(WAIT).until(() -> loop.failure().isPresent() || (!keyed(topics.verifications(), eventKey(id))
                    .isEmpty() && !keyed(topics.dlq(), "garbage-verifier").isEmpty()
                    && keyed(topics.audit(), eventKey(id)).size() == 2));
            assertThat(loop.failure()).isEmpty();
        }

        VerificationResult result = EventCodec.INSTANCE.decode(topics.verifications(),
                keyed(topics.verifications(), eventKey(id)).get(0).value(), VerificationResult.class);
        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons()).containsExactly("no policy selects this resource: no policies are loaded");
        assertThat(keyed(topics.audit(), eventKey(id))).extracting(r -> EventCodec.INSTANCE.decode(topics.audit(),
                r.value(), AuditEvent.class).getOutcome()).containsExactlyInAnyOrder("SKIPPED", "REJECTED");
    }

    @Test
    void theDispatcherCreatesAJobsTopicAndRunsOnItsFlowAsGkmDispatcher() throws Exception {
        String newNode = topics.jobs(cluster, "node-b");
        try (Admin dispatcher = Admin.create(clients("gkm-dispatcher").commonProperties())) {
            assertThat(new TopicAdmin(dispatcher).create(List.of(topics.jobsTopic(cluster, "node-b"))))
                    .extracting(TopicAdmin.Created::name).containsExactly(newNode);
        }
        awaitLeaders(List.of(newNode));

        runStage("dispatcher", topics.verifications(), List.of(newNode), true);
    }

    @Test
    void theNodeConsumerStageRunsOnItsFlowAsGkmNodeConsumer() throws Exception {
        runStage("node-consumer", topics.jobs(cluster, NODE), List.of(topics.installResults(), topics.nodes()), true);
    }

    @Test
    void theAuditLedgerReadsAuditAndWritesTheLedgerAsGkmAudit() throws Exception {
        // The ledger's decisions audit nothing (its input is the audit stream), but a dead letter
        // is audited all the same.
        runStage("audit", topics.audit(), List.of(topics.auditLedger()), false);
    }

    @Test
    void aStageWritingOutsideItsFlowIsRefusedAndNothingOfItLands() throws Exception {
        String input = topics.resources();
        produce(input, event("refused"));
        StageHandler handler = in -> Decision.of(new Outbound(topics.installResults(), in.key(), in.event()),
                new AuditEntry("verify", "VERIFIED", null, in.key(), Map.of()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        // The same instance and inputs as the verifier's other run: a static group member replaces its
        // predecessor at once, but keeps its predecessor's assignment when it subscribes to other topics.
        try (StageLoop loop = stage("verifier", "pod-0", VerificationHandler.inputs(topics), handler, registry)) {
            loop.start();
            // However the producer wraps the refusal, StageLoop stops and names the ACL the user lacks.
            await().atMost(WAIT).until(() -> loop.failure().isPresent());
            assertThat(loop.failure().orElseThrow()).hasMessageContaining(topics.installResults())
                    .hasMessageContaining("Write and Describe on topic");
        }

        assertThat(keyed(topics.installResults(), eventKey("refused"))).isEmpty();
        assertThat(registry.get("gkm.stage.transactions.committed").counter().count()).isZero();
    }

    /**
     * Runs {@code name}'s StageLoop as its KafkaUser on one valid input event and one undecodable
     * record (a dead letter, audited); every output topic gets the event, the dead letter reaches
     * the DLQ, and the stage does not fail.
     */
    private void runStage(String name, String input, List<String> outputs, boolean decisionsAudited) throws Exception {
        String id = name + "-ok";
        produce(input, event(id));
        produce(input, new ProducerRecord<>(input, null, "garbage-" + name, bytes("not an event"), new RecordHeaders()));
        StageHandler handler = in -> new Decision(
                outputs.stream().map(t -> new Outbound(t, in.key(), in.event())).toList(),
                decisionsAudited ? List.of(new AuditEntry(name, "DONE", null, in.key(), Map.of())) : List.of());

        try (StageLoop loop = stage(name, "pod-0", List.of(input), handler, new SimpleMeterRegistry())) {
            loop.start();
            await().atMost(WAIT).until(() -> outputs.stream().allMatch(t -> !keyed(t, eventKey(id)).isEmpty())
                    || loop.failure().isPresent());
            await().atMost(WAIT).until(() -> !keyed(topics.dlq(), "garbage-" + name).isEmpty() || loop.failure().isPresent());
            assertThat(loop.failure()).isEmpty();
        }
        for (String t : outputs) {
            assertThat(keyed(t, eventKey(id))).as(name + " wrote " + t).hasSize(1);
        }
    }

    private StageLoop stage(String name, String instance, List<String> inputs, StageHandler handler,
            SimpleMeterRegistry registry) {
        StageSpec spec = new StageSpec(name, cluster, instance, inputs);
        Emitter emitter = new Emitter(name, cluster, instance, topics, EventCodec.INSTANCE, Clock.systemUTC());
        return new StageLoop(spec, TIMING, clients("gkm-" + name), topics.prefix(), EventCodec.INSTANCE, emitter, handler,
                registry);
    }

    private static ProducerRecord<String, byte[]> event(String id) {
        Emitter source = new Emitter("test", cluster, "test", topics, EventCodec.INSTANCE, Clock.systemUTC());
        ResourceEvent resource = ResourceEvent.newBuilder().setChangeType(ChangeType.ADDED).setResourceKey(eventKey(id))
                .setKind("GKMCache").setNamespace("team-a").setName(id).setUid("uid-" + id).setResourceVersion("1")
                .setGeneration(1).setSpec("{}").setObservedAt(Instant.now()).build();
        return source.chainStart(new Outbound("unused", eventKey(id), resource));
    }

    private static ProducerRecord<String, byte[]> admission(String id) {
        Emitter source = new Emitter("test", cluster, "test", topics, EventCodec.INSTANCE, Clock.systemUTC());
        AdmissionEvent admission = AdmissionEvent.newBuilder().setRequestUid("uid-" + id).setOperation(Operation.CREATE)
                .setResourceKey(eventKey(id)).setKind("GKMCache").setUserName("test").setDecision(
                        io.gkm.schemas.event.Decision.ALLOWED).setReason("").setTime(Instant.now()).build();
        return source.chainStart(new Outbound("unused", eventKey(id), admission));
    }

    private static String eventKey(String id) {
        return cluster + "/team-a/GKMCache/" + id;
    }

    private static void produce(String topic, ProducerRecord<String, byte[]> record) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(adminClientProperties("test-input"),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers())).get();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> keyed(String topic, String key) {
        return readAll(topic).stream().filter(r -> r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .toList();
    }

    /** Every committed record of a topic, read as the super user. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> p = adminClientProperties("test-reader");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    private static Map<String, Object> adminClientProperties(String clientId) {
        Map<String, Object> p = new HashMap<>(saslProperties(ADMIN));
        p.put("bootstrap.servers", kit.bootstrapServers());
        p.put("client.id", clientId);
        return p;
    }

    /** A component's clients, configured as GKM_KAFKA_* would configure them. */
    private static KafkaClientFactory clients(String user) {
        return new KafkaClientFactory(kit.bootstrapServers(), saslProperties(user));
    }

    private static Map<String, String> saslProperties(String user) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password(user) + "\";");
    }

    private static String password(String user) {
        return user.equals(ADMIN) ? "plain-admin-secret" : user + "-secret";
    }

    /** The ACLs as Strimzi's User Operator binds them: principal {@code User:<KafkaUser name>}, any host. */
    private static List<AclBinding> bindings(KafkaAcls user) {
        List<AclBinding> bindings = new ArrayList<>();
        for (KafkaAcls.Acl acl : user.acls()) {
            ResourcePattern pattern = new ResourcePattern(ResourceType.valueOf(snake(acl.type())), acl.name(),
                    acl.patternType().equals("prefix") ? PatternType.PREFIXED : PatternType.LITERAL);
            for (String operation : acl.operations()) {
                bindings.add(new AclBinding(pattern, new AccessControlEntry("User:" + user.user(), "*",
                        AclOperation.valueOf(snake(operation)), AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }

    /** {@code transactionalId} → {@code TRANSACTIONAL_ID}, {@code Describe} → {@code DESCRIBE}. */
    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Producing to a topic before its partitions have leaders would loop: wait for them. */
    private static void awaitLeaders(List<String> names) {
        // A topic just created may be unknown to the broker's metadata for a moment.
        await().atMost(WAIT).ignoreExceptionsInstanceOf(ExecutionException.class).until(() -> {
            Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get();
            return d.values().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.leader() != null)
                    && d.keySet().containsAll(names.stream().collect(Collectors.toSet()));
        });
    }
}
