package io.gkm.core.stage;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * Identity of a running stage.
 *
 * @param name      stage name (ingest, verifier, ...): consumer group, CloudEvents source part
 * @param cluster   cluster name, part of the CloudEvents source
 * @param instance  this process; with the name it makes the stable transactional id, so a
 *                  restarted instance fences its crashed predecessor and aborts its open transaction
 * @param inputs    topics the stage reads
 * @param groupSuffix null for one consumer group shared by every instance of the stage; else
 *                  appended to the group id ({@code <prefix><name>.<suffix>}), for a stage whose
 *                  instances each read their own topic and must not rebalance each other (one
 *                  node-consumer a node)
 */
public record StageSpec(String name, String cluster, String instance, List<String> inputs, String groupSuffix) {
    public StageSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(instance, "instance");
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("stage " + name + " reads no topic");
        }
        if (groupSuffix != null && groupSuffix.isEmpty()) {
            throw new IllegalArgumentException("stage " + name + ": an empty group suffix; use null for none");
        }
    }

    /** A stage whose instances share one consumer group. */
    public StageSpec(String name, String cluster, String instance, List<String> inputs) {
        this(name, cluster, instance, inputs, null);
    }

    /** A stage's identity from the configuration (GKM_CLUSTER, GKM_INSTANCE or the host name). */
    public static StageSpec of(GkmConfig config, String name, List<String> inputs) {
        String instance = config.find(Settings.INSTANCE).orElseGet(StageSpec::hostName);
        return new StageSpec(name, config.get(Settings.CLUSTER), instance, inputs);
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME"); // the pod name in Kubernetes
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot tell this host's name; set GKM_INSTANCE", e);
        }
    }

    public String groupId(String topicPrefix) {
        return topicPrefix + name + (groupSuffix == null ? "" : "." + groupSuffix);
    }

    public String transactionalId(String topicPrefix) {
        return topicPrefix + name + "." + cluster + "." + instance;
    }
}
