package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.signals.PartitionStatus;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Stalled: lag without commits gets no extra replicas. */
class StalledTest {

  static final Rule RULE = new Stalled();

  static Stream<Arguments> cases() {
    Proposal up = proposing(8, 7.5);
    return Stream.of(
        argumentSet(
            "no commits on lagging partitions over a steady interval",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.noProgress = true;
                  return s;
                }),
            up,
            expect(4, Reason.STALLED, "no commits on lagging partitions since the last poll")),
        argumentSet(
            "the tracker reports STALLED, no progress seen, no recent change",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.status = PartitionStatus.STALLED;
                  return s;
                }),
            up,
            expect(4, Reason.STALLED, "12 partitions with lag and no commits")),
        argumentSet(
            "the tracker STALLED within stallAfter of a change may be stale",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.status = PartitionStatus.STALLED;
                  return s.event(940, 2, 4);
                }),
            up,
            unchanged(up)),
        argumentSet(
            "the tracker STALLED while commits moved is stale",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.status = PartitionStatus.STALLED;
                  s.progressSeen = true;
                  return s;
                }),
            up,
            unchanged(up)),
        argumentSet(
            "a scale-down is not its concern",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.noProgress = true;
                  return s;
                }),
            proposing(2, 1.5),
            unchanged(proposing(2, 1.5))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
