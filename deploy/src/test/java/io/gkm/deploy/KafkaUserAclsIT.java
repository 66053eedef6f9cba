package io.gkm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.read.LedgerReader;
import io.gkm.audit.stage.AuditLedgerStage;
import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.Digest;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageHandler;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.dispatcher.routing.DispatchHandler;
import io.gkm.dispatcher.stage.DispatcherStage;
import io.gkm.dispatcher.status.StatusHandler;
import io.gkm.ingest.model.GKMCache;
import io.gkm.ingest.model.GKMCacheNode;
import io.gkm.ingest.watch.ResourceWatches;
import io.gkm.ingest.watch.WatchScope;
import io.gkm.nodeconsumer.NodeConsumerStage;
import io.gkm.nodeconsumer.extract.ExtractLimits;
import io.gkm.nodeconsumer.install.InstallHandler;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.DeadLetter;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.Operation;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.SignatureFormat;
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
import java.nio.file.Path;
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
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered KafkaUsers' ACLs on a real broker: a KRaft node with Kafka's StandardAuthorizer
 * (what Strimzi's {@code authorization: simple} runs), the ACLs bound as Strimzi's User Operator
 * binds them, and the KafkaTopics created as its Topic Operator would. Each component's real
 * Kafka code then runs as its user on its part of the data flow: ingest's watches and webhook
 * producer, the verifier stage, the dispatcher's routing (which creates a node's jobs topic) and
 * status loops, a node-consumer (which may not create its jobs topic, so waits for it) and the
 * audit ledger (which writes nothing but the ledger). What the code does passes; a write outside
 * the flow is refused.
 *
 * <p>Users authenticate with SASL/PLAIN here instead of Strimzi's TLS client certificates: the
 * ACLs name the same principal ({@code User:<KafkaUser name>}), and only authorisation is tested.
 * testkit's {@code @WithKafka} has no authorizer, so this starts Kafka's test kit itself. The
 * tests share the topics, so each looks only at the keys it wrote.
 */
@EnableKubernetesMockClient(crud = true)
class KafkaUserAclsIT {
    private static final String ADMIN = "plain-admin"; // the test kit's own clients log in as this super user
    private static final String NODE = "node-a";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    /** Not the node-consumer's gfx90a: the dispatcher's test sends its cache to its own node only. */
    private static final CacheTarget GFX942 = new CacheTarget("hip", "gfx942", 64);
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
        produce(admission(id));
        produce(event(id));
        produce(garbage(topics.resources(), "garbage-verifier"));
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

    /**
     * The real dispatcher as gkm-dispatcher: a node's report and a VERIFIED verdict for what its GPU
     * runs give an InstallJob on the node's jobs topic, which the dispatcher creates itself (Create
     * on the prefix gkm.jobs.); the verdict is kept on its state topic, its decisions audited, an
     * undecodable verdict dead-lettered.
     */
    @Test
    void theDispatcherCreatesTheNodesJobsTopicAndSendsItTheVerifiedCacheAsGkmDispatcher() throws Exception {
        String node = "node-dispatch";
        String jobs = topics.jobs(cluster, node);
        String key = eventKey("dispatched");
        produce(as("node-consumer", topics.nodes(), ResourceKey.nodeKey(cluster, node), inventory(node, GFX942)));
        produce(as("verifier", topics.verifications(), key, verified(key, GFX942)));
        produce(garbage(topics.verifications(), "garbage-dispatcher"));
        assertThat(exists(jobs)).as("no jobs topic before the dispatcher needs one").isFalse();
        StageSpec spec = new StageSpec(DispatchHandler.STAGE, cluster, "pod-0", DispatchHandler.inputs(topics));

        try (DispatcherStage stage = DispatcherStage.start(spec, TIMING, WAIT, clients("gkm-dispatcher"), topics,
                new SimpleMeterRegistry())) {
            // Read as the super user only once it exists: asking for a missing topic would create it.
            await().atMost(WAIT).until(() -> stage.failure().isPresent() || exists(jobs) && !keyed(jobs, key).isEmpty()
                    && !keyed(topics.dlq(), "garbage-dispatcher").isEmpty());
            assertThat(stage.failure()).isEmpty();
        }

        InstallJob job = decoded(jobs, key, InstallJob.class).get(0);
        assertThat(job.getAction()).isEqualTo(JobAction.INSTALL);
        assertThat(job.getNode()).isEqualTo(node);
        assertThat(job.getImage()).isEqualTo("quay.io/gkm/vector-add-cache@" + DIGEST);
        assertThat(decoded(topics.dispatcherState(), key, VerificationResult.class)).singleElement()
                .satisfies(v -> assertThat(v.getVerdict()).isEqualTo(Verdict.VERIFIED));
        assertThat(audits(key)).filteredOn(a -> a.getStage().equals(DispatchHandler.STAGE))
                .extracting(AuditEvent::getOutcome).contains(DispatchHandler.DISPATCHED);
        assertThat(deadLetters("garbage-dispatcher")).extracting(DeadLetter::getStage)
                .containsExactly(DispatchHandler.STAGE);
        assertThat(transactionalIds()).contains(spec.transactionalId(topics.prefix()));
    }

    /**
     * The dispatcher's status loop as gkm-dispatcher (group gkm.dispatcher-status, its own
     * transactional id): an install result becomes the status of the node's GKMCacheNode in the
     * API server (fabric8's, CRUD), audited; an undecodable result is dead-lettered.
     */
    @Test
    void theDispatchersStatusLoopWritesInstallResultsOntoTheNodesObjectAsGkmDispatcher() throws Exception {
        String key = eventKey("projected");
        produce(as("node-consumer", topics.installResults(), key, InstallResult.newBuilder()
                .setOutcome(InstallOutcome.INSTALLED).setJobId("job-1").setAttempt(1).setResourceKey(key)
                .setCluster(cluster).setNode("node-status").setDigest(DIGEST).setBytes(4096).setFiles(3)
                .setDurationMillis(80).setError(null).setFinishedAt(Instant.now()).build()));
        produce(garbage(topics.installResults(), "garbage-dispatcher-status"));
        StageSpec spec = new StageSpec(StatusHandler.STAGE, cluster, "pod-0", StatusHandler.inputs(topics));

        try (StageLoop status = DispatcherStage.startStatus(spec, TIMING, clients("gkm-dispatcher"), topics, client,
                new SimpleMeterRegistry())) {
            await().atMost(WAIT).until(() -> status.failure().isPresent() || !audits(key).isEmpty()
                    && !keyed(topics.dlq(), "garbage-dispatcher-status").isEmpty());
            assertThat(status.failure()).isEmpty();
        }

        GKMCacheNode node = client.resources(GKMCacheNode.class).inNamespace("team-a").withName("node-status").get();
        assertThat(node.getStatus().getCaches().get("projected").get(DIGEST).getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getType()).isEqualTo("Extracted"));
        assertThat(audits(key)).extracting(AuditEvent::getStage, AuditEvent::getOutcome)
                .containsExactly(tuple(StatusHandler.STAGE, "CREATED"));
        assertThat(deadLetters("garbage-dispatcher-status")).extracting(DeadLetter::getStage)
                .containsExactly(StatusHandler.STAGE);
        assertThat(transactionalIds()).contains(spec.transactionalId(topics.prefix()));
    }

    /**
     * The real node-consumer as gkm-node-consumer, on a sysfs tree with one gfx90a: it may not create
     * its jobs topic, so it publishes its inventory and waits; once the dispatcher's user has created
     * the topic, a REMOVE job deletes the cache's folder and is answered on gkm.install-results and
     * audited, an undecodable job dead-lettered, all under its own group and transactional ids.
     */
    @Test
    void theNodeConsumerWaitsForItsJobsTopicThenAnswersItsJobsAsGkmNodeConsumer(@TempDir Path tmp) throws Exception {
        KafkaClientFactory kafka = clients("gkm-node-consumer");
        String jobs = topics.jobs(cluster, NODE);
        assertThat(NodeConsumerStage.ensureJobsTopic(kafka, topics, cluster, NODE))
                .as("no Create on gkm.jobs.: the dispatcher creates the topic").isFalse();
        Path sysfs = gfx90aSysfs(tmp.resolve("sys"));
        CacheLayout layout = new CacheLayout(tmp.resolve("caches"));
        ResourceKey key = ResourceKey.parse(eventKey("removed"));
        Path installed = layout.digestDir(key, Digest.parse(DIGEST));
        Files.createDirectories(installed);
        Files.writeString(installed.resolve("kernel.hsaco"), "kernel");
        StageSpec spec = new StageSpec(InstallHandler.STAGE, cluster, NODE, InstallHandler.inputs(topics, cluster, NODE),
                cluster + "." + NODE);
        NodeConsumerStage.Identity identity = new NodeConsumerStage.Identity(cluster, NODE, spec, layout,
                new CacheLayout(tmp.resolve("usage")));

        try (NodeConsumerStage stage = NodeConsumerStage.start(identity, TIMING, sysfs,
                new ExtractLimits(64L << 20, 10_000, 200), RegistryClient.builder().build(), Duration.ofMinutes(5),
                kafka, topics, new SimpleMeterRegistry())) {
            await().atMost(WAIT).until(() -> stage.loop().failure().isPresent()
                    || !keyed(topics.nodes(), ResourceKey.nodeKey(cluster, NODE)).isEmpty());
            assertThat(exists(jobs)).isFalse();
            assertThat(stage.loop().failure()).as("waiting for its topic is no failure").isEmpty();

            try (Admin dispatcher = clients("gkm-dispatcher").admin("test-dispatcher")) {
                new TopicAdmin(dispatcher).create(List.of(topics.jobsTopic(cluster, NODE)));
            }
            awaitLeaders(List.of(jobs));
            produce(as("dispatcher", jobs, key.toString(), InstallJob.newBuilder().setAction(JobAction.REMOVE)
                    .setJobId("job-remove").setAttempt(1).setResourceKey(key.toString()).setCluster(cluster)
                    .setNode(NODE).setImage("quay.io/gkm/vector-add-cache@" + DIGEST).setDigest(DIGEST)
                    .setTargetPath(installed.toString()).setCreatedAt(Instant.now()).build()));
            produce(garbage(jobs, "garbage-node-consumer"));
            await().atMost(WAIT).until(() -> stage.loop().failure().isPresent()
                    || !keyed(topics.installResults(), key.toString()).isEmpty()
                    && !keyed(topics.dlq(), "garbage-node-consumer").isEmpty());
            assertThat(stage.loop().failure()).isEmpty();
        }

        assertThat(decoded(topics.installResults(), key.toString(), InstallResult.class)).singleElement()
                .satisfies(r -> assertThat(r.getOutcome()).as(String.valueOf(r.getError()))
                        .isEqualTo(InstallOutcome.REMOVED));
        assertThat(installed).doesNotExist();
        assertThat(audits(key.toString())).extracting(AuditEvent::getStage, AuditEvent::getAction,
                AuditEvent::getOutcome).containsExactly(tuple(InstallHandler.STAGE, "remove", "REMOVED"));
        assertThat(deadLetters("garbage-node-consumer")).extracting(DeadLetter::getStage)
                .containsExactly(InstallHandler.STAGE);
        assertThat(decoded(topics.nodes(), ResourceKey.nodeKey(cluster, NODE), NodeInventory.class))
                .flatExtracting(NodeInventory::getGpus).extracting(Gpu::getArch).containsOnly("gfx90a");
        assertThat(admin.listConsumerGroupOffsets(spec.groupId(topics.prefix())).partitionsToOffsetAndMetadata().get())
                .as("its own group, gkm.node-consumer.<cluster>.<node>").containsKey(new TopicPartition(jobs, 0));
        assertThat(transactionalIds()).contains(spec.transactionalId(topics.prefix()),
                spec.transactionalId(topics.prefix()) + ".inventory");
    }

    /**
     * The audit ledger as gkm-audit, which may read gkm.audit but write neither it nor gkm.dlq:
     * every record on gkm.audit, the other stages' events and an undecodable one alike, is chained
     * onto gkm.audit-ledger (checked with LedgerReader, as gkm audit verify does), and the stage
     * writes nothing else.
     */
    @Test
    void theAuditLedgerChainsEveryAuditRecordAndWritesOnlyTheLedgerAsGkmAudit() throws Exception {
        String key = eventKey("audited");
        produce(as("verifier", topics.audit(), key, AuditEvent.newBuilder().setAuditId("audit-1").setStage("verifier")
                .setResourceKey(key).setAction("verify").setOutcome("VERIFIED").setCorrelationId("corr-audited")
                .setTime(Instant.now()).build()));
        produce(garbage(topics.audit(), "garbage-audit"));
        KafkaClientFactory kafka = clients("gkm-audit");
        Emitter emitter = new Emitter(AuditLedgerStage.STAGE, cluster, "pod-0", topics, EventCodec.INSTANCE,
                Clock.systemUTC());

        try (AuditLedgerStage ledger = new AuditLedgerStage(topics, TIMING, kafka, emitter, EventCodec.INSTANCE,
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            ledger.start();
            await().atMost(WAIT).until(() -> ledger.failure().isPresent() || !keyed(topics.auditLedger(), key).isEmpty()
                    && !keyed(topics.auditLedger(), "garbage-audit").isEmpty()
                    && readAll(topics.auditLedger()).size() == readAll(topics.audit()).size());
            assertThat(ledger.failure()).isEmpty();
        }

        int entries = readAll(topics.auditLedger()).size();
        try (LedgerReader reader = new LedgerReader(kafka, topics.auditLedger(), "test-verify", WAIT)) {
            ChainCheck check = reader.verify(EventCodec.INSTANCE);
            assertThat(check.broken()).isEmpty();
            assertThat(check.checked()).isEqualTo(entries);
        }
        assertThat(decoded(topics.auditLedger(), key, AuditLedgerEntry.class)).singleElement()
                .satisfies(e -> assertThat(e.getEvent().getOutcome()).isEqualTo("VERIFIED"));
        assertThat(decoded(topics.auditLedger(), "garbage-audit", AuditLedgerEntry.class)).singleElement()
                .satisfies(e -> {
                    assertThat(e.getEvent()).isNull();
                    assertThat(e.getUndecodable()).isNotBlank();
                });
        assertThat(sources(topics.auditLedger())).containsOnly(emitter.source());
        assertThat(sources(topics.audit())).as("no audit events of its own").doesNotContain(emitter.source());
        assertThat(sources(topics.dlq())).as("no dead letters").doesNotContain(emitter.source());
        assertThat(transactionalIds()).contains(AuditLedgerStage.transactionalId(topics));
    }

    @Test
    void aStageWritingOutsideItsFlowIsRefusedAndNothingOfItLands() throws Exception {
        produce(event("refused"));
        StageHandler handler = in -> Decision.of(new Outbound(topics.installResults(), in.key(), in.event()),
                new AuditEntry("verify", "VERIFIED", null, in.key(), Map.of()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // The same instance and inputs as the verifier's other run: a static group member replaces its
        // predecessor at once, but keeps its predecessor's assignment when it subscribes to other topics.
        StageSpec spec = new StageSpec(VerificationHandler.STAGE, cluster, "pod-0", VerificationHandler.inputs(topics));
        Emitter emitter = new Emitter(spec.name(), cluster, spec.instance(), topics, EventCodec.INSTANCE,
                Clock.systemUTC());

        try (StageLoop loop = new StageLoop(spec, TIMING, clients("gkm-verifier"), topics.prefix(), EventCodec.INSTANCE,
                emitter, handler, registry)) {
            loop.start();
            // However the producer wraps the refusal, StageLoop stops and names the ACL the user lacks.
            await().atMost(WAIT).until(() -> loop.failure().isPresent());
            assertThat(loop.failure().orElseThrow()).hasMessageContaining(topics.installResults())
                    .hasMessageContaining("Write and Describe on topic");
        }
        // The failed stage left its transaction open, which holds back read_committed readers of its
        // partitions until the broker times it out; the next instance's producer aborts it at once.
        try (KafkaProducer<String, byte[]> next = clients("gkm-verifier").transactionalProducer(
                spec.transactionalId(topics.prefix()), (int) TIMING.transactionTimeout().toMillis())) {
            next.initTransactions();
        }

        assertThat(keyed(topics.installResults(), eventKey("refused"))).isEmpty();
        assertThat(keyed(topics.audit(), eventKey("refused"))).as("its audit event is aborted with it").isEmpty();
        assertThat(registry.get("gkm.stage.transactions.committed").counter().count()).isZero();
    }

    /** One AMD GPU (gfx90a, wavefront 64) as amdkfd lays it out under sysfs: a KFD topology node. */
    private static Path gfx90aSysfs(Path root) throws Exception {
        Path node = root.resolve("class/kfd/kfd/topology/nodes/1");
        Files.createDirectories(node);
        Files.writeString(node.resolve("properties"), """
                simd_count 416
                gfx_target_version 90010
                vendor_id 4098
                wave_front_size 64
                unique_id 4660
                """);
        Files.writeString(node.resolve("gpu_id"), "7\n");
        return root;
    }

    private static NodeInventory inventory(String node, CacheTarget gpu) {
        return NodeInventory.newBuilder().setCluster(cluster).setNode(node).setGpus(List.of(Gpu.newBuilder()
                .setBackend(gpu.getBackend()).setArch(gpu.getArch()).setWarpSize(gpu.getWarpSize()).setIds(List.of("0"))
                .setDriverVersion(null).build())).setReportedAt(Instant.now()).build();
    }

    private static VerificationResult verified(String key, CacheTarget target) {
        return VerificationResult.newBuilder().setVerdict(Verdict.VERIFIED).setResourceKey(key)
                .setImage("quay.io/gkm/vector-add-cache:rocm").setImageDigest(DIGEST)
                .setSignatureFormat(SignatureFormat.COSIGN_V3).setPolicyName("gkm-cosign-v3")
                .setCacheTargets(List.of(target)).setReasons(List.of("signature verified"))
                .setVerifiedAt(Instant.now()).build();
    }

    private static ProducerRecord<String, byte[]> event(String id) {
        return as("ingest", topics.resources(), eventKey(id), ResourceEvent.newBuilder().setChangeType(ChangeType.ADDED)
                .setResourceKey(eventKey(id)).setKind("GKMCache").setNamespace("team-a").setName(id).setUid("uid-" + id)
                .setResourceVersion("1").setGeneration(1).setSpec("{}").setObservedAt(Instant.now()).build());
    }

    private static ProducerRecord<String, byte[]> admission(String id) {
        return as("ingest", topics.admissions(), eventKey(id), AdmissionEvent.newBuilder().setRequestUid("uid-" + id)
                .setOperation(Operation.CREATE).setResourceKey(eventKey(id)).setKind("GKMCache").setUserName("test")
                .setDecision(io.gkm.schemas.event.Decision.ALLOWED).setReason("").setTime(Instant.now()).build());
    }

    /** {@code event} on {@code topic} as {@code stage} writes it: CloudEvents headers, a chain of its own. */
    private static ProducerRecord<String, byte[]> as(String stage, String topic, String key, SpecificRecord event) {
        Emitter source = new Emitter(stage, cluster, "test", topics, EventCodec.INSTANCE, Clock.systemUTC());
        return source.chainStart(new Outbound(topic, key, event));
    }

    /** A record no stage can decode, without headers. */
    private static ProducerRecord<String, byte[]> garbage(String topic, String key) {
        return new ProducerRecord<>(topic, null, key, bytes("not an event"), new RecordHeaders());
    }

    private static String eventKey(String id) {
        return cluster + "/team-a/GKMCache/" + id;
    }

    /** Writes {@code record} as the super user, in the place of the stage upstream. */
    private static void produce(ProducerRecord<String, byte[]> record) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(adminClientProperties("test-input"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record).get();
        }
    }

    private static boolean exists(String topic) throws Exception {
        return admin.listTopics().names().get().contains(topic);
    }

    private static <T extends SpecificRecord> List<T> decoded(String topic, String key, Class<T> type) {
        return keyed(topic, key).stream().map(r -> EventCodec.INSTANCE.decode(topic, r.value(), type)).toList();
    }

    private static List<AuditEvent> audits(String key) {
        return decoded(topics.audit(), key, AuditEvent.class);
    }

    private static List<DeadLetter> deadLetters(String key) {
        return decoded(topics.dlq(), key, DeadLetter.class);
    }

    /** The CloudEvents source of each record of a topic: the stage and instance that wrote it. */
    private static List<String> sources(String topic) {
        return readAll(topic).stream().map(r -> r.headers().lastHeader(CloudEventHeaders.SOURCE))
                .map(h -> h == null ? null : new String(h.value(), StandardCharsets.UTF_8)).toList();
    }

    /** The transactional ids the broker has seen. */
    private static List<String> transactionalIds() throws Exception {
        return admin.listTransactions().all().get().stream().map(TransactionListing::transactionalId).toList();
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
