package io.lagscaler.loadtest.sim;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.observe.PartitionOffsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
      String reason) {}

  /** The summary line and, when asked for, every second. */
  public record Run(SimResult result, List<Row> timeline) {}

  /** A pod: its id (members are sorted by it) and when it is ready. */
  private record Pod(int id, int readyAt) {}

  public static Run run(Scenario s, Autoscaler policy, boolean keepTimeline) {
    int p = s.partitions();
    int duration = s.durationSeconds();
    double[] share = s.partitionShares();
    double[] consumed = new double[p];
    double[] produced = new double[p];
    double[][] producedAt = new double[p][duration + 1]; // at the end of second t - 1
    int[] pausedUntil = new int[p];
    int[] owner = new int[p];
    Arrays.fill(owner, Assignor.NONE);
    Optional<NodePool> nodes = s.nodes().map(n -> new NodePool(n, s.initialReplicas()));
    List<Pod> pods = new ArrayList<>();
    int[] nextId = {0};
    for (int i = 0; i < s.initialReplicas(); i++) {
      pods.add(new Pod(nextId[0]++, 0));
    }
    // The initial members are already assigned and consuming: no rebalance at the start.
    List<Integer> members = readyIds(pods, 0);
    if (s.rebalance() == Scenario.Rebalance.EAGER) {
      owner = Assignor.range(members, p);
    } else {
      owner = Assignor.sticky(owner, members, p);
    }
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
      final int now = t;
      final int membersNow = members.size();
      final boolean pausedNow = anyPaused(pausedUntil, t);
      int ready = countReady(pods, t);
      Autoscaler.Action action =
          policy.tick(t, () -> read(produced, consumed, membersNow, pausedNow), pods.size(), ready);
      if (action.replicas() != pods.size()) {
        events++;
        resize(pods, action.replicas(), t, s.podStartSeconds(), nodes, nextId);
      }
      nodes.ifPresent(n -> n.settle(pods.size(), now));
      List<Integer> joined = readyIds(pods, t);
      if (!joined.equals(members)) {
        int[] next =
            s.rebalance() == Scenario.Rebalance.EAGER
                ? Assignor.range(joined, p)
                : Assignor.sticky(owner, joined, p);
        for (int i = 0; i < p; i++) {
          // A new rebalance restarts the pause of what it stops.
          if (s.rebalance() == Scenario.Rebalance.EAGER || next[i] != owner[i]) {
            pausedUntil[i] = t + s.rebalanceSeconds();
          }
        }
        owner = next;
        members = joined;
      }

      double mu = s.serviceRateAt(t);
      double rate = s.rateAt(t);
      double arrivals = Math.max(0, rate * (1 + noiseFraction * noise.nextGaussian()));
      for (int i = 0; i < p; i++) {
        producedAt[i][t] = produced[i];
        produced[i] += arrivals * share[i];
      }
      if (anyPaused(pausedUntil, t)) {
        rebalance++;
      }
      for (int m : members) {
        double capacity = mu;
        if (consumerFraction > 0) {
          capacity = Math.max(0, mu * (1 + consumerFraction * consumerNoise.nextGaussian()));
        }
        serve(m, capacity, owner, pausedUntil, t, produced, consumed);
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
      oversized.second(t, arrivals, mu, pods.size(), timeLag);
      maxLag = Math.max(maxLag, lag);
      maxTimeLag = Math.max(maxTimeLag, timeLag);
      replicaSeconds += pods.size();
      if (keepTimeline) {
        rows.add(
            new Row(t, arrivals, lag, timeLag, pods.size(), countReady(pods, t), action.reason()));
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
   * whatever its partitions have).
   */
  private static void serve(
      int member,
      double capacity,
      int[] owner,
      int[] pausedUntil,
      int t,
      double[] produced,
      double[] consumed) {
    int n = 0;
    int[] mine = new int[owner.length];
    for (int i = 0; i < owner.length; i++) {
      if (owner[i] == member && t >= pausedUntil[i]) {
        mine[n++] = i;
      }
    }
    if (n == 0) {
      return;
    }
    Integer[] byBacklog = new Integer[n];
    for (int k = 0; k < n; k++) {
      byBacklog[k] = mine[k];
    }
    Arrays.sort(byBacklog, Comparator.comparingDouble(i -> produced[i] - consumed[i]));
    double left = capacity;
    for (int k = 0; k < n; k++) {
      int i = byBacklog[k];
      double fair = left / (n - k);
      double take = Math.min(fair, produced[i] - consumed[i]);
      consumed[i] = Math.min(produced[i], consumed[i] + take);
      left -= take;
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

  private static boolean anyPaused(int[] pausedUntil, int t) {
    for (int until : pausedUntil) {
      if (t < until) {
        return true;
      }
    }
    return false;
  }

  private static int countReady(List<Pod> pods, int t) {
    int n = 0;
    for (Pod pod : pods) {
      if (pod.readyAt() <= t) {
        n++;
      }
    }
    return n;
  }

  private static List<Integer> readyIds(List<Pod> pods, int t) {
    List<Integer> ids = new ArrayList<>();
    for (Pod pod : pods) {
      if (pod.readyAt() <= t) {
        ids.add(pod.id());
      }
    }
    ids.sort(null);
    return ids;
  }

  /**
   * Adds pods that start now (once their node is ready), or removes the youngest first (pending
   * pods before ready ones).
   */
  private static void resize(
      List<Pod> pods,
      int target,
      int t,
      int podStartSeconds,
      Optional<NodePool> nodes,
      int[] nextId) {
    while (pods.size() < target) {
      int index = pods.size();
      int nodeReady = nodes.map(n -> n.placePod(index, t)).orElse(t);
      pods.add(new Pod(nextId[0]++, Math.max(t, nodeReady) + podStartSeconds));
    }
    while (pods.size() > target) {
      int youngest = 0;
      for (int i = 1; i < pods.size(); i++) {
        if (pods.get(i).readyAt() >= pods.get(youngest).readyAt()) {
          youngest = i;
        }
      }
      pods.remove(youngest);
    }
  }
}
