package io.gkm.dispatcher.stage;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageHandler;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gkm.dispatcher.routing.DispatchHandler;
import io.gkm.dispatcher.routing.InstallJobs;
import io.gkm.dispatcher.status.CacheNodeStatusWriter;
import io.gkm.dispatcher.status.StatusHandler;
import io.gkm.dispatcher.view.DispatchViews;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/**
 * The routing half of the dispatcher, running: its views of gkm.nodes and of the state topic,
 * caught up before the first decision and brought up to date before each ({@link CurrentViews}),
 * and its {@link DispatchHandler} in a {@link StageLoop} of one record a transaction
 * ({@link #oneRecordATransaction}) that creates jobs topics as it first needs them ({@link JobTopics}).
 */
public final class DispatcherStage implements AutoCloseable {
    private final DispatchViews views;
    private final Admin admin;
    private final StageLoop loop;

    private DispatcherStage(DispatchViews views, Admin admin, StageLoop loop) {
        this.views = views;
        this.admin = admin;
        this.loop = loop;
    }

    /**
     * Starts the views, waits until they reach the ends their topics had, then starts the loop.
     *
     * @param spec must read {@link DispatchHandler#inputs}
     * @throws IllegalStateException when the views do not catch up within {@code catchUp}
     */
    public static DispatcherStage start(StageSpec spec, StageLoop.Timing timing, Duration catchUp,
            KafkaClientFactory kafka, Topics topics, MeterRegistry registry) throws InterruptedException {
        return start(spec, timing, catchUp, kafka, topics, registry, new CacheLayout(Path.of(CacheLayout.DEFAULT_ROOT)));
    }

    /**
     * As {@link #start(StageSpec, StageLoop.Timing, Duration, KafkaClientFactory, Topics, MeterRegistry)},
     * the jobs naming folders under {@code nodeCaches} instead of GKM's {@code /var/lib/gkm/caches}
     * (nodes whose node-consumer has another GKM_CACHE_DIR, such as gkm demo's simulated ones).
     */
    public static DispatcherStage start(StageSpec spec, StageLoop.Timing timing, Duration catchUp,
            KafkaClientFactory kafka, Topics topics, MeterRegistry registry, CacheLayout nodeCaches)
            throws InterruptedException {
        DispatchViews views = DispatchViews.start(kafka, topics, spec.instance());
        try {
            views.awaitCaughtUp(catchUp);
        } catch (RuntimeException | InterruptedException e) {
            views.close();
            throw e;
        }
        return start(spec, timing, kafka, topics, registry, nodeCaches, views);
    }

    /** The stage around {@code views}, started and caught up; closing the stage closes them. */
    static DispatcherStage start(StageSpec spec, StageLoop.Timing timing, KafkaClientFactory kafka, Topics topics,
            MeterRegistry registry, CacheLayout nodeCaches, DispatchViews views) {
        Admin admin = kafka.admin(spec.groupId(topics.prefix()) + ".topics." + spec.instance());
        StageHandler handler = new JobTopics(new CurrentViews(new DispatchHandler(topics, views,
                new InstallJobs(nodeCaches, UUID::randomUUID, Clock.systemUTC())), views), topics,
                new TopicAdmin(admin));
        Emitter emitter = new Emitter(spec.name(), spec.cluster(), spec.instance(), topics, EventCodec.INSTANCE,
                Clock.systemUTC());
        StageLoop loop = new StageLoop(spec, oneRecordATransaction(timing), kafka, topics.prefix(),
                EventCodec.INSTANCE, emitter, handler, registry);
        loop.start();
        return new DispatcherStage(views, admin, loop);
    }

    /**
     * {@code timing} with one record a batch, whatever GKM_STAGE_MAX_POLL_RECORDS says: the views
     * read committed records only, so a decision sees the state written by the one before it only
     * once that one's transaction has committed (a deletion after a verdict of the same batch
     * would find no cache to remove, and a repeated verdict would be dispatched twice).
     */
    static StageLoop.Timing oneRecordATransaction(StageLoop.Timing timing) {
        return withBatch(timing, 1);
    }

    /**
     * {@code timing} with no more install results a batch than can each take the longest status
     * write ({@link CacheNodeStatusWriter#LONGEST_WRITE}) and still commit before the broker aborts
     * the transaction: writing takes at most half the transaction timeout, the other half is left
     * for the poll, the audit events and the commit. At least one: with a transaction timeout under
     * twice the longest write, an API server that slow gets the batch fenced, and twice in a row
     * stops the stage with the settings to change.
     */
    static StageLoop.Timing statusBatches(StageLoop.Timing timing) {
        long fits = timing.transactionTimeout().dividedBy(2).toNanos() / CacheNodeStatusWriter.LONGEST_WRITE.toNanos();
        return withBatch(timing, (int) Math.max(1, Math.min(timing.maxPollRecords(), fits)));
    }

    private static StageLoop.Timing withBatch(StageLoop.Timing timing, int maxPollRecords) {
        return new StageLoop.Timing(timing.pollTimeout(), maxPollRecords, timing.transactionTimeout(),
                timing.retryBackoff());
    }

    /**
     * The status half: install results written onto GKMCacheNode / ClusterGKMCacheNode status
     * through {@code kubernetes}, in a stage loop of its own (its own consumer group and
     * transactional id, its batches cut by {@link #statusBatches}), started; results of another
     * cluster than {@code spec.cluster()} are audited and left alone.
     *
     * @param spec must read {@link StatusHandler#inputs}
     */
    public static StageLoop startStatus(StageSpec spec, StageLoop.Timing timing, KafkaClientFactory kafka,
            Topics topics, KubernetesClient kubernetes, MeterRegistry registry) {
        Emitter emitter = new Emitter(spec.name(), spec.cluster(), spec.instance(), topics, EventCodec.INSTANCE,
                Clock.systemUTC());
        StageLoop loop = new StageLoop(spec, statusBatches(timing), kafka, topics.prefix(), EventCodec.INSTANCE,
                emitter, new StatusHandler(spec.cluster(), new CacheNodeStatusWriter(kubernetes, Clock.systemUTC())),
                registry);
        loop.start();
        return loop;
    }

    /** Why the stage stopped on its own: the loop's failure, or a view's. */
    public Optional<Throwable> failure() {
        Optional<Throwable> failure = loop.failure();
        if (failure.isPresent()) {
            return failure;
        }
        return views.failure().map(Throwable.class::cast);
    }

    /** Throws why the stage stopped on its own, if it did. */
    public void throwIfFailed() {
        Optional<Throwable> failure = failure();
        if (failure.isPresent()) {
            throw failure.get() instanceof RuntimeException e ? e
                    : new IllegalStateException(failure.get().getMessage(), failure.get());
        }
    }

    /** Records of gkm.nodes and of the state topic the views skipped as undecodable. */
    public long skippedByViews() {
        return views.skipped();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            loop.close();
        } finally {
            views.close();
            admin.close(Duration.ofSeconds(5));
        }
    }
}
