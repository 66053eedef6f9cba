package io.gkm.cli.demo;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.dispatcher.DispatcherSettings;
import io.gkm.dispatcher.routing.DispatchHandler;
import io.gkm.dispatcher.routing.InstallJobs;
import io.gkm.dispatcher.view.DispatchViews;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The dispatcher's routing as {@code DispatcherStage} runs it (its views of gkm.nodes and of its
 * state topic caught up first, then {@link DispatchHandler} in a stage loop), with one difference
 * the demo needs: its install jobs name folders under the simulated compatible node's cache root,
 * not GKM's {@code /var/lib/gkm/caches}. The demo's nodes share one machine, so each has a cache
 * root of its own, and a node-consumer refuses a job whose target path is not its own folder.
 * {@code DispatcherStage.start} takes no cache root; when it does, this goes.
 */
final class DemoDispatcher implements AutoCloseable {
    private final DispatchViews views;
    private final StageLoop loop;

    private DemoDispatcher(DispatchViews views, StageLoop loop) {
        this.views = views;
        this.loop = loop;
    }

    /**
     * Starts routing; the jobs topics must exist (each node-consumer creates its own at start).
     *
     * @param nodeCacheRoot the cache root the jobs' target paths are under
     */
    static DemoDispatcher start(GkmConfig config, Path nodeCacheRoot, KafkaClientFactory kafka, Topics topics,
            MeterRegistry registry) throws InterruptedException {
        StageSpec spec = StageSpec.of(config, DispatchHandler.STAGE, DispatchHandler.inputs(topics));
        DispatchViews views = DispatchViews.start(kafka, topics, spec.instance());
        try {
            views.awaitCaughtUp(config.get(DispatcherSettings.CATCH_UP_TIMEOUT));
        } catch (RuntimeException | InterruptedException e) {
            views.close();
            throw e;
        }
        Clock clock = Clock.systemUTC();
        DispatchHandler handler = new DispatchHandler(topics, views,
                new InstallJobs(new CacheLayout(nodeCacheRoot), UUID::randomUUID, clock));
        StageLoop loop = new StageLoop(spec, StageLoop.Timing.from(config), kafka, topics.prefix(),
                EventCodec.INSTANCE, new Emitter(spec.name(), spec.cluster(), spec.instance(), topics,
                EventCodec.INSTANCE, clock), handler, registry);
        loop.start();
        return new DemoDispatcher(views, loop);
    }

    /** Why routing stopped on its own: the loop's failure, or a view's. */
    Optional<Throwable> failure() {
        return loop.failure().or(() -> views.failure().map(Throwable.class::cast));
    }

    @Override
    public void close() throws InterruptedException {
        try {
            loop.close();
        } finally {
            views.close();
        }
    }
}
