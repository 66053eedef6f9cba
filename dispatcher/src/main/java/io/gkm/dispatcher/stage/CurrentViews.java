package io.gkm.dispatcher.stage;

import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.RetriableStageException;
import io.gkm.core.stage.StageHandler;
import io.gkm.dispatcher.view.DispatchViews;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import java.time.Duration;
import java.util.Objects;

/**
 * Brings the views up to their topics' ends before each decision that reads them (verdicts, node
 * reports, deletions), so that a node report committed before a verdict is handled, or a verdict
 * committed before a node report is handled, is seen by it. The edge in front of the pure
 * decision; what it cannot close is in the routing package documentation.
 *
 * <p>A view that stopped (its topic gone, the broker refusing it) is no fault of the record: the
 * batch is retried, not dead-lettered, and {@link DispatcherStage#throwIfFailed} stops the command
 * with the view's reason.
 */
final class CurrentViews implements StageHandler {
    /** Longest wait for the views: two broker round trips and a fetch, well inside a transaction. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final StageHandler decision;
    private final DispatchViews views;

    CurrentViews(StageHandler decision, DispatchViews views) {
        this.decision = Objects.requireNonNull(decision, "decision");
        this.views = Objects.requireNonNull(views, "views");
    }

    @Override
    public Decision decide(Inbound inbound) {
        boolean readsViews = !(inbound.event() instanceof ResourceEvent r) || r.getChangeType() == ChangeType.DELETED;
        if (readsViews) {
            try {
                if (!views.awaitCurrent(TIMEOUT)) {
                    throw new RetriableStageException("the views of gkm.nodes and of the dispatcher's state did not "
                            + "reach their topics' ends within " + TIMEOUT.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableStageException("interrupted while bringing the views up to date", e);
            } catch (IllegalStateException e) {
                throw new RetriableStageException(e.getMessage(), e);
            }
        }
        return decision.decide(inbound);
    }
}
