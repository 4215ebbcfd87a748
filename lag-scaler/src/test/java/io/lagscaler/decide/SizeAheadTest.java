package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SizeAhead: one larger step while the arrival keeps rising. */
class SizeAheadTest {

  static final Rule RULE = new SizeAhead();

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet(
            "rising arrival: the count for the arrival stepAhead from now",
            // (400 + 10 x 60) / 90 = 11.1
            Situation.of(
                s -> {
                  s.slope = 10;
                  return s.policy(p -> p.stepAhead(java.time.Duration.ofSeconds(60)));
                }),
            proposing(5, 4.5),
            expect(
                12,
                Reason.SCALE_UP_AHEAD,
                "arrival rising 10.0 msg/s per s, sized for 1,000 msg/s in 60 s")),
        argumentSet(
            "waking from zero: the arrival seen now, not the smoothed one nor its slope",
            // (400 + 1,200 / 29) / 90 = 4.9
            Situation.of(
                s -> {
                  s.current = 0;
                  s.arrival = 200;
                  s.arrivalNow = 400;
                  s.slope = 40;
                  s.lagPerPartition = 100;
                  return s.policy(p -> p.scaleToZero(true));
                }),
            proposing(3, 2.5),
            expect(
                5,
                Reason.SCALE_UP_AHEAD,
                "waking: sized for the 400 msg/s arriving now, not the smoothed 200")),
        argumentSet(
            "falling arrival: the count for now",
            Situation.of(
                s -> {
                  s.slope = -10;
                  return s.policy(p -> p.stepAhead(java.time.Duration.ofSeconds(60)));
                }),
            proposing(5, 4.5),
            unchanged(proposing(5, 4.5))),
        argumentSet(
            "no scale-up: nothing to size ahead",
            Situation.of(
                s -> {
                  s.slope = 10;
                  return s.policy(p -> p.stepAhead(java.time.Duration.ofSeconds(60)));
                }),
            Proposal.start(4),
            unchanged(Proposal.start(4))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
