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

/** RateLimits: the HPA scale-up and scale-down policies per period. */
class RateLimitsTest {

  static final Rule RULE = new RateLimits();

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet(
            "scale-up: at most 4 pods per 60 s",
            Situation.of(
                s ->
                    s.policy(
                        p ->
                            p.scaleUp(
                                DecisionEngineTest.rules(
                                    Duration.ZERO, Select.MAX, DecisionEngineTest.pods(4, 60))))),
            proposing(12, 11.5),
            expect(8, Reason.SCALE_UP_LIMIT, "scale-up rate limit 8 (wanted 12)")),
        argumentSet(
            "scale-up: changes within the period count against it",
            Situation.of(
                s ->
                    s.event(970, 2, 4)
                        .policy(
                            p ->
                                p.scaleUp(
                                    DecisionEngineTest.rules(
                                        Duration.ZERO,
                                        Select.MAX,
                                        DecisionEngineTest.pods(4, 60))))),
            proposing(12, 11.5),
            expect(6, Reason.SCALE_UP_LIMIT, "scale-up rate limit 6")),
        argumentSet(
            "scale-up disabled",
            Situation.of(
                s ->
                    s.policy(
                        p ->
                            p.scaleUp(
                                DecisionEngineTest.rules(
                                    Duration.ZERO,
                                    Select.DISABLED,
                                    DecisionEngineTest.pods(4, 60))))),
            proposing(12, 11.5),
            expect(4, Reason.SCALE_UP_LIMIT, "scale-up rate limit 4")),
        argumentSet(
            "scale-down: at most 50% per 60 s",
            Situation.of(
                s -> {
                  s.current = 10;
                  return s.policy(
                      p ->
                          p.scaleDown(
                              DecisionEngineTest.rules(
                                  Duration.ZERO, Select.MAX, DecisionEngineTest.percent(50, 60))));
                }),
            proposing(2, 1.5),
            expect(5, Reason.SCALE_DOWN_LIMIT, "scale-down rate limit 5 (wanted 2)")),
        argumentSet(
            "going to zero is not paced (the idle period is its own limit)",
            Situation.of(
                s -> {
                  s.current = 10;
                  return s.policy(
                      p ->
                          p.scaleToZero(true)
                              .scaleDown(
                                  DecisionEngineTest.rules(
                                      Duration.ZERO,
                                      Select.MAX,
                                      DecisionEngineTest.percent(50, 60))));
                }),
            Proposal.start(10).set(0, Reason.SCALE_TO_ZERO, ""),
            expect(0, Reason.SCALE_TO_ZERO, "")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
