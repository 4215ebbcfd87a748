package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.decide.ScalingPolicy.Select;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Stabilization: the HPA windows over past recommendations. */
class StabilizationTest {

  static final Rule RULE = new Stabilization();

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet(
            "a scale-down goes no lower than the highest recommendation of the window",
            Situation.of(
                s -> {
                  s.current = 10;
                  return s.recommended(900, 10)
                      .recommended(990, 3)
                      .policy(
                          p ->
                              p.scaleDown(
                                  DecisionEngineTest.rules(Duration.ofSeconds(120), Select.MAX)));
                }),
            proposing(2, 1.5),
            expect(
                10,
                Reason.SCALE_DOWN_STABILIZED,
                "highest recommendation in the last 120 s is 10 (wanted 2)")),
        argumentSet(
            "recommendations older than the window do not count",
            Situation.of(
                s -> {
                  s.current = 10;
                  return s.recommended(870, 10)
                      .recommended(990, 3)
                      .policy(
                          p ->
                              p.scaleDown(
                                  DecisionEngineTest.rules(Duration.ofSeconds(120), Select.MAX)));
                }),
            proposing(2, 1.5),
            expect(3, Reason.SCALE_DOWN_STABILIZED, "is 3 (wanted 2)")),
        argumentSet(
            "a scale-up goes no higher than the lowest recommendation of the window",
            Situation.of(
                s ->
                    s.recommended(970, 5)
                        .policy(
                            p ->
                                p.scaleUp(
                                    DecisionEngineTest.rules(Duration.ofSeconds(60), Select.MAX)))),
            proposing(10, 9.5),
            expect(
                5,
                Reason.SCALE_UP_STABILIZED,
                "lowest recommendation in the last 60 s is 5 (wanted 10)")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
