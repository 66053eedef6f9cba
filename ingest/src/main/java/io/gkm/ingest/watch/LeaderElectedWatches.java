package io.gkm.ingest.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.gkm.core.stage.StageFailedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watches of one ingest among replicas: they run only while this ingest holds a
 * {@code coordination.k8s.io/v1} Lease (fabric8's leader elector), so one replica publishes watch
 * events and the others only serve the webhook. Gaining the Lease starts the watches (with the
 * missed-delete reconciliation of {@link ResourceWatches#start}); losing it stops them.
 *
 * <p>The leader stops when it could not renew the Lease for the renew deadline, and the others may
 * take it only once the lease duration has passed since the last renewal, so the watches of the
 * old leader are down before a new one starts. Should they not be (a paused process), the new
 * leader's transactional producer fences the old one's.
 *
 * <p>Starting and stopping run in order on a thread of their own, not on the elector's, so a slow
 * start (Kafka, listing the cluster) never delays renewing the Lease; a loss that arrives while the
 * watches start stops them as soon as they have started.
 */
public final class LeaderElectedWatches implements Watches {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElectedWatches.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The Lease and how it is held.
     *
     * @param identity      this ingest among the replicas (the pod name)
     * @param leaseDuration how long a Lease not renewed stays taken
     * @param renewDeadline how long the leader tries to renew before it gives up the watches; shorter than
     *                      {@code leaseDuration}
     * @param retryPeriod   how often the Lease is tried or renewed
     */
    public record Election(String leaseName, String namespace, String identity, Duration leaseDuration,
                           Duration renewDeadline, Duration retryPeriod) {
        public Election {
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(identity, "identity");
        }

        /** {@code namespace/name}, for log lines. */
        public String lease() {
            return namespace + "/" + leaseName;
        }
    }

    private final KubernetesClient kubernetes;
    private final Election election;
    private final LeaderElectionConfig config;
    private final Supplier<? extends Watches> starter;
    private final ExecutorService transitions;
    private final AtomicReference<StageFailedException> startFailure = new AtomicReference<>();
    /** Written only on the transitions thread. */
    private volatile Watches running;
    private volatile boolean closing;
    private CompletableFuture<?> elector; // guarded by this
    private Future<?> starting; // guarded by this

    private LeaderElectedWatches(KubernetesClient kubernetes, Election election, Supplier<? extends Watches> starter) {
        this.kubernetes = kubernetes;
        this.election = election;
        this.starter = starter;
        this.config = new LeaderElectionConfigBuilder()
                .withName("gkm-ingest-watch")
                .withLock(new LeaseLock(election.namespace(), election.leaseName(), election.identity()))
                .withLeaseDuration(election.leaseDuration())
                .withRenewDeadline(election.renewDeadline())
                .withRetryPeriod(election.retryPeriod())
                // Given up on close, so another replica takes over at its next try, not a lease duration later.
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::elected, this::deposed, this::newLeader))
                .build();
        this.transitions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gkm-watch-leadership");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Enters the election and returns at once; the watches start when this ingest takes the Lease.
     *
     * @param starter starts the watches (and owns nothing of them until called)
     * @throws IllegalArgumentException when the timings break fabric8's rules: the lease duration must
     *     exceed the renew deadline, which must exceed 2.2 retry periods (see
     *     {@code IngestSettings.leaderTimingProblem}, which says so at start-up)
     */
    public static LeaderElectedWatches start(KubernetesClient kubernetes, Election election,
                                             Supplier<? extends Watches> starter) {
        LeaderElectedWatches watches = new LeaderElectedWatches(kubernetes, election, starter);
        try {
            watches.runForLease();
        } catch (RuntimeException e) {
            watches.transitions.shutdownNow();
            throw e;
        }
        LOG.info("{} runs for the watches' Lease {}", election.identity(), election.lease());
        return watches;
    }

    /**
     * Enters the election. Fabric8's elector ends for good once this ingest stops leading; so it runs
     * again, or an API server outage longer than the renew deadline would leave no replica running
     * for the Lease, and the watches would never run again.
     */
    private synchronized void runForLease() {
        if (closing) {
            return;
        }
        elector = kubernetes.leaderElector().withConfig(config).build().start();
        elector.whenComplete((done, failed) -> {
            if (failed != null && !closing) {
                LOG.warn("the election for Lease {} ended: {}; running again", election.lease(), failed.toString());
            }
            runForLeaseAgain();
        });
    }

    /** Runs for the Lease again; if even that fails (the client is closing, say), tries again later. */
    private void runForLeaseAgain() {
        try {
            runForLease();
        } catch (RuntimeException e) {
            if (closing) {
                return;
            }
            LOG.warn("{} cannot run for Lease {} again: {}; trying again in {}", election.identity(), election.lease(),
                    e.toString(), election.retryPeriod());
            CompletableFuture.runAsync(this::runForLeaseAgain, CompletableFuture.delayedExecutor(
                    election.retryPeriod().toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** Fabric8's elector thread: this ingest took the Lease. */
    private synchronized void elected() {
        if (!closing) {
            LOG.info("{} holds Lease {}: starting the watches", election.identity(), election.lease());
            starting = transitions.submit(this::startWatches);
        }
    }

    /** Fabric8's elector thread: this ingest lost the Lease (or gave it up). */
    private void deposed() {
        if (!closing) {
            LOG.warn("{} lost Lease {}: stopping the watches", election.identity(), election.lease());
            transitions.execute(this::stopWatches);
        }
    }

    private void newLeader(String identity) {
        if (identity != null && !identity.equals(election.identity())) {
            LOG.info("{} holds Lease {}; {} serves the webhook only", identity, election.lease(), election.identity());
        }
    }

    private void startWatches() {
        if (closing || running != null) {
            return;
        }
        try {
            running = starter.get();
            startFailure.set(null);
        } catch (RuntimeException e) {
            if (closing) {
                return; // interrupted by close: stopping is no failure
            }
            startFailure.set(new StageFailedException(election.identity() + " holds Lease " + election.lease()
                    + " but cannot start the watches: " + e.getMessage(), e));
        }
    }

    private void stopWatches() {
        Watches stopping = running;
        running = null;
        if (stopping != null) {
            stopping.close();
        }
    }

    /** The Lease these watches run under. */
    public Election election() {
        return election;
    }

    @Override
    public boolean leading() {
        Watches current = running;
        return current != null && current.failure().isEmpty();
    }

    /**
     * Why the watches stopped or could not start. The Lease is still held meanwhile: the caller is to
     * stop this ingest ({@code gkm ingest} and {@code gkm dev} exit), which gives the Lease up to a
     * replica that may fare better.
     */
    @Override
    public Optional<StageFailedException> failure() {
        Watches current = running;
        Optional<StageFailedException> failed = current == null ? Optional.empty() : current.failure();
        return failed.or(() -> Optional.ofNullable(startFailure.get()));
    }

    /**
     * Stops the watches, then gives up the Lease: the watches are down before another replica can
     * take over. Watches still starting (Kafka, listing the cluster) are interrupted, so a stop during
     * a slow start is prompt.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            if (starting != null) {
                starting.cancel(true);
            }
        }
        try {
            transitions.submit(this::stopWatches).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot stop the watches: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            LOG.warn("the watches did not stop within {} s; the next leader's producer fences them",
                    CLOSE_TIMEOUT.toSeconds());
        } finally {
            synchronized (this) {
                elector.cancel(true);
            }
            transitions.shutdownNow();
        }
    }
}
