package io.lagscaler.signals;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.Isolation;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.OffsetReset;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.observe.PartitionOffsets;
import io.lagscaler.observe.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Turns polls of raw offsets into signals: lag, time lag, rates and partition status. It keeps a
 * bounded history (a {@link SampleRing} of {@link SignalSettings#historySize()} samples) per topic
 * partition's log end, shared by every group that reads it, and per group partition's commits. Pure
 * apart from that history: the time of every sample comes from the poll, never a clock.
 *
 * <p>Memory: 12 bytes x historySize per topic partition and per group partition (768 bytes at the
 * default 64), plus about 60 bytes of ring and array per ring. History of partitions and groups
 * that disappear is dropped.
 */
public final class SignalTracker {

  private static final long EVICT_AFTER_MILLIS = 15 * 60 * 1000L;

  private final SignalSettings settings;
  private final Map<LogKey, SampleRing> logEnds = new HashMap<>();

  /**
   * Each group's commit history: by topic, an array indexed by partition number (no map entry or
   * key object per partition: with one ring per group partition, that overhead counts).
   */
  private final Map<String, Map<String, SampleRing[]>> commits = new HashMap<>();

  /**
   * Production rates of this poll by log-end ring: every group reading a partition gets the same
   * object rather than a copy each (one per topic partition, not per group partition).
   */
  private final Map<SampleRing, OptionalDouble> productionRates = new java.util.IdentityHashMap<>();

  private long productionRatesAt = Long.MIN_VALUE;

  public SignalTracker(SignalSettings settings) {
    this.settings = settings;
  }

  /** Signals of every queried group at this poll, in query order. */
  public Map<String, GroupSignals> update(Poll poll, List<GroupQuery> queries) {
    Map<String, GroupSignals> out = new LinkedHashMap<>();
    Set<String> queried = new HashSet<>();
    for (GroupQuery query : queries) {
      queried.add(query.group());
      GroupOffsets offsets = poll.groups().get(query.group());
      if (offsets != null) {
        out.put(query.group(), update(poll.at(), query, offsets, poll.recordTimes()));
      }
    }
    commits.keySet().retainAll(queried);
    long now = poll.at().toEpochMilli();
    logEnds
        .values()
        .removeIf(ring -> ring.size() == 0 || now - ring.newestTime() > EVICT_AFTER_MILLIS);
    return out;
  }

  /** Signals of one group from its offsets read at {@code at}. */
  public GroupSignals update(Instant at, GroupQuery query, GroupOffsets offsets) {
    return update(at, query, offsets, Map.of());
  }

  private GroupSignals update(
      Instant at,
      GroupQuery query,
      GroupOffsets offsets,
      Map<PartitionKey, Poll.RecordTime> recordTimes) {
    return switch (offsets) {
      case GroupOffsets.Failed(String group, String error) ->
          new GroupSignals.Unavailable(group, at, error);
      case GroupOffsets.Read read -> observe(at, query, read, recordTimes);
    };
  }

  private GroupSignals.Observed observe(
      Instant at,
      GroupQuery query,
      GroupOffsets.Read read,
      Map<PartitionKey, Poll.RecordTime> recordTimes) {
    long now = at.toEpochMilli();
    Map<String, SampleRing[]> previous = commits.getOrDefault(read.group(), Map.of());
    // This poll's partitions only: a partition that disappeared loses its history.
    Map<String, SampleRing[]> groupCommits = new HashMap<>();
    for (PartitionOffsets p : read.partitions()) {
      SampleRing[] rings = groupCommits.get(p.partition().topic());
      if (rings == null || rings.length <= p.partition().partition()) {
        SampleRing[] grown = new SampleRing[p.partition().partition() + 1];
        if (rings != null) {
          System.arraycopy(rings, 0, grown, 0, rings.length);
        }
        groupCommits.put(p.partition().topic(), grown);
      }
    }
    commits.put(read.group(), groupCommits);
    List<PartitionSignals> partitions = new ArrayList<>(read.partitions().size());

    long totalLag = 0;
    int unknownLag = 0;
    int truncated = 0;
    int noCommit = 0;
    TimeLag maxTimeLag = TimeLag.ZERO;
    double production = 0;
    double consumption = 0;
    boolean anyProduction = false;
    boolean anyConsumption = false;
    PartitionStatus worst = PartitionStatus.OK;
    Map<PartitionStatus, Integer> counts = new EnumMap<>(PartitionStatus.class);

    for (PartitionOffsets p : read.partitions()) {
      SampleRing logRing =
          logEnds.computeIfAbsent(
              new LogKey(p.partition(), query.isolation()),
              k -> new SampleRing(settings.historySize()));
      if (p.logEnd() instanceof Offset.Known(long end)) {
        if (logRing.size() > 0 && end < logRing.newestOffset()) {
          logRing.clear(); // the topic was recreated: old history dates nothing now
        }
        logRing.addCompressed(now, end, 0);
      }
      PartitionLag lag = lag(p, query.offsetReset());
      SampleRing commitRing = commitRing(previous, groupCommits, p.partition());
      if (p.committed() instanceof Offset.Known(long committed)
          && lag instanceof PartitionLag.Known(long messages, var basis)) {
        commitRing.addCompressed(now, committed, messages);
      }
      TimeLag timeLag =
          settings.timeLag() == SignalSettings.TimeLagSource.RECORD_TIMESTAMP
              ? recordTimeLag(p, lag, recordTimes.get(p.partition()), now)
                  .orElseGet(() -> timeLag(p, lag, logRing, now))
              : timeLag(p, lag, logRing, now);
      if (productionRatesAt != now) {
        productionRates.clear();
        productionRatesAt = now;
      }
      OptionalDouble producing =
          productionRates.computeIfAbsent(logRing, r -> r.rate(settings.rateWindow().toMillis()));
      OptionalDouble consuming = commitRing.rate(settings.rateWindow().toMillis());
      PartitionStatus status =
          status(lag, commitRing, now, read.members(), read.state(), producing, consuming);

      switch (lag) {
        case PartitionLag.Known(long messages, PartitionLag.LagBasis basis) -> {
          totalLag += messages;
          if (basis == PartitionLag.LagBasis.RETENTION_TRUNCATED) {
            truncated++;
          }
        }
        case PartitionLag.Unknown u -> unknownLag++;
      }
      if (p.committed() instanceof Offset.NoCommit) {
        noCommit++;
      }
      maxTimeLag = TimeLag.max(maxTimeLag, timeLag);
      if (producing.isPresent()) {
        production += producing.getAsDouble();
        anyProduction = true;
      }
      if (consuming.isPresent()) {
        consumption += consuming.getAsDouble();
        anyConsumption = true;
      }
      worst = worst.worst(status);
      counts.merge(status, 1, Integer::sum);
      partitions.add(
          new PartitionSignals(
              p.partition(),
              p.committed(),
              p.logEnd(),
              p.logStart(),
              lag,
              timeLag,
              producing,
              consuming,
              status));
    }
    return new GroupSignals.Observed(
        read.group(),
        at,
        read.state(),
        read.members(),
        read.protocol(),
        totalLag,
        unknownLag,
        maxTimeLag,
        anyProduction ? OptionalDouble.of(production) : OptionalDouble.empty(),
        anyConsumption ? OptionalDouble.of(consumption) : OptionalDouble.empty(),
        worst,
        counts,
        truncated,
        noCommit,
        partitions);
  }

  /** The partition's commit ring from the last poll's history, or a new one. */
  private SampleRing commitRing(
      Map<String, SampleRing[]> previous, Map<String, SampleRing[]> current, PartitionKey key) {
    SampleRing[] old = previous.get(key.topic());
    SampleRing ring =
        old != null && key.partition() < old.length && old[key.partition()] != null
            ? old[key.partition()]
            : new SampleRing(settings.historySize());
    current.get(key.topic())[key.partition()] = ring;
    return ring;
  }

  /** Lag of one partition; the policy for missing commits is {@link OffsetReset}'s. */
  static PartitionLag lag(PartitionOffsets p, OffsetReset reset) {
    if (!(p.logEnd() instanceof Offset.Known(long end))) {
      return new PartitionLag.Unknown("log end " + reason(p.logEnd()));
    }
    return switch (p.committed()) {
      case Offset.Known(long committed) -> {
        if (p.logStart() instanceof Offset.Known(long start) && committed < start) {
          yield new PartitionLag.Known(end - start, PartitionLag.LagBasis.RETENTION_TRUNCATED);
        }
        yield new PartitionLag.Known(Math.max(0, end - committed), PartitionLag.LagBasis.COMMITTED);
      }
      case Offset.NoCommit n ->
          switch (reset) {
            case LATEST -> new PartitionLag.Known(0, PartitionLag.LagBasis.NO_COMMIT_LATEST);
            case EARLIEST ->
                p.logStart() instanceof Offset.Known(long start)
                    ? new PartitionLag.Known(end - start, PartitionLag.LagBasis.NO_COMMIT_EARLIEST)
                    : new PartitionLag.Unknown(
                        "no commit, reset earliest, log start " + reason(p.logStart()));
            case NONE -> new PartitionLag.Unknown("no committed offset and auto.offset.reset=none");
          };
      case Offset.Unknown(String why) -> new PartitionLag.Unknown("committed offset " + why);
    };
  }

  private static String reason(Offset offset) {
    return offset instanceof Offset.Unknown(String why) ? "unknown: " + why : "unknown";
  }

  /**
   * How long ago the next message to consume was produced (the kafka-lag-exporter method): the time
   * at which the log end passed that offset, interpolated between the two log-end samples around
   * it, extrapolated back along the history's average rate when older than the history.
   */
  static TimeLag timeLag(PartitionOffsets p, PartitionLag lag, SampleRing logRing, long now) {
    if (!(lag instanceof PartitionLag.Known(long messages, PartitionLag.LagBasis basis))) {
      return new TimeLag.Unknown(((PartitionLag.Unknown) lag).reason());
    }
    if (messages == 0) {
      return TimeLag.ZERO;
    }
    long end = p.logEnd().orElse(-1);
    // The first unconsumed message is at offset `next`; it existed once the log end passed it.
    long next =
        switch (basis) {
          case COMMITTED -> p.committed().orElse(end);
          case RETENTION_TRUNCATED, NO_COMMIT_EARLIEST -> p.logStart().orElse(end);
          case NO_COMMIT_LATEST -> end;
        };
    return timeLagOf(next, logRing, now);
  }

  /**
   * The time lag from the timestamp of the record at the committed offset, when that record was
   * read this poll; empty otherwise (not one of the group's deciding partitions, another group's
   * offset read instead, the record gone or unreadable): the caller interpolates.
   */
  static java.util.Optional<TimeLag> recordTimeLag(
      PartitionOffsets p, PartitionLag lag, Poll.RecordTime record, long now) {
    if (record == null
        || !(lag instanceof PartitionLag.Known(long messages, PartitionLag.LagBasis basis))
        || basis != PartitionLag.LagBasis.COMMITTED
        || messages == 0
        || !(p.committed() instanceof Offset.Known(long committed))
        || committed != record.offset()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new TimeLag.Known(
            Math.max(0, now - record.timestampMillis()) / 1000.0,
            TimeLag.TimeLagBasis.RECORD_TIMESTAMP));
  }

  static TimeLag timeLagOf(long next, SampleRing ring, long now) {
    int n = ring.size();
    if (n < 2) {
      return new TimeLag.Unknown("fewer than 2 samples of the log end");
    }
    long target = next + 1; // the log end passed `next` when it reached next + 1
    if (target > ring.newestOffset()) {
      return TimeLag.ZERO;
    }
    if (target <= ring.offset(0)) {
      long spanMillis = ring.newestTime() - ring.time(0);
      long spanOffsets = ring.newestOffset() - ring.offset(0);
      if (spanOffsets <= 0 || spanMillis <= 0) {
        return new TimeLag.Known((now - ring.time(0)) / 1000.0, TimeLag.TimeLagBasis.LOWER_BOUND);
      }
      double producedAt =
          ring.time(0) - (ring.offset(0) - target) * (double) spanMillis / spanOffsets;
      return new TimeLag.Known(
          Math.max(0, now - producedAt) / 1000.0, TimeLag.TimeLagBasis.EXTRAPOLATED);
    }
    for (int i = 1; i < n; i++) {
      if (ring.offset(i) >= target) {
        long t0 = ring.time(i - 1);
        long o0 = ring.offset(i - 1);
        double producedAt =
            t0 + (target - o0) * (double) (ring.time(i) - t0) / (ring.offset(i) - o0);
        return new TimeLag.Known(
            Math.max(0, now - producedAt) / 1000.0, TimeLag.TimeLagBasis.INTERPOLATED);
      }
    }
    return TimeLag.ZERO; // unreachable: target <= newest offset
  }

  /** Partition status over the status window (see {@link PartitionStatus}). */
  PartitionStatus status(
      PartitionLag lag,
      SampleRing commits,
      long now,
      int members,
      GroupState state,
      OptionalDouble producing,
      OptionalDouble consuming) {
    if (!(lag instanceof PartitionLag.Known(long current, var basis))) {
      return PartitionStatus.UNKNOWN;
    }
    int n = commits.size();
    int first = n - 1; // oldest sample inside the window (keep at least two samples)
    long windowStart = now - settings.statusWindow().toMillis();
    while (first > 0 && commits.time(first - 1) >= windowStart) {
      first--;
    }
    if (first == n - 1 && n >= 2) {
      first = n - 2;
    }
    for (int i = Math.max(first, 0) + 1; i < n; i++) {
      if (commits.offset(i) < commits.offset(i - 1)) {
        return PartitionStatus.REWOUND;
      }
    }
    if (current == 0) {
      return PartitionStatus.OK;
    }
    if (members == 0 || state == GroupState.EMPTY || state == GroupState.DEAD) {
      return PartitionStatus.STOPPED;
    }
    if (n < 2) {
      return PartitionStatus.UNKNOWN;
    }
    // How long has the committed offset stood still with lag? Walk back over equal commits
    // that had lag: an idle group (no lag, so nothing to commit) is not stuck.
    long newestCommit = commits.offset(n - 1);
    int still = n - 1;
    while (still > 0 && commits.offset(still - 1) == newestCommit && commits.extra(still - 1) > 0) {
      still--;
    }
    if (now - commits.time(still) >= settings.stallAfter().toMillis()) {
      return PartitionStatus.STALLED;
    }
    long oldestLag = commits.extra(first);
    boolean touchedZero = false;
    boolean everDecreased = false;
    for (int i = first; i < n; i++) {
      touchedZero |= commits.extra(i) == 0;
      if (i > first && commits.extra(i) < commits.extra(i - 1)) {
        everDecreased = true;
      }
    }
    // Growth first: a backlog building up from zero is falling behind, not OK because it was
    // zero when the window started.
    if (current > oldestLag && !everDecreased) {
      return PartitionStatus.FALLING_BEHIND;
    }
    if (touchedZero) {
      return PartitionStatus.OK; // bursty but keeping up
    }
    if (current < oldestLag
        && (consuming.isEmpty()
            || producing.isEmpty()
            || consuming.getAsDouble() > producing.getAsDouble())) {
      return PartitionStatus.CATCHING_UP;
    }
    return PartitionStatus.OK;
  }

  /** A topic partition's log end as seen at one isolation level. */
  private record LogKey(PartitionKey partition, Isolation isolation) {}
}
