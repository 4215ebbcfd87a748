package io.lagscaler.loadtest.sim;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.observe.PartitionOffsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic model of one consumer group in 1 s steps. Each second: the policy acts on what it
 * polled; pods that finished starting join; every change of membership pauses the whole group for
 * the rebalance time; messages arrive, spread evenly over the partitions; each member serves each
 * of its k partitions at mu / k (round-robin assignment, so the busiest member limits the group).
 * Offsets are whole messages: the policy sees floor(produced) and floor(consumed).
 */
public final class Simulation {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String GROUP = "sim";
  static final String TOPIC = "events";

  private Simulation() {}

  /** One second of the timeline. */
  public record Row(
      int t,
      double rate,
      long lag,
      double timeLagSeconds,
      int replicas,
      int readyReplicas,
      String reason) {}

  /** The summary line and, when asked for, every second. */
  public record Run(SimResult result, List<Row> timeline) {}

  public static Run run(Scenario s, Autoscaler policy, boolean keepTimeline) {
    int p = s.partitions();
    int duration = s.durationSeconds();
    double[] consumed = new double[p];
    double produced = 0; // per partition: arrivals are spread evenly
    double[] producedAt = new double[duration + 1]; // per partition, at the end of second t - 1
    List<Integer> podsReadyAt = new ArrayList<>();
    for (int i = 0; i < s.initialReplicas(); i++) {
      podsReadyAt.add(0);
    }
    int members = s.initialReplicas();
    int pausedUntil = 0;
    Random noise = new Random(s.noise().map(Scenario.Noise::seed).orElse(0L));
    double noiseFraction = s.noise().map(Scenario.Noise::stddevFraction).orElse(0.0);

    long slo = 0;
    long maxLag = 0;
    double maxTimeLag = 0;
    long replicaSeconds = 0;
    int events = 0;
    long rebalance = 0;
    List<Row> rows = keepTimeline ? new ArrayList<>(duration) : List.of();

    for (int t = 0; t < duration; t++) {
      final int now = t;
      final double producedNow = produced;
      final int membersNow = members;
      final boolean pausedNow = t < pausedUntil;
      int ready = countReady(podsReadyAt, t);
      Autoscaler.Action action =
          policy.tick(
              t,
              () -> read(p, producedNow, consumed, membersNow, pausedNow),
              podsReadyAt.size(),
              ready);
      if (action.replicas() != podsReadyAt.size()) {
        events++;
        resize(podsReadyAt, action.replicas(), t + s.podStartSeconds());
      }
      int joined = countReady(podsReadyAt, t);
      if (joined != members) {
        members = joined;
        pausedUntil = t + s.rebalanceSeconds(); // a new rebalance restarts the pause
      }

      double mu = s.serviceRateAt(t);
      double rate = s.rateAt(t);
      double arrivals = Math.max(0, rate * (1 + noiseFraction * noise.nextGaussian()));
      producedAt[t] = produced;
      produced += arrivals / p;
      boolean paused = t < pausedUntil;
      if (paused) {
        rebalance++;
      } else if (members > 0) {
        int[] load = new int[members];
        for (int i = 0; i < p; i++) {
          load[i % members]++;
        }
        for (int i = 0; i < p; i++) {
          double capacity = mu / load[i % members];
          consumed[i] = Math.min(produced, consumed[i] + capacity);
        }
      }
      long lag = 0;
      double oldest = produced;
      for (int i = 0; i < p; i++) {
        lag += (long) Math.floor(produced) - (long) Math.floor(consumed[i]);
        oldest = Math.min(oldest, consumed[i]);
      }
      double timeLag = timeLag(producedAt, t, produced, oldest);
      if (timeLag > s.targetLagSeconds()) {
        slo++;
      }
      maxLag = Math.max(maxLag, lag);
      maxTimeLag = Math.max(maxTimeLag, timeLag);
      replicaSeconds += podsReadyAt.size();
      if (keepTimeline) {
        rows.add(
            new Row(
                t,
                arrivals,
                lag,
                timeLag,
                podsReadyAt.size(),
                countReady(podsReadyAt, t),
                action.reason()));
      }
    }
    long finalLag = 0;
    for (int i = 0; i < p; i++) {
      finalLag += (long) Math.floor(produced) - (long) Math.floor(consumed[i]);
    }
    SimResult result =
        new SimResult(
            s.name(),
            policy.name(),
            slo,
            maxLag,
            Math.round(maxTimeLag * 10) / 10.0,
            replicaSeconds,
            events,
            rebalance,
            finalLag);
    return new Run(result, rows);
  }

  /**
   * Seconds since the oldest unconsumed message was produced, at the end of second {@code t}: the
   * message after {@code consumed} was produced when the per-partition total passed it.
   */
  static double timeLag(double[] producedAt, int t, double produced, double consumed) {
    long next = (long) Math.floor(consumed) + 1;
    if (next > Math.floor(produced)) {
      return 0;
    }
    // producedAt[s] is the total at the start of second s; `produced` is the total at t + 1.
    int lo = 0;
    int hi = t + 1; // index t + 1 stands for `produced`
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      double v = mid == t + 1 ? produced : producedAt[mid];
      if (v >= next) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo == 0) {
      return t + 1;
    }
    double before = producedAt[lo - 1];
    double after = lo == t + 1 ? produced : producedAt[lo];
    double at = (lo - 1) + (next - before) / (after - before);
    return Math.max(0, t + 1 - at);
  }

  private static GroupOffsets.Read read(
      int partitions, double produced, double[] consumed, int members, boolean paused) {
    List<PartitionOffsets> offsets = new ArrayList<>(partitions);
    long end = (long) Math.floor(produced);
    for (int i = 0; i < partitions; i++) {
      offsets.add(
          new PartitionOffsets(
              new PartitionKey(TOPIC, i),
              Offset.known((long) Math.floor(consumed[i])),
              Offset.known(end),
              Offset.known(0)));
    }
    GroupState state =
        paused ? GroupState.REBALANCING : members == 0 ? GroupState.EMPTY : GroupState.STABLE;
    return new GroupOffsets.Read(GROUP, state, members, GroupProtocol.CLASSIC, offsets);
  }

  private static int countReady(List<Integer> podsReadyAt, int t) {
    int n = 0;
    for (int at : podsReadyAt) {
      if (at <= t) {
        n++;
      }
    }
    return n;
  }

  /** Adds pods that start now, or removes the youngest first (pending pods before ready ones). */
  private static void resize(List<Integer> pods, int target, int readyAt) {
    while (pods.size() < target) {
      pods.add(readyAt);
    }
    while (pods.size() > target) {
      int youngest = 0;
      for (int i = 1; i < pods.size(); i++) {
        if (pods.get(i) >= pods.get(youngest)) {
          youngest = i;
        }
      }
      pods.remove(youngest);
    }
  }
}
