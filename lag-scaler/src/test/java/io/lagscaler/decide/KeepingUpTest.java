package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.signals.PartitionStatus;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** KeepingUp: a forecast is not a need while the group keeps up. */
class KeepingUpTest {

  static final Rule RULE = new KeepingUp();

  static Stream<Arguments> cases() {
    Proposal up = proposing(5, 4.4);
    return Stream.of(
        argumentSet(
            "the group keeps up well within the target",
            Situation.of(s -> s),
            up,
            expect(
                4,
                Reason.KEEPING_UP,
                "the model asks for 5, but the group keeps up (time lag 0 s)")),
        argumentSet(
            "it falls behind so slowly that the time lag stays calm for the reaction time",
            // grows 1/6 s per s: 1 + 10 s in a minute, under 22.5 s
            Situation.of(
                s -> {
                  s.lagPerPartition = 10;
                  s.keepsUp = false;
                  s.arrivalNow = 2400;
                  s.consumption = 2000;
                  return s.policy(p -> p.reactionTime(Duration.ofSeconds(60)));
                }),
            up,
            expect(
                4,
                Reason.KEEPING_UP,
                "time lag (1 s, growing 0.17 s/s) stays under 3/4 of the target for the next 60 s")),
        argumentSet(
            "it falls behind fast: the scale-up goes",
            Situation.of(
                s -> {
                  s.lagPerPartition = 10;
                  s.keepsUp = false;
                  s.arrivalNow = 2400;
                  s.consumption = 1200;
                  return s.policy(p -> p.reactionTime(Duration.ofSeconds(60)));
                }),
            up,
            unchanged(up)),
        argumentSet(
            "a partition falling behind is no forecast",
            Situation.of(
                s -> {
                  s.status = PartitionStatus.FALLING_BEHIND;
                  return s;
                }),
            up,
            unchanged(up)),
        argumentSet(
            "lag mode: the lag itself is the need",
            Situation.of(s -> s.policy(p -> p.mode(ScalingPolicy.Mode.LAG))),
            up,
            unchanged(up)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
