package io.lagscaler.decide;

import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionLag;
import io.lagscaler.signals.PartitionSignals;
import io.lagscaler.signals.PartitionStatus;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.TimeLag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Test signals of a group whose partitions all look alike: the same log end and committed offset on
 * each, so a step's numbers read as "per partition". Rates come from the offsets between polls, as
 * the engine measures them.
 */
final class Polls {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The engine as the controller builds it with the default signal settings. */
  static final DecisionEngine ENGINE = new DecisionEngine(SignalSettings.DEFAULTS.stallAfter());

  private Polls() {}

  /**
   * One poll.
   *
   * @param members null: as many as the ready replicas
   * @param status null: OK
   * @param timeLag null: 0 without lag, else unknown-free 1 s
   */
  record Poll(
      long t,
      boolean unavailable,
      long logEnd,
      long committed,
      GroupState state,
      Integer members,
      PartitionStatus status,
      Double timeLag,
      Integer ready,
      boolean lagUnknown,
      long decisionTime,
      int behindOn,
      long behindBy) {

    Poll state(GroupState s) {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          s,
          members,
          status,
          timeLag,
          ready,
          lagUnknown,
          decisionTime,
          behindOn,
          behindBy);
    }

    Poll members(int n) {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          state,
          n,
          status,
          timeLag,
          ready,
          lagUnknown,
          decisionTime,
          behindOn,
          behindBy);
    }

    Poll status(PartitionStatus s) {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          state,
          members,
          s,
          timeLag,
          ready,
          lagUnknown,
          decisionTime,
          behindOn,
          behindBy);
    }

    Poll timeLag(double seconds) {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          state,
          members,
          status,
          seconds,
          ready,
          lagUnknown,
          decisionTime,
          behindOn,
          behindBy);
    }

    Poll ready(int n) {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          state,
          members,
          status,
          timeLag,
          n,
          lagUnknown,
          decisionTime,
          behindOn,
          behindBy);
    }

    /** A decision at {@code seconds} on signals read at {@link #t()}. */
    Poll decidedAt(long seconds) {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          state,
          members,
          status,
          timeLag,
          ready,
          lagUnknown,
          seconds,
          behindOn,
          behindBy);
    }

    long decidedAt() {
      return decisionTime < 0 ? t : decisionTime;
    }

    Poll unknownLag() {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          state,
          members,
          status,
          timeLag,
          ready,
          true,
          decisionTime,
          behindOn,
          behindBy);
    }

    /**
     * The first {@code n} partitions have {@code extra} more uncommitted messages than the rest.
     */
    Poll behind(int n, long extra) {
      return new Poll(
          t,
          unavailable,
          logEnd,
          committed,
          state,
          members,
          status,
          timeLag,
          ready,
          lagUnknown,
          decisionTime,
          n,
          extra);
    }

    GroupSignals signals(int partitions, int current, int readyNow) {
      Instant at = T0.plusSeconds(t);
      if (unavailable) {
        return new GroupSignals.Unavailable("g", at, "timeout");
      }
      int m = members != null ? members : readyNow;
      long lag = logEnd - committed;
      TimeLag tl =
          timeLag != null
              ? new TimeLag.Known(timeLag, TimeLag.TimeLagBasis.INTERPOLATED)
              : lag == 0 ? TimeLag.ZERO : new TimeLag.Known(1, TimeLag.TimeLagBasis.INTERPOLATED);
      PartitionStatus st = status != null ? status : PartitionStatus.OK;
      List<PartitionSignals> ps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        long extra = i < behindOn ? behindBy : 0;
        PartitionLag pl =
            lagUnknown && i == 0
                ? new PartitionLag.Unknown("log end unknown")
                : new PartitionLag.Known(lag + extra, PartitionLag.LagBasis.COMMITTED);
        ps.add(
            new PartitionSignals(
                new PartitionKey("orders", i),
                Offset.known(committed - extra),
                lagUnknown && i == 0 ? Offset.unknown("no leader") : Offset.known(logEnd),
                Offset.known(0),
                pl,
                tl,
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                st));
      }
      GroupState gs = state != null ? state : m == 0 ? GroupState.EMPTY : GroupState.STABLE;
      return new GroupSignals.Observed(
          "g",
          at,
          gs,
          m,
          GroupProtocol.CLASSIC,
          (lagUnknown ? lag * (partitions - 1) : lag * partitions) + behindOn * behindBy,
          lagUnknown ? 1 : 0,
          tl,
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          st,
          Map.of(st, partitions),
          0,
          0,
          ps);
    }
  }

  /** A poll at second {@code t} with these offsets on every partition. */
  static Poll at(long t, long logEnd, long committed) {
    return new Poll(t, false, logEnd, committed, null, null, null, null, null, false, -1, 0, 0);
  }

  /** A poll at second {@code t} that could not read the group. */
  static Poll failedAt(long t) {
    return new Poll(t, true, 0, 0, null, null, null, null, null, false, -1, 0, 0);
  }
}
