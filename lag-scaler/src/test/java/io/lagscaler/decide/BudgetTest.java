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
            unchanged(up)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
