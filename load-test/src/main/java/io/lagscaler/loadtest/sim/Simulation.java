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
 * polled; pods that finished starting (after waiting for a node, when the scenario has a node pool)
 * join; every change of membership is a rebalance that assigns the partitions as Kafka's assignor
 * would (range for eager, cooperative-sticky for cooperative) and pauses, for the rebalance time,
 * every partition (eager) or those that moved (cooperative); messages arrive, split over the
 * partitions by their weights; each member serves its unpaused partitions at its service rate (with
 * the scenario's consumer noise), capacity a caught-up partition leaves going to the others.
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
      String reason,
      int need) {}

  /** The summary line and, when asked for, every second. */
  public record Run(SimResult result, List<Row> timeline) {}

  public static Run run(Scenario s, Autoscaler policy, boolean keepTimeline) {
    int p = s.partitions();
    int duration = s.durationSeconds();
    double[] share = s.partitionShares();
    double[] consumed = new double[p];
    double[] produced = new double[p];
    double[][] producedAt = new double[p][duration + 1]; // at the end of second t - 1
    Membership group = new Membership(s);
    Backlog backlog = new Backlog(p);
    Random noise = new Random(s.noise().map(Scenario.Noise::seed).orElse(0L));
    double noiseFraction = s.noise().map(Scenario.Noise::stddevFraction).orElse(0.0);
    Random consumerNoise = new Random(s.consumerNoise().map(Scenario.Noise::seed).orElse(0L));
    double consumerFraction = s.consumerNoise().map(Scenario.Noise::stddevFraction).orElse(0.0);
    Oversized oversized = new Oversized(s.minReplicas(), s.maxReplicas(), p, s.targetLagSeconds());

    long slo = 0;
    long maxLag = 0;
    double maxTimeLag = 0;
    long replicaSeconds = 0;
    int events = 0;
    long rebalance = 0;
    List<Row> rows = keepTimeline ? new ArrayList<>(duration) : List.of();

    for (int t = 0; t < duration; t++) {
      final int membersNow = group.members();
      final boolean pausedNow = group.paused(t);
      Autoscaler.Action action =
          policy.tick(
              t,
              () -> read(produced, consumed, membersNow, pausedNow),
              group.replicas(),
              group.ready(t));
      if (action.replicas() != group.replicas()) {
        events++;
      }
      group.scale(action.replicas(), t);

      double mu = s.serviceRateAt(t);
      double rate = s.rateAt(t);
      double arrivals = Math.max(0, rate * (1 + noiseFraction * noise.nextGaussian()));
      for (int i = 0; i < p; i++) {
        producedAt[i][t] = produced[i];
        produced[i] += arrivals * share[i];
      }
      if (group.paused(t)) {
        rebalance++;
      }
      for (int[] partitions : group.owned()) {
        double capacity = mu;
        if (consumerFraction > 0) {
          capacity = Math.max(0, mu * (1 + consumerFraction * consumerNoise.nextGaussian()));
        }
        backlog.serve(partitions, capacity, group.pausedUntil(), t, produced, consumed);
      }
      long lag = 0;
      double timeLag = 0;
      for (int i = 0; i < p; i++) {
        lag += (long) Math.floor(produced[i]) - (long) Math.floor(consumed[i]);
        timeLag = Math.max(timeLag, timeLag(producedAt[i], t, produced[i], consumed[i]));
      }
      if (timeLag > s.targetLagSeconds()) {
        slo++;
      }
      int need = oversized.second(t, arrivals, mu, group.replicas(), timeLag);
      maxLag = Math.max(maxLag, lag);
      maxTimeLag = Math.max(maxTimeLag, timeLag);
      replicaSeconds += group.replicas();
      if (keepTimeline) {
        rows.add(
            new Row(
                t,
                arrivals,
                lag,
                timeLag,
                group.replicas(),
                group.ready(t),
                action.reason(),
                need));
      }
    }
    long finalLag = 0;
    for (int i = 0; i < p; i++) {
      finalLag += (long) Math.floor(produced[i]) - (long) Math.floor(consumed[i]);
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
            finalLag,
            oversized.seconds());
    return new Run(result, rows);
  }

  /**
   * One member's second: its capacity is shared evenly over its unpaused partitions, and what a
   * partition with less backlog than its share leaves goes to the others (a consumer's poll returns
   * whatever its partitions have). Holds its buffers so the hot loop allocates nothing.
   */
  private static final class Backlog {
    private final int[] mine;
    private final double[] behind;

    Backlog(int partitions) {
      mine = new int[partitions];
      behind = new double[partitions];
    }

    void serve(
        int[] partitions,
        double capacity,
        int[] pausedUntil,
        int t,
        double[] produced,
        double[] consumed) {
      int n = 0;
      for (int i : partitions) {
        if (t >= pausedUntil[i]) {
          // Insertion by backlog, ties in partition order: the least behind are served first.
          double b = produced[i] - consumed[i];
          int k = n++;
          while (k > 0 && behind[k - 1] > b) {
            mine[k] = mine[k - 1];
            behind[k] = behind[k - 1];
            k--;
          }
          mine[k] = i;
          behind[k] = b;
        }
      }
      double left = capacity;
      for (int k = 0; k < n; k++) {
        int i = mine[k];
        double fair = left / (n - k);
        double take = Math.min(fair, produced[i] - consumed[i]);
        consumed[i] = Math.min(produced[i], consumed[i] + take);
        left -= take;
      }
    }
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
      double[] produced, double[] consumed, int members, boolean paused) {
    List<PartitionOffsets> offsets = new ArrayList<>(produced.length);
    for (int i = 0; i < produced.length; i++) {
      offsets.add(
          new PartitionOffsets(
              new PartitionKey(TOPIC, i),
              Offset.known((long) Math.floor(consumed[i])),
              Offset.known((long) Math.floor(produced[i])),
              Offset.known(0)));
    }
    GroupState state =
        paused ? GroupState.REBALANCING : members == 0 ? GroupState.EMPTY : GroupState.STABLE;
    return new GroupOffsets.Read(GROUP, state, members, GroupProtocol.CLASSIC, offsets);
  }
}
