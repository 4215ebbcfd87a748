package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.lagscaler.act.Leadership;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leader among lag-scaler's replicas, elected on a {@code coordination.k8s.io/v1} Lease
 * (fabric8's LeaderElector, as java-operator-sdk does). Only the leader writes; standbys keep
 * observing so a new leader starts with warm history.
 *
 * <p>Leadership, once lost, is not sought again: {@link Listener#onStopLeading()} is the signal for
 * the process to exit (a restart rejoins as a standby), so two instances never both believe they
 * lead. {@link #close()} releases the Lease so a standby takes over at once instead of after the
 * lease duration.
 *
 * <p>Created by {@link KubernetesClients#leaderElection(Settings, Listener)}.
 */
public final class LeaderElection implements Leadership, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * @param leaseDuration how long a standby waits after the last renewal before taking over
   * @param renewDeadline how long the leader keeps trying to renew before giving up leadership
   * @param retryPeriod the interval between attempts to acquire or renew
   */
  public record Settings(
      String leaseNamespace,
      String leaseName,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {

    public Settings {
      Objects.requireNonNull(leaseNamespace, "leaseNamespace");
      Objects.requireNonNull(leaseName, "leaseName");
      Objects.requireNonNull(identity, "identity");
      if (identity.isBlank()) {
        throw new IllegalArgumentException("identity must not be blank");
      }
      // The same constraints client-go enforces: otherwise a leader can lose the lease while it
      // still believes it holds it.
      if (leaseDuration.compareTo(renewDeadline) <= 0) {
        throw new IllegalArgumentException(
            "leaseDuration "
                + leaseDuration
                + " must be longer than renewDeadline "
                + renewDeadline);
      }
      if (renewDeadline.compareTo(retryPeriod) <= 0) {
        throw new IllegalArgumentException(
            "renewDeadline " + renewDeadline + " must be longer than retryPeriod " + retryPeriod);
      }
    }

    /** client-go's and java-operator-sdk's defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
    public static Settings defaults(String leaseNamespace, String leaseName, String identity) {
      return new Settings(
          leaseNamespace,
          leaseName,
          identity,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }
  }

  /** Called on fabric8's election thread: return quickly. */
  public interface Listener {
    /** This instance became the leader: it may write from now on. */
    default void onStartLeading() {}

    /**
     * This instance is no longer the leader (lost the Lease, or {@link #close()} released it): stop
     * writing and exit.
     */
    default void onStopLeading() {}

    /** Another instance (or this one) leads now; empty when the Lease was released. */
    default void onNewLeader(Optional<String> identity) {}
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Listener listener;
  private final AtomicReference<String> leader = new AtomicReference<>();
  private volatile boolean leading;
  private CompletableFuture<?> running;

  LeaderElection(KubernetesClient client, Settings settings, Listener listener) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Starts campaigning in the background; returns at once. May be called once. */
  public synchronized void start() {
    if (running != null) {
      throw new IllegalStateException("leader election already started");
    }
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName("lag-scaler")
                    .withLock(
                        new LeaseLock(
                            settings.leaseNamespace(), settings.leaseName(), settings.identity()))
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            this::startedLeading, this::stoppedLeading, this::newLeader))
                    .build())
            .build();
    running = elector.start();
    running.whenComplete(
        (ok, failure) -> {
          if (failure != null && !running.isCancelled()) {
            LOG.error("Leader election on Lease {} ended with an error", describe(), failure);
          }
        });
  }

  @Override
  public boolean isLeader() {
    return leading;
  }

  /**
   * The holder of the Lease as last observed; empty before the first observation or after release.
   */
  @Override
  public Optional<String> currentLeader() {
    return Optional.ofNullable(leader.get()).filter(s -> !s.isEmpty());
  }

  @Override
  public String identity() {
    return settings.identity();
  }

  /**
   * Stops campaigning and, if leading, releases the Lease before returning, so a standby takes over
   * at once. fabric8 releases on cancel asynchronously, which a JVM that is shutting down may never
   * finish; this waits for it and clears the holder itself if it still names this instance.
   */
  @Override
  public synchronized void close() {
    if (running == null) {
      return;
    }
    running.cancel(true);
    try {
      running.get(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception expected) {
      // Cancelled, failed or still busy: the explicit release below covers every case.
    }
    try {
      var lease =
          client.leases().inNamespace(settings.leaseNamespace()).withName(settings.leaseName());
      var current = lease.get();
      if (current != null
          && current.getSpec() != null
          && settings.identity().equals(current.getSpec().getHolderIdentity())) {
        lease.edit(
            l -> {
              l.getSpec().setHolderIdentity(null);
              l.getSpec().setLeaseDurationSeconds(1);
              return l;
            });
        LOG.info("{} released Lease {}", settings.identity(), describe());
      }
    } catch (RuntimeException e) {
      // Another instance took the Lease in between, or the API server is gone: the Lease then
      // expires after leaseDuration, as it would after a crash.
      LOG.warn("could not release Lease {}: {}", describe(), e.toString());
    }
  }

  private void startedLeading() {
    leading = true;
    LOG.info("{} leads now (Lease {})", settings.identity(), describe());
    listener.onStartLeading();
  }

  private void stoppedLeading() {
    // fabric8 may report the loss twice (observed new holder, then the end of the renew loop).
    boolean wasLeading = leading;
    leading = false;
    if (wasLeading) {
      LOG.warn("{} no longer leads (Lease {})", settings.identity(), describe());
      listener.onStopLeading();
    }
  }

  private void newLeader(String identity) {
    leader.set(identity);
    listener.onNewLeader(Optional.ofNullable(identity).filter(s -> !s.isEmpty()));
  }

  private String describe() {
    return settings.leaseNamespace() + "/" + settings.leaseName();
  }
}
