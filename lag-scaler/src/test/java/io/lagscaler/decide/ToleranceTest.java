package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tolerance: small changes are ignored, never a needed scale-up. */
class ToleranceTest {

  static final Rule RULE = new Tolerance();

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet(
            "a need within 10% of the current count is ignored",
            Situation.of(
                s -> {
                  s.current = 10;
                  return s.policy(p -> p.tolerance(0.1));
                }),
            proposing(11, 10.5),
            expect(10, Reason.WITHIN_TOLERANCE, "need 10.50 replicas, within 10% of 10")),
        argumentSet(
            "a need beyond it is not",
            Situation.of(
                s -> {
                  s.current = 10;
                  return s.policy(p -> p.tolerance(0.1));
                }),
            proposing(12, 11.5),
            unchanged(proposing(12, 11.5))),
        argumentSet(
            "over target a scale-up is never hidden (no dead band near the cap)",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.timeLag = 45.0;
                  s.lagPerPartition = 10;
                  return s.policy(p -> p.tolerance(0.1));
                }),
            proposing(11, 10.5),
            unchanged(proposing(11, 10.5))),
        argumentSet(
            "over target a small scale-down still waits",
            Situation.of(
                s -> {
                  s.current = 10;
                  s.timeLag = 45.0;
                  s.lagPerPartition = 10;
                  return s.policy(p -> p.tolerance(0.1));
                }),
            proposing(9, 9.5),
            expect(10, Reason.WITHIN_TOLERANCE, "need 9.50 replicas")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
