package io.gkm.core.stage;

/**
 * A stage's decision: a pure function of the inbound event (and whatever state the stage gives
 * the handler). It does no Kafka I/O; the {@link StageLoop} writes the decision.
 *
 * <p>Throw {@link RetriableStageException} when the input is fine but something outside is not
 * (registry 5xx, timeout): the loop aborts the transaction, waits and retries the batch. Any
 * other exception means this input can never succeed: the record is dead-lettered and the stage
 * goes on.
 */
@FunctionalInterface
public interface StageHandler {
    Decision decide(Inbound inbound);
}
