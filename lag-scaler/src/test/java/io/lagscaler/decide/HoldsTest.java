package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.observe.GroupState;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Holds: no change while the group rebalances or settles. */
class HoldsTest {

  static final Rule RULE = new Holds();

  static Stream<Arguments> cases() {
    Proposal up = proposing(8, 7.5);
    return Stream.of(
        argumentSet(
            "hold while the group rebalances",
            Situation.of(
                s -> {
                  s.state = GroupState.REBALANCING;
                  return s;
                }),
            up,
            expect(4, Reason.HOLD_REBALANCING, "the group is rebalancing (wanted 8)")),
        argumentSet(
            "hold within the settle time of the last change",
            Situation.of(s -> s.event(990, 2, 4).policy(p -> p.settleTime(Duration.ofSeconds(30)))),
            up,
            expect(
                4,
                Reason.HOLD_SETTLING,
                "10 s since the change to 4 < settle time 30 s (wanted 8)")),
        argumentSet(
            "after the settle time the change goes",
            Situation.of(s -> s.event(960, 2, 4).policy(p -> p.settleTime(Duration.ofSeconds(30)))),
            up,
            unchanged(up)),
        argumentSet(
            "a hold never keeps a count outside the bounds",
            Situation.of(
                s -> {
                  s.current = 25;
                  s.partitions = 48;
                  s.state = GroupState.REBALANCING;
                  return s;
                }),
            proposing(20, 19.5),
            expect(20, Reason.MAX_REPLICAS, "capped at max 20 despite: the group is rebalancing")),
        argumentSet(
            "waking from zero has nothing to settle",
            Situation.of(
                s -> {
                  s.current = 0;
                  s.lagPerPartition = 100;
                  return s.event(990, 1, 0)
                      .policy(p -> p.scaleToZero(true).settleTime(Duration.ofSeconds(30)));
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
