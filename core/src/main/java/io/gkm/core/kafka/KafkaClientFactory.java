package io.gkm.core.kafka;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes Kafka clients from the configuration: bootstrap servers plus every pass-through
 * property ({@code GKM_KAFKA_*}, {@code --kafka-property}), so TLS and SASL settings of a
 * secured (e.g. Strimzi) cluster reach every client without code changes.
 *
 * <p>Producers write string keys (resource keys). Consumers read keys and values as raw bytes,
 * decoded by the stage, so that an undecodable record can be dead-lettered byte for byte
 * instead of failing the poll.
 */
public final class KafkaClientFactory {
    /** Stages batch: a few milliseconds of linger cost nothing against their poll loop. */
    private static final int STAGE_LINGER_MS = 5;

    private final Map<String, Object> common;

    public KafkaClientFactory(String bootstrapServers, Map<String, String> passThrough) {
        Map<String, Object> c = new HashMap<>(passThrough);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.common = Map.copyOf(c);
    }

    public static KafkaClientFactory from(GkmConfig config) {
        return new KafkaClientFactory(config.get(Settings.KAFKA_BOOTSTRAP_SERVERS), config.kafkaPassThrough());
    }

    /** Property names accepted by at least one of producer, consumer and admin client. */
    public static Set<String> clientPropertyNames() {
        Set<String> names = new TreeSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    /** The properties every client gets (bootstrap servers and pass-through). */
    public Map<String, Object> commonProperties() {
        return common;
    }

    public Admin admin(String clientId) {
        Map<String, Object> p = new HashMap<>(common);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return Admin.create(p);
    }

    /** A transactional, idempotent producer; call {@code initTransactions()} before use. */
    public KafkaProducer<String, byte[]> transactionalProducer(String transactionalId, int transactionTimeoutMs) {
        Map<String, Object> p = producerProperties(transactionalId, STAGE_LINGER_MS);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeoutMs);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * An idempotent, non-transactional producer for edges that answer only once Kafka acknowledged,
     * such as the admission webhook. It sends each record at once ({@code linger.ms} 0): a linger
     * would be added to every answer, and under load records batch anyway while earlier produce
     * requests are in flight. {@code GKM_KAFKA_LINGER_MS} still overrides it.
     */
    public KafkaProducer<String, byte[]> producer(String clientId) {
        return new KafkaProducer<>(producerProperties(clientId, 0), new StringSerializer(), new ByteArraySerializer());
    }

    private Map<String, Object> producerProperties(String clientId, int lingerMs) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.putAll(common); // pass-through may tune the above, never the serializers
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /**
     * A consumer that only sees committed records and never commits by itself: offsets are
     * committed inside the producer's transaction. It is a static group member
     * ({@code group.instance.id}): a restarted instance takes its partitions back at once
     * instead of waiting out the crashed member's session.
     */
    public KafkaConsumer<byte[], byte[]> transactionalConsumer(String groupId, String instanceId, int maxPollRecords) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.putAll(common);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "." + instanceId);
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
