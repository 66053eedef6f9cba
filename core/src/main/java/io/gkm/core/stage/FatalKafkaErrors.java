package io.gkm.core.stage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The Kafka errors that end a stage, and the reason it stops with. The transactional producer
 * often reports them wrapped (a {@code KafkaException} about its error state around the
 * {@link TopicAuthorizationException} of a send, say), so the whole cause chain is searched, and
 * the first error a send callback saw besides. Public for stages that run a loop of their own
 * (the audit ledger), so that every stage tells fatal errors apart the same way.
 */
public final class FatalKafkaErrors {
    private FatalKafkaErrors() {
    }

    /** The stage's failure when {@code error} or {@code sendError} (may be null) holds a fatal Kafka error. */
    static Optional<StageFailedException> find(StageSpec spec, String topicPrefix, Throwable error, Throwable sendError) {
        return fatalIn(error).or(() -> fatalIn(sendError))
                .map(fatal -> new StageFailedException(reason(spec, topicPrefix, fatal), error));
    }

    /**
     * Whether a fence is the broker's abort of a transaction open longer than its timeout (it bumps
     * the producer epoch, so the producer is told it was fenced) rather than a newer instance:
     * the batch is retried with a new producer instead of stopping the stage.
     */
    public static boolean fencedAfterTimeout(Throwable error, Throwable sendError, Duration open, Duration transactionTimeout) {
        return open.compareTo(transactionTimeout) >= 0 && fatalIn(error).or(() -> fatalIn(sendError))
                .filter(f -> f instanceof ProducerFencedException || f instanceof InvalidProducerEpochException)
                .isPresent();
    }

    /** The first error in {@code error}'s cause chain that retrying cannot cure (fenced, refused, incompatible). */
    public static Optional<RuntimeException> fatalIn(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (isFatal(t)) {
                return Optional.of((RuntimeException) t);
            }
        }
        return Optional.empty();
    }

    private static boolean isFatal(Throwable t) {
        return t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                || t instanceof FencedInstanceIdException || t instanceof AuthorizationException
                || t instanceof AuthenticationException || t instanceof OutOfOrderSequenceException
                || t instanceof UnsupportedVersionException;
    }

    private static String reason(StageSpec spec, String topicPrefix, RuntimeException fatal) {
        String stage = "stage " + spec.name();
        if (fatal instanceof ProducerFencedException || fatal instanceof InvalidProducerEpochException
                || fatal instanceof FencedInstanceIdException) {
            return stage + " was fenced: another instance with id '" + spec.instance()
                    + "' is running; give each instance its own GKM_INSTANCE";
        }
        if (fatal instanceof AuthenticationException) {
            return stage + " could not log in to Kafka: " + fatal.getMessage()
                    + " (check the GKM_KAFKA_* credentials: security.protocol, sasl.*, ssl.*)";
        }
        if (fatal instanceof AuthorizationException) {
            return stage + " is not allowed to use Kafka: its Kafka user needs " + neededAcls(spec, topicPrefix, fatal)
                    + "; add that to its KafkaUser ACLs, or check that the GKM_KAFKA_* credentials log in as that user"
                    + " (Kafka: " + fatal.getMessage() + ")";
        }
        return stage + " stopped on a fatal Kafka error: " + fatal;
    }

    /** The ACLs the refused request needed, on the resource it named (or the stage's own group and transactional id). */
    private static String neededAcls(StageSpec spec, String topicPrefix, RuntimeException refusal) {
        if (refusal instanceof TopicAuthorizationException t && !t.unauthorizedTopics().isEmpty()) {
            List<String> acls = new ArrayList<>();
            for (String topic : t.unauthorizedTopics().stream().sorted().toList()) {
                acls.add((spec.inputs().contains(topic) ? "Read" : "Write") + " and Describe on topic " + topic);
            }
            return String.join(", ", acls);
        }
        if (refusal instanceof GroupAuthorizationException g) {
            String group = g.groupId() != null ? g.groupId() : spec.groupId(topicPrefix);
            return "Read on group " + group;
        }
        if (refusal instanceof TransactionalIdAuthorizationException) {
            return "Write and Describe on transactional id " + spec.transactionalId(topicPrefix);
        }
        return "the ACL the refusal names";
    }
}
