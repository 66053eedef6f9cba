package io.gkm.testkit;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handle on a real in-JVM KRaft Kafka cluster started by {@link KafkaClusterExtension} (Kafka's
 * own {@link KafkaClusterTestKit}). The cluster is shared by all tests of the JVM that ask for the
 * same broker count: create topics with {@link #uniqueTopic(String)} names and never assume an
 * empty cluster. Tests cannot stop it: its lifecycle belongs to the extension.
 */
public final class KafkaCluster {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    /** The super user Kafka's test kit configures on a SASL_PLAINTEXT cluster. */
    private static final String SUPER_USER = "plain-admin";

    private final KafkaClusterTestKit kit;
    private final int brokers;
    private final boolean authorizer;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final Admin admin;
    private final Admin sharedAdminView;

    private KafkaCluster(KafkaClusterTestKit kit, int brokers, boolean authorizer, Duration startupTime) {
        this.kit = kit;
        this.brokers = brokers;
        this.authorizer = authorizer;
        this.bootstrapServers = kit.bootstrapServers();
        this.startupTime = startupTime;
        this.admin = newAdmin(Map.of());
        this.sharedAdminView = unclosable(admin);
    }

    /** Broker configs for a cluster of {@code brokers} brokers (transactions work on 1 broker). */
    static Map<String, String> brokerConfigs(int brokers) {
        String rf = Integer.toString(Math.min(3, brokers));
        Map<String, String> props = new HashMap<>();
        props.put("offsets.topic.replication.factor", rf);
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", rf);
        props.put("transaction.state.log.min.isr", rf);
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", rf);
        props.put("share.coordinator.state.topic.min.isr", rf);
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }

    /**
     * Formats and starts a cluster, with {@code authorizer}: SASL/PLAIN for clients and Kafka's
     * StandardAuthorizer (the test kit's settings for SASL_PLAINTEXT); package-private: tests get
     * clusters from the extension.
     */
    static KafkaCluster start(int brokers, boolean authorizer) throws Exception {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be >= 1, was " + brokers);
        }
        long t0 = System.nanoTime();
        TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction());
        if (authorizer) {
            nodesBuilder.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodesBuilder.build()).setDeleteOnClose(true);
        brokerConfigs(brokers).forEach(builder::setConfigProp);
        if (authorizer) {
            builder.setConfigProp("listener.name.external.plain.sasl.server.callback.handler.class",
                    AnyUserPlainLogin.class.getName());
            // The controller listener stays PLAINTEXT inside this JVM; the brokers reach it as ANONYMOUS.
            builder.setConfigProp("super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
        }
        KafkaClusterTestKit kit = builder.build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception | Error e) {
            try {
                kit.close();
            } catch (Exception closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        KafkaCluster cluster = new KafkaCluster(kit, brokers, authorizer, took);
        LOG.info("Kafka cluster with {} broker(s){} ready at {} in {} ms", brokers, authorizer ? " and ACLs" : "",
                cluster.bootstrapServers, took.toMillis());
        return cluster;
    }

    /** Stops the cluster; called by the extension at the end of the test plan. */
    void shutdown() throws Exception {
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            kit.close();
        }
    }

    /** {@code host:port,...} of every broker. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Number of brokers of this cluster. */
    public int brokers() {
        return brokers;
    }

    /** How long format + startup + waiting for ready brokers took. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * The cluster's shared {@link Admin} client. Do not close it (its {@code close} methods do
     * nothing); it is closed with the cluster. Use {@link #newAdmin(Map)} for a client you own.
     */
    public Admin admin() {
        return sharedAdminView;
    }

    /** A new Admin client on this cluster (a super user's on a cluster with ACLs); the caller closes it. */
    public Admin newAdmin(Map<String, Object> overrides) {
        Map<String, Object> props = superUserProps();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(overrides);
        return Admin.create(props);
    }

    /** Whether this cluster checks ACLs ({@code @WithKafka(authorizer = true)}). */
    public boolean authorizer() {
        return authorizer;
    }

    /**
     * Client properties (security protocol, SASL mechanism and login, no bootstrap servers) that log
     * in as {@code user} on a cluster with ACLs, for GKM_KAFKA_* or a client's own properties. The
     * user may do nothing until an ACL allows it.
     */
    public Map<String, String> clientProperties(String user) {
        if (!authorizer) {
            throw new IllegalStateException("a cluster without ACLs has no users; use @WithKafka(authorizer = true)");
        }
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name,
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user + "\" password=\"" + AnyUserPlainLogin.password(user) + "\";");
    }

    /** The super user's login on a cluster with ACLs, else nothing; a new mutable map. */
    private Map<String, Object> superUserProps() {
        return authorizer ? new HashMap<>(clientProperties(SUPER_USER)) : new HashMap<>();
    }

    /**
     * A unique, legal topic name starting with {@code prefix} (illegal characters become '-'). The
     * cluster is shared by all tests in the JVM, so tests must not use fixed topic names.
     */
    public String uniqueTopic(String prefix) {
        return UniqueNames.kafka(prefix);
    }

    /** A unique name for consumer groups, transactional ids, client ids. */
    public String uniqueName(String prefix) {
        return UniqueNames.kafka(prefix);
    }

    /**
     * Creates topics with 1 partition and replication factor min(3, brokers), and waits until every
     * broker knows them.
     */
    public void createTopics(String... names) {
        createTopics(1, names);
    }

    /** Creates topics with {@code partitions} partitions, replication factor min(3, brokers). */
    public void createTopics(int partitions, String... names) {
        short rf = (short) Math.min(3, brokers);
        List<NewTopic> topics = new ArrayList<>();
        for (String name : requireNames(names)) {
            topics.add(new NewTopic(name, partitions, rf));
        }
        createTopics(topics);
    }

    /** Creates one topic with explicit partitions and replication factor. */
    public void createTopic(String name, int partitions, short replicationFactor) {
        createTopics(List.of(new NewTopic(name, partitions, replicationFactor)));
    }

    /**
     * Creates the given topics (with their own configs) and waits until every broker's metadata
     * has them with all partitions.
     */
    public void createTopics(Collection<NewTopic> topics) {
        try {
            admin.createTopics(topics).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics " + names(topics), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + names(topics) + " on "
                    + bootstrapServers + ": " + e.getMessage(), e);
        }
        Map<String, Integer> expected = new HashMap<>();
        for (NewTopic t : topics) {
            // numPartitions is empty when the topic uses the broker default / replica assignments
            int partitions = t.numPartitions() > 0 ? t.numPartitions()
                    : t.replicasAssignments() != null && !t.replicasAssignments().isEmpty()
                            ? t.replicasAssignments().size() : -1;
            expected.put(t.name(), partitions);
        }
        awaitTopicsOnAllBrokers(expected);
        awaitLeaders(names(topics));
    }

    /**
     * Waits until each partition's leader answers a leader-only request. Knowing a topic in the
     * metadata cache is not enough: a produce that arrives before the replica manager has taken
     * leadership gets NOT_LEADER_OR_FOLLOWER, and the idempotent producer's retry of it can then
     * loop on OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen with Kafka 4.3.1).
     */
    private void awaitLeaders(List<String> topicNames) {
        try {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (TopicDescription d : admin.describeTopics(topicNames).allTopicNames()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
                d.partitions().forEach(p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            admin.listOffsets(partitions).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for leaders of " + topicNames, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("partition leaders of " + topicNames + " not ready: " + e.getMessage(), e);
        }
    }

    private static List<String> names(Collection<NewTopic> topics) {
        return topics.stream().map(NewTopic::name).toList();
    }

    private void awaitTopicsOnAllBrokers(Map<String, Integer> expected) {
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        while (true) {
            List<String> missing = new ArrayList<>();
            for (Map.Entry<Integer, BrokerServer> broker : kit.brokers().entrySet()) {
                for (Map.Entry<String, Integer> e : expected.entrySet()) {
                    Optional<Integer> n = broker.getValue().metadataCache().numPartitions(e.getKey());
                    boolean ok = n.isPresent() && (e.getValue() < 0 || n.get().intValue() == e.getValue());
                    if (!ok) {
                        missing.add(e.getKey() + "@broker" + broker.getKey());
                    }
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics not known to all brokers after "
                        + TOPIC_TIMEOUT.toSeconds() + " s: " + missing);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topics " + expected.keySet(), ie);
            }
        }
    }

    /**
     * Producer properties (a super user's on a cluster with ACLs): bootstrap servers, byte[] key and value serializers, {@code acks=all},
     * idempotence on. A new mutable map on every call.
     */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = superUserProps();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    /** {@link #producerProps()} plus {@code transactional.id}. */
    public Map<String, Object> transactionalProducerProps(String transactionalId) {
        Map<String, Object> props = producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return props;
    }

    /**
     * Consumer properties (a super user's on a cluster with ACLs): bootstrap servers, {@code group.id}, byte[] key and value deserializers,
     * {@code auto.offset.reset=earliest}, {@code enable.auto.commit=false}; isolation level is
     * Kafka's default (read_uncommitted). A new mutable map on every call.
     */
    public Map<String, Object> consumerProps(String group) {
        Map<String, Object> props = superUserProps();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /** {@link #consumerProps(String)} with {@code isolation.level=read_committed}. */
    public Map<String, Object> readCommittedConsumerProps(String group) {
        Map<String, Object> props = consumerProps(group);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    @Override
    public String toString() {
        return "KafkaCluster[brokers=" + brokers + (authorizer ? ", authorizer" : "") + ", bootstrapServers="
                + bootstrapServers + "]";
    }

    /** A view of {@code delegate} whose close methods do nothing (the cluster owns it). */
    private static Admin unclosable(Admin delegate) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "close":
                    return null;
                case "toString":
                    if (method.getParameterCount() == 0) {
                        return "shared " + delegate;
                    }
                    break;
                case "hashCode":
                    if (method.getParameterCount() == 0) {
                        return System.identityHashCode(proxy);
                    }
                    break;
                case "equals":
                    if (method.getParameterCount() == 1) {
                        return proxy == args[0];
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, handler);
    }

    private static List<String> requireNames(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("no topic names given");
        }
        return Arrays.asList(names);
    }
}
