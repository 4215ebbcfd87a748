package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Budget: the scale events per hour. */
class BudgetTest {

  static final Rule RULE = new Budget();

  static Stream<Arguments> cases() {
    Proposal up = proposing(8, 7.5);
    return Stream.of(
        argumentSet(
            "a spent budget holds a change that is not urgent",
            Situation.of(
                s -> s.event(900, 2, 6).event(950, 6, 4).policy(p -> p.maxScaleEventsPerHour(2))),
            up,
            expect(4, Reason.EVENT_BUDGET, "2 changes in the last hour >= budget 2 (wanted 8)")),
        argumentSet(
            "never a scale-up past half the target",
            Situation.of(
                s -> {
                  s.timeLag = 20.0;
                  s.lagPerPartition = 1000;
                  return s.event(900, 2, 6)
                      .event(950, 6, 4)
                      .policy(p -> p.maxScaleEventsPerHour(2));
                }),
            up,
            unchanged(up)),
        argumentSet(
            "changes older than an hour do not count",
            Situation.of(
                s -> {
                  s.now = 5000;
                  return s.event(900, 2, 6)
                      .event(950, 6, 4)
                      .policy(p -> p.maxScaleEventsPerHour(2));
                }),
            up,
            unchanged(up)),
        argumentSet(
            "a spent budget gives way to a shrink that saves more than its rebalances cost",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.pause = 3;
                  return s.event(900, 2, 12)
                      .event(950, 12, 10)
                      .policy(p -> p.maxScaleEventsPerHour(2));
                }),
            proposing(2, 1.5),
            expect(
                2,
                Reason.WORTH_A_REBALANCE,
                "2 changes in the last hour >= budget 2, but 8 fewer replicas for the 3500 s until"
                    + " it frees a change save 28,000 replica-seconds > 60 lost to 2 rebalances of"
                    + " 3 s x 10 consumers")),
        argumentSet(
            "a shrink that saves less than its rebalances cost waits for the budget",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.pause = 3;
                  s.now = 4480;
                  return s.event(890, 2, 12)
                      .event(950, 12, 10)
                      .policy(p -> p.maxScaleEventsPerHour(2));
                }),
            proposing(9, 8.5),
            expect(10, Reason.EVENT_BUDGET, "2 changes in the last hour >= budget 2 (wanted 9)")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
