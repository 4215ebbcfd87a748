package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RebalanceCost: no shrink whose pause would push the time lag near the target. */
class RebalanceCostTest {

  static final Rule RULE = new RebalanceCost();

  static Stream<Arguments> cases() {
    Proposal down = Proposal.start(10).set(2, Reason.SCALE_DOWN, "");
    return Stream.of(
        argumentSet(
            "a shrink whose pause pushes the time lag past 3/4 of the target waits",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.pause = 20;
                  s.timeLag = 5.0;
                  s.lagPerPartition = 50;
                  return s;
                }),
            down,
            expect(10, Reason.REBALANCE_COST, "2 would do, but time lag 5 s + a 20 s rebalance")),
        argumentSet(
            "once caught up the shrink goes ahead, even when the pause alone exceeds the margin",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.pause = 30;
                  s.timeLag = 2.0;
                  return s;
                }),
            down,
            unchanged(down)),
        argumentSet(
            "a pause that leaves the time lag calm costs nothing",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.pause = 10;
                  s.timeLag = 5.0;
                  return s;
                }),
            down,
            unchanged(down)),
        argumentSet(
            "a scale-up is not its concern",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.pause = 20;
                  s.timeLag = 5.0;
                  return s;
                }),
            proposing(12, 11.5),
            unchanged(proposing(12, 11.5))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
