package io.lagscaler.loadtest.sim;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.OffsetReset;
import java.util.function.Supplier;

/**
 * KEDA v2.20 with its Kafka scaler, feeding the HPA: KEDA's operator loop decides 0 <-> 1 every
 * pollingInterval (cooldownPeriod before zero); the HPA syncs every 15 s on a fresh query (the
 * metrics server queries the scaler when the HPA asks, useCachedMetrics false).
 */
public final class KedaAutoscaler implements Autoscaler {

  private final Scenario.Keda keda;
  private final int minReplicaCount;
  private final Hpa hpa;
  private long lastActive = Long.MIN_VALUE / 2; // never active: KEDA then ignores the cooldown
  private String reason = "START";

  public KedaAutoscaler(Scenario s) {
    this(s.keda(), s.minReplicas(), s.maxReplicas(), s.initialReplicas());
  }

  /** A ScaledObject with these trigger settings and bounds, over a workload at {@code initial}. */
  public KedaAutoscaler(Scenario.Keda keda, int minReplicaCount, int maxReplicaCount, int initial) {
    this.keda = keda;
    this.minReplicaCount = minReplicaCount;
    // KEDA creates the HPA with minReplicas max(1, minReplicaCount).
    this.hpa = new Hpa(Math.max(1, minReplicaCount), maxReplicaCount);
    hpa.seed(0, initial);
  }

  @Override
  public String name() {
    return "keda";
  }

  @Override
  public Action tick(int t, Supplier<GroupOffsets.Read> read, int replicas, int ready) {
    int next = replicas;
    GroupOffsets.Read offsets = null;
    if (t % keda.pollingInterval() == 0) {
      offsets = read.get();
      boolean active =
          KedaKafkaScaler.active(
              KedaKafkaScaler.totalLag(offsets, keda.lagThreshold(), OffsetReset.LATEST),
              keda.activationLagThreshold());
      if (active && next == 0) {
        next = Math.max(1, minReplicaCount);
        reason = "KEDA scale from zero";
      } else if (!active && next > 0 && minReplicaCount == 0) {
        if (lastActive + keda.cooldownPeriod() < t) {
          next = 0;
          reason = "KEDA scale to zero after cooldown";
        }
      }
      if (active) {
        lastActive = t;
      }
    }
    if (t % Hpa.SYNC_SECONDS == 0 && next > 0) {
      if (offsets == null) {
        offsets = read.get();
      }
      KedaKafkaScaler.Lag lag =
          KedaKafkaScaler.totalLag(offsets, keda.lagThreshold(), OffsetReset.LATEST);
      int desired = hpa.reconcile(t, lag.metric(), keda.lagThreshold(), next);
      if (desired != next) {
        reason = desired > next ? "HPA scale up" : "HPA scale down";
      }
      next = desired;
    }
    return new Action(next, reason);
  }
}
