package io.gkm.dispatcher.stage;

import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.RetriableStageException;
import io.gkm.core.stage.StageHandler;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.InstallJob;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates a node's jobs topic ({@link Topics#jobsTopic}) before the first job to it is written:
 * a transactional write to a topic that does not exist would block for the producer's
 * {@code max.block.ms} and abort the batch. The edge around the pure decision; topics seen once
 * are not asked for again.
 */
final class JobTopics implements StageHandler {
    private final StageHandler decision;
    private final Topics topics;
    private final TopicAdmin admin;
    private final Set<String> existing = ConcurrentHashMap.newKeySet();

    JobTopics(StageHandler decision, Topics topics, TopicAdmin admin) {
        this.decision = Objects.requireNonNull(decision, "decision");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public Decision decide(Inbound inbound) {
        Decision d = decision.decide(inbound);
        for (Outbound out : d.outputs()) {
            if (out.event() instanceof InstallJob job && !existing.contains(out.topic())) {
                try {
                    admin.create(List.of(topics.jobsTopic(job.getCluster(), job.getNode())));
                } catch (RuntimeException e) {
                    // Broker unavailable, or no Create ACL on the prefix yet: the batch is retried.
                    throw new RetriableStageException("cannot create jobs topic " + out.topic() + " (the dispatcher "
                            + "needs Create on topics with prefix " + topics.jobsPrefix() + "): " + e.getMessage(), e);
                }
                existing.add(out.topic());
            }
        }
        return d;
    }
}
