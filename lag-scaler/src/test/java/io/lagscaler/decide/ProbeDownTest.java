package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ProbeDown: a safe step down checks an old per-replica estimate that fell. */
class ProbeDownTest {

  static final Rule RULE = new ProbeDown();

  /**
   * 12 replicas keep up with 700 msg/s; the estimate is 70 msg/s a replica (once 200), last
   * measured 600 s ago; the group has kept up for 400 s. A change pauses it 2 s; a scale-up helps
   * after 20 s; polls every 5 s.
   */
  static Situation oldLowEstimate(UnaryOperator<Situation> change) {
    return change.apply(
        Situation.of(
            s -> {
              s.current = 12;
              s.arrival = 700;
              s.arrivalNow = 700;
              s.consumption = 700;
              s.perReplicaRate = 70;
              s.pause = 2;
              s.keptUpSince = 600L;
              s.learned =
                  new Learned(
                      70,
                      true,
                      OptionalDouble.of(700),
                      0,
                      2,
                      200,
                      Optional.of(Polls.T0.plusSeconds(400)),
                      Duration.ofSeconds(300));
              return s.policy(p -> p.reactionTime(Duration.ofSeconds(20)));
            }));
  }

  static Stream<Arguments> cases() {
    Proposal hold = Proposal.start(12);
    return Stream.of(
        argumentSet(
            "an old estimate well below the highest measured: the smallest step whose worst case"
                + " stays within the target",
            // 2 replicas at 70 serve 140 of 700: growing 0.8 s/s for 2 polls + 20 s, plus two
            // 2 s pauses: 28 s <= 30 s. One replica would peak at 31 s.
            oldLowEstimate(s -> s),
            hold,
            expect(
                2,
                Reason.PROBE_DOWN,
                "per-replica rate 70 msg/s unchecked for 600 s while 12 kept up: trying 2 (were the"
                    + " estimate right, the time lag would peak near 28 s <= target 30 s before 12"
                    + " are back)")),
        argumentSet(
            "an estimate that never fell is not probed",
            oldLowEstimate(
                s -> {
                  s.learned =
                      new Learned(
                          70,
                          true,
                          OptionalDouble.of(700),
                          0,
                          2,
                          70,
                          Optional.of(Polls.T0.plusSeconds(400)),
                          Duration.ofSeconds(300));
                  return s;
                }),
            hold,
            unchanged(hold)),
        argumentSet(
            "an estimate measured recently is not probed",
            oldLowEstimate(
                s -> {
                  s.learned =
                      new Learned(
                          70,
                          true,
                          OptionalDouble.of(700),
                          0,
                          2,
                          200,
                          Optional.of(Polls.T0.plusSeconds(900)),
                          Duration.ofSeconds(300));
                  return s;
                }),
            hold,
            unchanged(hold)),
        argumentSet(
            "no step is safe when two pauses alone pass the target",
            oldLowEstimate(
                s -> {
                  s.pause = 16;
                  return s;
                }),
            hold,
            unchanged(hold)),
        argumentSet(
            "the budget must have room for the probe and its undo",
            oldLowEstimate(s -> s.event(500, 6, 12).policy(p -> p.maxScaleEventsPerHour(2))),
            hold,
            unchanged(hold)),
        argumentSet(
            "a count kept by a limit is not probed",
            oldLowEstimate(s -> s),
            hold.set(12, Reason.SCALE_DOWN_STABILIZED, ""),
            unchanged(hold.set(12, Reason.SCALE_DOWN_STABILIZED, ""))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
