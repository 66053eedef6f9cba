package io.gkm.nodeconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.ImageReference;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.nodeconsumer.extract.ExtractLimits;
import io.gkm.nodeconsumer.gpu.SysfsTree;
import io.gkm.nodeconsumer.install.InstallHandler;
import io.gkm.nodeconsumer.install.Jobs;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.RegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-consumer as the deployed KafkaUser gkm-node-consumer (deploy/base/kafka/users.yaml)
 * may run it, on a broker that checks ACLs: jobs topics by prefix (Describe, Read, no Create), its
 * outputs literal (Describe, Write), groups {@code <prefix>node-consumer*}, transactional ids
 * {@code <prefix>node-consumer.*}. Not allowed to create its jobs topic, it waits, and takes the
 * jobs once the dispatcher (here: an admin) has created it.
 */
@WithKafka(authorizer = true)
@WithOciRegistry
class NodeConsumerAclIT {
    @TempDir
    Path tmp;

    @Test
    void withTheDeployedAclsItWaitsForItsJobsTopicAndThenInstalls(KafkaCluster kafka, OciRegistry registry)
            throws Exception {
        String prefix = kafka.uniqueName("ncacl") + ".";
        Topics topics = new Topics(prefix, 1, (short) 1);
        new TopicAdmin(kafka.admin()).create(topics.pipelineTopics());
        String user = kafka.uniqueName("node-consumer");
        allow(kafka, user, List.of(
                acl(ResourceType.TOPIC, topics.jobsPrefix(), PatternType.PREFIXED, AclOperation.DESCRIBE),
                acl(ResourceType.TOPIC, topics.jobsPrefix(), PatternType.PREFIXED, AclOperation.READ),
                acl(ResourceType.GROUP, prefix + "node-consumer", PatternType.PREFIXED, AclOperation.READ),
                acl(ResourceType.TRANSACTIONAL_ID, prefix + "node-consumer.", PatternType.PREFIXED, AclOperation.DESCRIBE),
                acl(ResourceType.TRANSACTIONAL_ID, prefix + "node-consumer.", PatternType.PREFIXED, AclOperation.WRITE)),
                List.of(topics.installResults(), topics.nodes(), topics.audit(), topics.dlq()));
        KafkaClientFactory asNode = new KafkaClientFactory(kafka.bootstrapServers(), kafka.clientProperties(user));

        assertThat(NodeConsumerStage.ensureJobsTopic(asNode, topics, "c1", "gpu-acl"))
                .as("no Create ACL: the node waits for the dispatcher").isFalse();

        Path sys = tmp.resolve("sys");
        new SysfsTree(sys).cpuNode(0).gpuNode(1, 7, 90010, 64, 29711, 0x1234);
        CacheLayout layout = new CacheLayout(tmp.resolve("caches"));
        StageSpec spec = new StageSpec(InstallHandler.STAGE, "c1", "gpu-acl",
                InstallHandler.inputs(topics, "c1", "gpu-acl"), "c1.gpu-acl");
        try (NodeConsumerStage stage = NodeConsumerStage.start(new NodeConsumerStage.Identity("c1", "gpu-acl", spec,
                        layout, new CacheLayout(tmp.resolve("usage"))),
                new StageLoop.Timing(Duration.ofMillis(200), 1, Duration.ofSeconds(30), Duration.ofMillis(200)), sys,
                new ExtractLimits(64L << 20, 10_000, 200), RegistryClient.builder().build(), Duration.ofMinutes(5),
                asNode, topics, new SimpleMeterRegistry())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !TopicContents.readAll(
                    kafka.readCommittedConsumerProps(kafka.uniqueName("read")), topics.nodes()).isEmpty());

            new TopicAdmin(kafka.admin()).create(List.of(topics.jobsTopic("c1", "gpu-acl")));
            PushedImage image = McvImageBuilder.create().build().push(RegistryClient.builder().build(),
                    ImageReference.parse(registry.hostPort() + "/" + registry.uniqueRepository("gkm/nc-acl") + ":v1"));
            ResourceKey key = ResourceKey.namespaced("c1", "team-a", "GKMCache", "acl");
            InstallJob job = Jobs.job(JobAction.INSTALL, layout, key, "c1", "gpu-acl",
                    image.registry() + "/" + image.repository(), image.digest());
            Emitter dispatcher = new Emitter("dispatcher", "c1", "it", topics, EventCodec.INSTANCE, Clock.systemUTC());
            try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(),
                    kafka.clientProperties("plain-admin")).producer("it-dispatcher")) {
                producer.send(dispatcher.chainStart(new Outbound(topics.jobs("c1", "gpu-acl"), key.toString(), job)))
                        .get();
            }
            InstallResult result = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        stage.loop().failure().ifPresent(f -> {
                            throw new AssertionError("the stage stopped: " + f.getMessage(), f);
                        });
                        return results(kafka, topics);
                    }, r -> !r.isEmpty()).get(0);
            assertThat(result.getOutcome()).as(String.valueOf(result.getError())).isEqualTo(InstallOutcome.INSTALLED);
            assertThat(stage.loop().failure()).isEmpty();
            NodeInventory inventory = EventCodec.INSTANCE.decode(topics.nodes(), TopicContents.readAll(
                    kafka.readCommittedConsumerProps(kafka.uniqueName("read")), topics.nodes()).get(0).value(),
                    NodeInventory.class);
            assertThat(inventory.getNode()).isEqualTo("gpu-acl");
        }
    }

    private static List<InstallResult> results(KafkaCluster kafka, Topics topics) {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("read")), topics.installResults())
                .stream().map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), InstallResult.class)).toList();
    }

    private record Acl(ResourceType type, String name, PatternType pattern, AclOperation operation) {
    }

    private static Acl acl(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new Acl(type, name, pattern, operation);
    }

    private static void allow(KafkaCluster kafka, String user, List<Acl> acls, List<String> writtenTopics)
            throws Exception {
        List<AclBinding> bindings = new ArrayList<>();
        for (Acl a : acls) {
            bindings.add(binding(user, a.type(), a.name(), a.pattern(), a.operation()));
        }
        for (String topic : writtenTopics) {
            bindings.add(binding(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
            bindings.add(binding(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
        }
        kafka.admin().createAcls(bindings).all().get(30, TimeUnit.SECONDS);
    }

    private static AclBinding binding(String user, ResourceType type, String name, PatternType pattern,
                                      AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
