package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sizing: the need and the count that serves it. */
class SizingTest {

  static final Rule RULE = new Sizing();

  static Stream<Arguments> cases() {
    Proposal hold = Proposal.start(4);
    return Stream.of(
        argumentSet(
            "rate: arrival plus the backlog over the time left, at the planned utilization",
            // (400 + 1,200 / 20) / (100 x 0.9) = 5.1
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.timeLag = 10.0;
                  return s;
                }),
            hold,
            expect(6, Reason.SCALE_UP, "")),
        argumentSet(
            "rate: only the backlog beyond what the target can hold standing drains",
            // 3/4 of 30 s less a 2 s pause: 20.5 s x 400 = 8,200 may stand; of 12,000 behind and
            // 800 arriving in the pause, 4,600 drain in the 20 s left: (400 + 230) / 90 = 7
            Situation.of(
                s -> {
                  s.lagPerPartition = 1000;
                  s.timeLag = 10.0;
                  s.pause = 2;
                  return s.policy(p -> p.standingLagShare(0.75));
                }),
            hold,
            expect(7, Reason.SCALE_UP, "incl. 800 msgs arriving in a 2 s rebalance")),
        argumentSet(
            "rate: a load swinging faster than the time left is sized at its mean over it",
            // 100 and 700 msg/s in the last 30 s: 400 / 90 = 4.4 (the smoothed 600 would ask 7)
            Situation.of(
                s -> {
                  s.arrival = 600;
                  s.arrivalNow = 700;
                  s.current = 2;
                  return s.arrived(960, 900).arrived(995, 100);
                }),
            Proposal.start(2),
            expect(
                5,
                Reason.SCALE_UP,
                "arrival averaged over the 30 s left before the target: 400 msg/s")),
        argumentSet(
            "rate: an arrival not known yet holds",
            Situation.of(
                s -> {
                  s.arrivalKnown = false;
                  return s;
                }),
            hold,
            expect(4, Reason.WARMING_UP, "arrival rate not known yet")),
        argumentSet(
            "rate: a scale-up also drains what arrives during its own rebalance",
            // (400 + (1,200 + 400 x 10) / 20) / 90 = 7.3
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.timeLag = 10.0;
                  s.pause = 10;
                  return s;
                }),
            hold,
            expect(8, Reason.SCALE_UP, "incl. 4,000 msgs arriving in a 10 s rebalance")),
        argumentSet(
            "rate: room to spare scales down",
            Situation.of(
                s -> {
                  s.current = 10;
                  return s;
                }),
            Proposal.start(10),
            expect(5, Reason.SCALE_DOWN, "")),
        argumentSet(
            "lag mode: the lag over lagPerReplica",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  return s.policy(p -> p.mode(ScalingPolicy.Mode.LAG).lagPerReplica(1000));
                }),
            hold,
            expect(2, Reason.SCALE_DOWN, "lag 1,200 / 1,000 per replica")),
        argumentSet(
            "even distribution: the smallest count whose busiest consumer keeps up",
            Situation.of(
                s -> {
                  s.current = 2;
                  return s.policy(p -> p.evenDistribution(true));
                }),
            Proposal.start(2),
            expect(6, Reason.EVEN_DISTRIBUTION, "need 4.44 replicas; 5 would serve like 4")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
