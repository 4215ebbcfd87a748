package io.lagscaler.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.Isolation;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.OffsetReset;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.observe.PartitionOffsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Named table tests: each case is a sequence of samples with the time given, no sleeping. */
class SignalTrackerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final PartitionKey P0 = new PartitionKey("orders", 0);

  /** One poll's reading of a one-partition group: at second {@code t}. */
  record Step(long t, long logEnd, Offset committed, long logStart, int members) {
    static Step of(long t, long logEnd, long committed) {
      return new Step(t, logEnd, Offset.known(committed), 0, 1);
    }

    Step members(int n) {
      return new Step(t, logEnd, committed, logStart, n);
    }

    Step logStart(long start) {
      return new Step(t, logEnd, committed, start, members);
    }
  }

  private static GroupSignals.Observed run(OffsetReset reset, List<Step> steps) {
    SignalTracker tracker = new SignalTracker(SignalSettings.DEFAULTS);
    GroupQuery query =
        new GroupQuery("g", new TreeSet<>(Set.of("orders")), Isolation.READ_UNCOMMITTED, reset);
    GroupSignals last = null;
    for (Step s : steps) {
      GroupOffsets read =
          new GroupOffsets.Read(
              "g",
              s.members() == 0 ? GroupState.EMPTY : GroupState.STABLE,
              s.members(),
              GroupProtocol.CLASSIC,
              List.of(
                  new PartitionOffsets(
                      P0, s.committed(), Offset.known(s.logEnd()), Offset.known(s.logStart()))));
      last = tracker.update(T0.plusSeconds(s.t()), query, read);
    }
    return (GroupSignals.Observed) last;
  }

  private static GroupSignals.Observed run(List<Step> steps) {
    return run(OffsetReset.LATEST, steps);
  }

  /** Steps every {@code every} s from 0 to {@code until}, offsets from the two functions. */
  private static List<Step> every(
      long every,
      long until,
      java.util.function.LongUnaryOperator logEnd,
      java.util.function.LongUnaryOperator committed) {
    return Stream.iterate(0L, t -> t <= until, t -> t + every)
        .map(t -> Step.of(t, logEnd.applyAsLong(t), committed.applyAsLong(t)))
        .toList();
  }

  @Nested
  class Rates {

    static Stream<Arguments> cases() {
      return Stream.of(
          argumentSet(
              "steady production of 100 msg/s, consumption of 80 msg/s",
              every(5, 120, t -> 100 * t, t -> 80 * t),
              100.0,
              80.0),
          argumentSet(
              "only the last 60 s count: 10 msg/s then 50 msg/s",
              every(5, 160, t -> t <= 100 ? 10 * t : 1000 + 50 * (t - 100), t -> 0L),
              50.0,
              0.0),
          argumentSet(
              "history shorter than the window: the rate over what there is",
              every(5, 20, t -> 30 * t, t -> 30 * t),
              30.0,
              30.0),
          argumentSet(
              "uneven poll intervals: a window start between samples is interpolated",
              List.of(
                  Step.of(0, 0, 0), Step.of(7, 700, 0), Step.of(50, 5000, 0), Step.of(73, 7300, 0)),
              100.0,
              0.0));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void productionAndConsumptionAreWindowAverages(
        List<Step> steps, double production, double consumption) {
      GroupSignals.Observed s = run(steps);
      assertThat(s.productionRate().getAsDouble()).isCloseTo(production, within(0.01));
      assertThat(s.consumptionRate().getAsDouble()).isCloseTo(consumption, within(0.01));
    }

    @Test
    void ratesAreUnknownWithASingleSample() {
      GroupSignals.Observed s = run(List.of(Step.of(0, 100, 50)));
      assertThat(s.productionRate()).isEmpty();
      assertThat(s.consumptionRate()).isEmpty();
    }

    @Test
    void aRewoundCommitIsNotNegativeConsumption() {
      GroupSignals.Observed s = run(List.of(Step.of(0, 1000, 900), Step.of(10, 1000, 100)));
      assertThat(s.consumptionRate().getAsDouble()).isZero();
    }
  }

  @Nested
  class TimeLagInterpolation {

    static Stream<Arguments> cases() {
      return Stream.of(
          argumentSet(
              "caught up: zero",
              List.of(Step.of(0, 100, 100), Step.of(10, 200, 200)),
              0.0,
              TimeLag.TimeLagBasis.CAUGHT_UP),
          argumentSet(
              "between two samples: interpolated (offset 501 was reached at 5.01 s)",
              List.of(Step.of(0, 0, 0), Step.of(10, 1000, 0), Step.of(20, 2000, 500)),
              14.99,
              TimeLag.TimeLagBasis.INTERPOLATED),
          argumentSet(
              "older than the history: extrapolated along its 100 msg/s",
              List.of(Step.of(100, 1000, 0), Step.of(110, 2000, 0)),
              19.99,
              TimeLag.TimeLagBasis.EXTRAPOLATED),
          argumentSet(
              "older than a flat history: at least its span",
              List.of(Step.of(100, 1000, 500), Step.of(110, 1000, 500)),
              10.0,
              TimeLag.TimeLagBasis.LOWER_BOUND),
          argumentSet(
              "a flat run keeps its first time: an idle topic still dates old offsets",
              List.of(
                  Step.of(0, 0, 0),
                  Step.of(10, 1000, 0),
                  Step.of(20, 1000, 0),
                  Step.of(30, 1000, 0),
                  Step.of(300, 1000, 999)),
              290.0,
              TimeLag.TimeLagBasis.INTERPOLATED));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void timeLagFollowsTheLogEndHistory(
        List<Step> steps, double seconds, TimeLag.TimeLagBasis basis) {
      TimeLag lag = run(steps).maxTimeLag();
      assertThat(lag).isInstanceOf(TimeLag.Known.class);
      TimeLag.Known known = (TimeLag.Known) lag;
      assertThat(known.seconds()).isCloseTo(seconds, within(0.01));
      assertThat(known.basis()).isEqualTo(basis);
    }

    @Test
    void timeLagIsUnknownWithFewerThanTwoSamples() {
      assertThat(run(List.of(Step.of(0, 1000, 10))).maxTimeLag())
          .isInstanceOf(TimeLag.Unknown.class);
    }

    @Test
    void aCommitBelowTheLogStartIsDatedFromTheLogStart() {
      GroupSignals.Observed s =
          run(
              List.of(
                  Step.of(0, 0, 0).logStart(0),
                  Step.of(10, 1000, 0).logStart(0),
                  Step.of(20, 2000, 100).logStart(1000)));
      // offset 1001 was produced just after 10 s; the 100 messages below 1000 are gone.
      assertThat(((TimeLag.Known) s.maxTimeLag()).seconds()).isCloseTo(9.99, within(0.01));
      assertThat(s.totalLag()).isEqualTo(1000);
      assertThat(s.retentionTruncatedPartitions()).isEqualTo(1);
    }
  }

  @Nested
  class LagWithoutACommit {

    static Stream<Arguments> cases() {
      return Stream.of(
          argumentSet(
              "reset latest: consumers start at the end",
              OffsetReset.LATEST,
              0L,
              PartitionLag.LagBasis.NO_COMMIT_LATEST),
          argumentSet(
              "reset earliest: what retention kept, not the whole log end",
              OffsetReset.EARLIEST,
              600L,
              PartitionLag.LagBasis.NO_COMMIT_EARLIEST));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void noCommitFollowsTheResetPolicy(OffsetReset reset, long lag, PartitionLag.LagBasis basis) {
      GroupSignals.Observed s =
          run(reset, List.of(new Step(0, 1000, new Offset.NoCommit(), 400, 1)));
      assertThat(s.partitions().getFirst().lag()).isEqualTo(new PartitionLag.Known(lag, basis));
      assertThat(s.noCommitPartitions()).isEqualTo(1);
    }

    @Test
    void resetNoneMakesTheLagUnknownNotZero() {
      GroupSignals.Observed s =
          run(OffsetReset.NONE, List.of(new Step(0, 1000, new Offset.NoCommit(), 0, 1)));
      assertThat(s.partitions().getFirst().lag()).isInstanceOf(PartitionLag.Unknown.class);
      assertThat(s.unknownLagPartitions()).isEqualTo(1);
      assertThat(s.maxTimeLag()).isInstanceOf(TimeLag.Unknown.class);
    }
  }

  @Nested
  class Status {

    static Stream<Arguments> cases() {
      return Stream.of(
          argumentSet("no lag: OK", every(5, 60, t -> 10 * t, t -> 10 * t), PartitionStatus.OK),
          argumentSet(
              "lag shrinking, consumption above production: CATCHING_UP",
              every(5, 60, t -> 1000 + 10 * t, t -> 20 * t),
              PartitionStatus.CATCHING_UP),
          argumentSet(
              "commits advance but lag only grows: FALLING_BEHIND",
              every(5, 60, t -> 500 + 30 * t, t -> 10 * t),
              PartitionStatus.FALLING_BEHIND),
          argumentSet(
              "commit stuck for 120 s with members and lag: STALLED",
              every(5, 180, t -> 100 + 10 * t, t -> t < 40 ? 10 * t : 400),
              PartitionStatus.STALLED),
          argumentSet(
              "commit stuck for 60 s only: not yet STALLED, lag grows: FALLING_BEHIND",
              every(5, 100, t -> 100 + 10 * t, t -> t < 40 ? 10 * t : 400),
              PartitionStatus.FALLING_BEHIND),
          argumentSet(
              "idle for 5 minutes, then lag appears: not STALLED at once",
              every(5, 320, t -> t < 300 ? 1000 : 1000 + 20 * (t - 300), t -> 1000L),
              PartitionStatus.FALLING_BEHIND),
          argumentSet(
              "idle, then lag with no commit for 120 s: STALLED",
              every(5, 430, t -> t < 300 ? 1000 : 1000 + 20 * (t - 300), t -> 1000L),
              PartitionStatus.STALLED),
          argumentSet(
              "committed offset went backwards: REWOUND",
              List.of(Step.of(0, 1000, 900), Step.of(5, 1000, 100)),
              PartitionStatus.REWOUND),
          argumentSet(
              "steady lag with commits moving (noise): OK",
              List.of(
                  Step.of(0, 1000, 900),
                  Step.of(5, 1100, 990),
                  Step.of(10, 1200, 1110),
                  Step.of(15, 1300, 1200)),
              PartitionStatus.OK),
          argumentSet(
              "bursty lag that was zero inside the window: OK",
              List.of(Step.of(0, 1000, 1000), Step.of(5, 1100, 1000), Step.of(10, 1200, 1150)),
              PartitionStatus.OK),
          argumentSet(
              "a backlog building up from zero: FALLING_BEHIND, not OK",
              every(5, 60, t -> 30 * t, t -> 20 * t),
              PartitionStatus.FALLING_BEHIND),
          argumentSet(
              "a single sample with lag: UNKNOWN",
              List.of(Step.of(0, 1000, 10)),
              PartitionStatus.UNKNOWN));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void statusReadsTheTrend(List<Step> steps, PartitionStatus expected) {
      assertThat(run(steps).worstStatus()).isEqualTo(expected);
    }

    @Test
    void lagWithoutMembersIsStopped() {
      GroupSignals.Observed s =
          run(List.of(Step.of(0, 1000, 10).members(0), Step.of(5, 1100, 10).members(0)));
      assertThat(s.worstStatus()).isEqualTo(PartitionStatus.STOPPED);
    }
  }

  @Test
  void historyStaysBoundedByTheRingSize() {
    SignalTracker tracker =
        new SignalTracker(
            new SignalSettings(
                8,
                Duration.ofSeconds(60),
                Duration.ofSeconds(120),
                Duration.ofSeconds(120),
                SignalSettings.TimeLagSource.INTERPOLATED));
    GroupQuery query = GroupQuery.of("g", Set.of("orders"));
    GroupSignals s = null;
    for (int t = 0; t < 1000; t++) {
      s =
          tracker.update(
              T0.plusSeconds(t),
              query,
              new GroupOffsets.Read(
                  "g",
                  GroupState.STABLE,
                  1,
                  GroupProtocol.CLASSIC,
                  List.of(
                      new PartitionOffsets(
                          P0,
                          Offset.known(t * 10L),
                          Offset.known(t * 10L + 50),
                          Offset.known(0)))));
    }
    // 8 samples at 1 s cover 7 s: the 50 messages behind at 10 msg/s are 5 s old.
    assertThat(((TimeLag.Known) ((GroupSignals.Observed) s).maxTimeLag()).seconds())
        .isCloseTo(4.9, within(0.01));
  }

  @Test
  void aFailedReadBecomesUnavailableWithTheError() {
    GroupSignals s =
        new SignalTracker(SignalSettings.DEFAULTS)
            .update(
                T0, GroupQuery.of("g"), new GroupOffsets.Failed("g", "timed out after 5000 ms"));
    assertThat(s).isEqualTo(new GroupSignals.Unavailable("g", T0, "timed out after 5000 ms"));
  }
}
