package io.lagscaler.explain;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.Poll;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionLag;
import io.lagscaler.signals.PartitionSignals;
import io.lagscaler.signals.PartitionStatus;
import io.lagscaler.signals.TimeLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every meter lag-scaler publishes, named in one place. Prometheus names are {@code lagscaler_*} in
 * base units; tags are bounded (group, status, state, protocol, outcome; topic and partition only
 * when per-partition metrics are on). docs/metrics.md documents each one.
 */
public final class ScalerMetrics {

  public static final String GROUP_LAG = "lagscaler.group.lag.messages";
  public static final String GROUP_TIME_LAG = "lagscaler.group.time.lag.seconds";
  public static final String GROUP_PRODUCTION = "lagscaler.group.production.messages.per.second";
  public static final String GROUP_CONSUMPTION = "lagscaler.group.consumption.messages.per.second";
  public static final String GROUP_MEMBERS = "lagscaler.group.members";
  public static final String GROUP_UP = "lagscaler.group.up";
  public static final String GROUP_INFO = "lagscaler.group.info";
  public static final String GROUP_PARTITIONS = "lagscaler.group.partitions";
  public static final String GROUP_UNKNOWN_LAG = "lagscaler.group.unknown.lag.partitions";
  public static final String GROUP_TRUNCATED = "lagscaler.group.retention.truncated.partitions";
  public static final String GROUP_NO_COMMIT = "lagscaler.group.no.commit.partitions";
  public static final String PARTITION_LAG = "lagscaler.partition.lag.messages";
  public static final String PARTITION_TIME_LAG = "lagscaler.partition.time.lag.seconds";
  public static final String POLLS = "lagscaler.polls";
  public static final String POLL_DURATION = "lagscaler.poll.duration";
  public static final String POLL_REQUESTS = "lagscaler.poll.broker.requests";
  public static final String POLL_LAST_REQUESTS = "lagscaler.poll.last.broker.requests";
  public static final String POLL_GROUP_READS = "lagscaler.poll.group.reads";
  public static final String POLL_INTERVAL = "lagscaler_poll_interval_seconds";
  public static final String LAST_SUCCESSFUL_POLL =
      "lagscaler.last.successful.poll.timestamp.seconds";
  public static final String LEADER = "lagscaler.leader";
  public static final String CONFIG_RELOADS = "lagscaler.config.reloads";
  public static final String CONFIG_REJECTED = "lagscaler.config.rejected";
  public static final String TARGET_REPLICAS = "lagscaler.target.replicas";
  public static final String TARGET_TIME_LAG_TARGET = "lagscaler.target.time.lag.target.seconds";
  public static final String DECISIONS = "lagscaler.decisions";
  public static final String TARGET_ACTION = "lagscaler.target.action";
  public static final String SCALE_EVENTS = "lagscaler.scale.events";
  public static final String SCALE_ERRORS = "lagscaler.scale.errors";

  private final MeterRegistry registry;
  private final boolean partitionMetrics;
  private final Map<String, MultiGauge> groupGauges = new java.util.LinkedHashMap<>();
  private final MultiGauge partitionsByStatus;
  private final MultiGauge groupInfo;
  private final MultiGauge partitionLag;
  private final MultiGauge partitionTimeLag;
  private final Timer pollDuration;
  private final DistributionSummary pollRequests;
  private final AtomicLong lastRequests = new AtomicLong();
  private final Counter polls;
  private final AtomicLong lastSuccessfulPoll = new AtomicLong();
  private final AtomicLong pollIntervalMillis = new AtomicLong();
  private final AtomicLong leader = new AtomicLong();
  private final AtomicLong configRejected = new AtomicLong();
  private final Map<String, Map<String, AtomicLong>> replicas =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, AtomicReferenceString> actions =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<TargetLimits> limits = List.of();
  private final MultiGauge replicaGauge;
  private volatile boolean seriesChanged;
  private final MultiGauge actionGauge;
  private final MultiGauge timeLagTargetGauge;

  public ScalerMetrics(MeterRegistry registry, boolean partitionMetrics) {
    this.registry = registry;
    this.partitionMetrics = partitionMetrics;
    for (String[] gauge :
        new String[][] {
          {GROUP_LAG, "Messages the group is behind (sum of known partition lags)", "messages"},
          {GROUP_TIME_LAG, "Age of the oldest unconsumed message (max over partitions)", "seconds"},
          {
            GROUP_PRODUCTION, "Messages/s appended to the group's partitions (window average)", null
          },
          {GROUP_CONSUMPTION, "Messages/s committed by the group (window average)", null},
          {GROUP_MEMBERS, "Members of the consumer group", null},
          {GROUP_UP, "1 when the group was read at the last poll, 0 when the read failed", null},
          {GROUP_UNKNOWN_LAG, "Partitions whose lag is unknown (not counted in the lag)", null},
          {GROUP_TRUNCATED, "Partitions whose committed offset is below the log start", null},
          {GROUP_NO_COMMIT, "Partitions without a committed offset", null},
        }) {
      MultiGauge.Builder builder = MultiGauge.builder(gauge[0]).description(gauge[1]);
      groupGauges.put(gauge[0], builder.register(registry));
    }
    partitionsByStatus =
        MultiGauge.builder(GROUP_PARTITIONS)
            .description("Partitions of the group by status (OK, CATCHING_UP, STALLED...)")
            .register(registry);
    groupInfo =
        MultiGauge.builder(GROUP_INFO)
            .description("1, tagged with the group's state and protocol")
            .register(registry);
    partitionLag =
        MultiGauge.builder(PARTITION_LAG)
            .description("Messages behind on one partition (per-partition metrics only)")
            .register(registry);
    partitionTimeLag =
        MultiGauge.builder(PARTITION_TIME_LAG)
            .description("Age of the oldest unconsumed message on one partition")
            .register(registry);
    pollDuration =
        Timer.builder(POLL_DURATION)
            .description("Wall time of one batched read of all groups")
            .publishPercentileHistogram()
            .register(registry);
    pollRequests =
        DistributionSummary.builder(POLL_REQUESTS)
            .description("Requests sent to brokers per poll, metadata included")
            .register(registry);
    io.micrometer.core.instrument.Gauge.builder(POLL_LAST_REQUESTS, lastRequests, AtomicLong::get)
        .description("Requests sent to brokers by the last poll")
        .register(registry);
    polls = Counter.builder(POLLS).description("Polls of Kafka").register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            LAST_SUCCESSFUL_POLL, lastSuccessfulPoll, v -> v.get() / 1000.0)
        .description("Unix time of the last poll in which Kafka answered for at least one group")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            POLL_INTERVAL, pollIntervalMillis, v -> v.get() / 1000.0)
        .description("The poll interval of the config in force (0 before a config is applied)")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(LEADER, leader, AtomicLong::get)
        .description("1 when this instance is the leader (the only one that writes)")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(CONFIG_REJECTED, configRejected, AtomicLong::get)
        .description("1 while the last config change offered was rejected")
        .register(registry);
    replicaGauge =
        MultiGauge.builder(TARGET_REPLICAS)
            .description("Replicas of a target: desired (spec), current, ready, decided, min, max")
            .register(registry);
    timeLagTargetGauge =
        MultiGauge.builder(TARGET_TIME_LAG_TARGET)
            .description("The target's time-lag target (targetLag), tagged with its consumer group")
            .register(registry);
    actionGauge =
        MultiGauge.builder(TARGET_ACTION)
            .description("1, tagged with what the controller did with the target's last decision")
            .register(registry);
  }

  /** A mutable string holder (the target's last action). */
  private static final class AtomicReferenceString
      extends java.util.concurrent.atomic.AtomicReference<String> {
    private static final long serialVersionUID = 1L;
  }

  /** A poll in which Kafka answered. */
  public void successfulPoll(java.time.Instant at) {
    lastSuccessfulPoll.set(at.toEpochMilli());
  }

  public void leader(boolean isLeader) {
    leader.set(isLeader ? 1 : 0);
  }

  /** A config change offered: applied or rejected. */
  public void configReload(boolean accepted) {
    Counter.builder(CONFIG_RELOADS)
        .description("Config changes offered, by outcome")
        .tag("outcome", accepted ? "accepted" : "rejected")
        .register(registry)
        .increment();
    configRejected.set(accepted ? 0 : 1);
  }

  /**
   * What the config in force says about a target: the group that drives it, its time-lag target and
   * its replica bounds. Dashboards and alerts join the group's series to the target through the
   * {@code group} tag of {@link #TARGET_TIME_LAG_TARGET}.
   */
  public record TargetLimits(
      String name, String group, java.time.Duration targetLag, int minReplicas, int maxReplicas) {}

  /** The poll interval of the config in force: alerts count missed polls in it. */
  public void pollInterval(java.time.Duration interval) {
    pollIntervalMillis.set(interval.toMillis());
  }

  /** The targets of the config in force: series of removed targets go away. */
  public void targets(List<TargetLimits> targets) {
    List<String> names = targets.stream().map(TargetLimits::name).toList();
    replicas.keySet().retainAll(names);
    actions.keySet().retainAll(names);
    limits = List.copyOf(targets);
    zeroCounters(targets);
    publishTargets();
  }

  /**
   * A target's replicas as of this poll. The gauges read these values live; only a new target
   * changes the set of series, and that is published by {@link #endPoll()}, once per poll:
   * re-registering every target's series for each target made a poll quadratic in the targets.
   */
  public void targetReplicas(String target, int desired, int current, int ready, int decided) {
    Map<String, AtomicLong> r =
        replicas.computeIfAbsent(
            target,
            t -> {
              seriesChanged = true;
              Map<String, AtomicLong> kinds = new java.util.LinkedHashMap<>();
              for (String kind : List.of("desired", "current", "ready", "decided")) {
                kinds.put(kind, new AtomicLong());
              }
              return kinds;
            });
    r.get("desired").set(desired);
    r.get("current").set(current);
    r.get("ready").set(ready);
    r.get("decided").set(decided);
  }

  /** Publishes the series that appeared or changed their tags during the poll. */
  public void endPoll() {
    if (seriesChanged) {
      publishTargets();
    }
  }

  /** A decision, counted by its reason (the same code as in the Event and the status). */
  public void decision(String target, io.lagscaler.decide.Decision decision) {
    Counter.builder(DECISIONS)
        .description("Decisions by target and reason")
        .tag("target", target)
        .tag("reason", decision.reason().name())
        .register(registry)
        .increment();
  }

  /** The action taken on a target; a different action is a different series ({@link #endPoll}). */
  public void action(String target, String action) {
    AtomicReferenceString last = actions.computeIfAbsent(target, t -> new AtomicReferenceString());
    if (!action.equals(last.get())) {
      last.set(action);
      seriesChanged = true;
    }
  }

  public void scaleEvent(String target, boolean up) {
    scaleEvents(target, up ? "up" : "down").increment();
  }

  public void scaleError(String target, String kind) {
    scaleErrors(target, kind).increment();
  }

  /**
   * The kinds of {@link #scaleError}: {@link io.lagscaler.act.ScalerException.Kind}'s, and INTERNAL
   * for an unexpected failure.
   */
  private static final List<String> SCALE_ERROR_KINDS =
      java.util.stream.Stream.concat(
              java.util.Arrays.stream(io.lagscaler.act.ScalerException.Kind.values())
                  .map(Enum::name),
              java.util.stream.Stream.of("INTERNAL"))
          .toList();

  /**
   * Every target's event and error counters exist from its first config at 0, so that {@code
   * increase()} and {@code rate()} see its first event: a counter born at 1 shows no increase. A
   * target that leaves the config takes its counters with it.
   */
  private void zeroCounters(List<TargetLimits> targets) {
    List<String> names = targets.stream().map(TargetLimits::name).toList();
    for (String counter : List.of(SCALE_EVENTS, SCALE_ERRORS)) {
      for (Counter c : registry.find(counter).counters()) {
        if (!names.contains(c.getId().getTag("target"))) {
          registry.remove(c);
        }
      }
    }
    for (TargetLimits t : targets) {
      scaleEvents(t.name(), "up");
      scaleEvents(t.name(), "down");
      SCALE_ERROR_KINDS.forEach(kind -> scaleErrors(t.name(), kind));
    }
  }

  private Counter scaleEvents(String target, String direction) {
    return Counter.builder(SCALE_EVENTS)
        .description("Replica changes written, by direction")
        .tag("target", target)
        .tag("direction", direction)
        .register(registry);
  }

  private Counter scaleErrors(String target, String kind) {
    return Counter.builder(SCALE_ERRORS)
        .description("Failed reads or writes of a target's workload, by kind")
        .tag("target", target)
        .tag("kind", kind)
        .register(registry);
  }

  private synchronized void publishTargets() {
    seriesChanged = false;
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    replicas.forEach(
        (target, values) ->
            values.forEach(
                (kind, v) ->
                    rows.add(MultiGauge.Row.of(Tags.of("target", target, "kind", kind), v))));
    List<MultiGauge.Row<?>> timeLagTargets = new ArrayList<>();
    for (TargetLimits t : limits) {
      rows.add(MultiGauge.Row.of(Tags.of("target", t.name(), "kind", "min"), t.minReplicas()));
      rows.add(MultiGauge.Row.of(Tags.of("target", t.name(), "kind", "max"), t.maxReplicas()));
      timeLagTargets.add(
          MultiGauge.Row.of(
              Tags.of("target", t.name(), "group", t.group()), t.targetLag().toMillis() / 1000.0));
    }
    replicaGauge.register(rows, true);
    timeLagTargetGauge.register(timeLagTargets, true);
    List<MultiGauge.Row<?>> actionRows = new ArrayList<>();
    actions.forEach(
        (target, a) -> {
          if (a.get() != null) {
            actionRows.add(MultiGauge.Row.of(Tags.of("target", target, "action", a.get()), 1));
          }
        });
    actionGauge.register(actionRows, true);
  }

  /** Records one poll and the signals computed from it. */
  public void record(Poll poll, Map<String, GroupSignals> signals) {
    polls.increment();
    pollDuration.record(poll.stats().duration());
    pollRequests.record(poll.stats().brokerRequests());
    lastRequests.set(poll.stats().brokerRequests());
    for (GroupOffsets g : poll.groups().values()) {
      String outcome = g instanceof GroupOffsets.Read ? "read" : "failed";
      Counter.builder(POLL_GROUP_READS)
          .description("Group reads by outcome")
          .tag("outcome", outcome)
          .register(registry)
          .increment();
    }

    Map<String, List<MultiGauge.Row<?>>> rows = new java.util.HashMap<>();
    groupGauges.keySet().forEach(name -> rows.put(name, new ArrayList<>()));
    List<MultiGauge.Row<?>> statusRows = new ArrayList<>();
    List<MultiGauge.Row<?>> infoRows = new ArrayList<>();
    List<MultiGauge.Row<?>> partitionLagRows = new ArrayList<>();
    List<MultiGauge.Row<?>> partitionTimeLagRows = new ArrayList<>();
    for (GroupSignals s : signals.values()) {
      Tags group = Tags.of("group", s.group());
      switch (s) {
        case GroupSignals.Unavailable u -> rows.get(GROUP_UP).add(MultiGauge.Row.of(group, 0));
        case GroupSignals.Observed o -> {
          rows.get(GROUP_UP).add(MultiGauge.Row.of(group, 1));
          rows.get(GROUP_LAG).add(MultiGauge.Row.of(group, o.totalLag()));
          // Unknown is absent, never zero: a missing series is what Prometheus means by unknown.
          if (o.maxTimeLag() instanceof TimeLag.Known(double seconds, var basis)) {
            rows.get(GROUP_TIME_LAG).add(MultiGauge.Row.of(group, seconds));
          }
          o.productionRate()
              .ifPresent(r -> rows.get(GROUP_PRODUCTION).add(MultiGauge.Row.of(group, r)));
          o.consumptionRate()
              .ifPresent(r -> rows.get(GROUP_CONSUMPTION).add(MultiGauge.Row.of(group, r)));
          rows.get(GROUP_MEMBERS).add(MultiGauge.Row.of(group, o.members()));
          rows.get(GROUP_UNKNOWN_LAG).add(MultiGauge.Row.of(group, o.unknownLagPartitions()));
          rows.get(GROUP_TRUNCATED).add(MultiGauge.Row.of(group, o.retentionTruncatedPartitions()));
          rows.get(GROUP_NO_COMMIT).add(MultiGauge.Row.of(group, o.noCommitPartitions()));
          for (PartitionStatus status : PartitionStatus.values()) {
            statusRows.add(
                MultiGauge.Row.of(
                    group.and("status", status.name()), o.statusCounts().getOrDefault(status, 0)));
          }
          infoRows.add(
              MultiGauge.Row.of(
                  group.and("state", o.state().name(), "protocol", o.protocol().name()), 1));
          if (partitionMetrics) {
            for (PartitionSignals p : o.partitions()) {
              Tags tags =
                  group.and(
                      "topic",
                      p.partition().topic(),
                      "partition",
                      Integer.toString(p.partition().partition()));
              if (p.lag() instanceof PartitionLag.Known(long messages, var basis)) {
                partitionLagRows.add(MultiGauge.Row.of(tags, messages));
              }
              if (p.timeLag() instanceof TimeLag.Known(double seconds, var basis)) {
                partitionTimeLagRows.add(MultiGauge.Row.of(tags, seconds));
              }
            }
          }
        }
      }
    }
    // overwrite=true: series of groups and partitions that went away are removed.
    rows.forEach((name, r) -> groupGauges.get(name).register(r, true));
    partitionsByStatus.register(statusRows, true);
    groupInfo.register(infoRows, true);
    partitionLag.register(partitionLagRows, true);
    partitionTimeLag.register(partitionTimeLagRows, true);
  }
}
