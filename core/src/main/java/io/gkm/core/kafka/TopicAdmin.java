package io.gkm.core.kafka;

import io.gkm.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates and describes the pipeline's topics. */
public final class TopicAdmin {
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    public TopicAdmin(Admin admin) {
        this.admin = admin;
    }

    /** What happened to one topic on create. */
    public record Created(String name, boolean existed) {
    }

    /** A topic as the cluster has it. */
    public record Described(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    }

    /**
     * The replication factor to use when none is configured: 3 where the cluster has 3 or more
     * brokers, else as many as it has (1 for gkm dev).
     */
    public short defaultReplication() {
        int brokers = await(admin.describeCluster().nodes()).size();
        return (short) Math.max(1, Math.min(3, brokers));
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public List<Created> create(Collection<TopicSpec> specs) {
        List<Created> result = new ArrayList<>();
        List<NewTopic> wanted = new ArrayList<>();
        for (TopicSpec s : specs) {
            NewTopic t = new NewTopic(s.name(), Optional.of(s.partitions()), Optional.of(s.replicationFactor()));
            t.configs(s.configs());
            wanted.add(t);
        }
        var futures = admin.createTopics(wanted).values();
        for (TopicSpec s : specs) {
            try {
                futures.get(s.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                result.add(new Created(s.name(), false));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + s.name() + ": " + e.getCause().getMessage(), e);
                }
                result.add(new Created(s.name(), true));
            } catch (InterruptedException | TimeoutException e) {
                throw interruptedOrTimedOut("creating topic " + s.name(), e);
            }
        }
        return result;
    }

    /**
     * Describes the named topics; a missing topic is left out. Configs are those set on the topic
     * itself (not broker defaults).
     */
    public List<Described> describe(Collection<String> names) {
        Map<String, TopicDescription> found = new TreeMap<>();
        var futures = admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                found.put(name, futures.get(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                // missing: left out, as documented
            } catch (InterruptedException | TimeoutException e) {
                throw interruptedOrTimedOut("describing topic " + name, e);
            }
        }
        List<ConfigResource> resources = found.keySet().stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all());
        List<Described> result = new ArrayList<>();
        for (TopicDescription d : found.values()) {
            Map<String, String> own = new TreeMap<>();
            for (ConfigEntry e : configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name())).entries()) {
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    own.put(e.name(), e.value());
                }
            }
            result.add(new Described(d.name(), d.partitions().size(), d.partitions().get(0).replicas().size(), own));
        }
        return result;
    }

    /** Topic names that start with the prefix. */
    public List<String> list(String prefix) {
        return await(admin.listTopics().names()).stream().filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw interruptedOrTimedOut("talking to Kafka", e);
        }
    }

    private static IllegalStateException interruptedOrTimedOut(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new IllegalStateException("interrupted while " + what, e);
        }
        return new IllegalStateException("no answer from Kafka within " + TIMEOUT_SECONDS + " s while " + what
                + " (is the bootstrap address right and the broker up?)", e);
    }
}
