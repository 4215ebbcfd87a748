package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bounds: zero, min, max and the partition cap. */
class BoundsTest {

  static final Rule RULE = new Bounds();

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet(
            "capped at max",
            Situation.of(
                s -> {
                  s.partitions = 48;
                  return s;
                }),
            proposing(30, 29.5),
            expect(20, Reason.MAX_REPLICAS, "capped at max 20")),
        argumentSet(
            "capped at the partitions",
            Situation.of(s -> s),
            proposing(15, 14.5),
            expect(
                12,
                Reason.PARTITION_CAP,
                "capped at 12 partitions, more consumers would sit idle")),
        argumentSet(
            "raised to min",
            Situation.of(s -> s.policy(p -> p.minReplicas(3))),
            proposing(1, 0.5),
            expect(3, Reason.MIN_REPLICAS, "raised to min 3")),
        argumentSet(
            "to zero after the idle period",
            Situation.of(
                s -> {
                  s.idleSince = 940L;
                  return s.policy(
                      p -> p.scaleToZero(true).idlePeriod(java.time.Duration.ofSeconds(60)));
                }),
            proposing(1, 0.5),
            expect(
                0, Reason.SCALE_TO_ZERO, "no lag and no production for 60 s >= idle period 60 s")),
        argumentSet(
            "at zero, lag past the activation threshold wakes the group",
            Situation.of(
                s -> {
                  s.current = 0;
                  s.lagPerPartition = 100;
                  return s.policy(p -> p.scaleToZero(true));
                }),
            Proposal.start(0),
            expect(1, Reason.WAKE_FROM_ZERO, "lag 1,200 > activation 0")),
        argumentSet(
            "at zero, lag at or below the activation threshold stays asleep",
            Situation.of(
                s -> {
                  s.current = 0;
                  s.lagPerPartition = 100;
                  return s.policy(p -> p.scaleToZero(true).activationLag(2000));
                }),
            proposing(2, 1.5),
            expect(0, Reason.BELOW_ACTIVATION, "lag 1,200 <= activation 2,000")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
