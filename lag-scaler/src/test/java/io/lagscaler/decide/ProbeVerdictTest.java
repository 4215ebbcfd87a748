package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ProbeVerdict: a probe's result, measured. */
class ProbeVerdictTest {

  static final Rule RULE = new ProbeVerdict();

  /** 12 went to 4 at t = 900 to check an estimate of 70 msg/s a replica. */
  static Situation probing(UnaryOperator<Situation> change) {
    return change.apply(
        Situation.of(
            s -> {
              s.current = 4;
              s.arrival = 700;
              s.arrivalNow = 700;
              s.consumption = 700;
              s.probe = new History.Probe(Polls.T0.plusSeconds(900), 12, 4, 70);
              return s;
            }));
  }

  static Stream<Arguments> cases() {
    Proposal hold = Proposal.start(4);
    return Stream.of(
        argumentSet(
            "saturated at the probe's count: back to the count before it",
            probing(
                s -> {
                  s.saturated = true;
                  s.keepsUp = false;
                  s.lagPerPartition = 100;
                  return s;
                }),
            hold,
            expect(
                12,
                Reason.PROBE_UNDONE,
                "4 fell behind as the estimate of 70 msg/s per replica said: back to 12, next probe"
                    + " after 600 s of keeping up")),
        argumentSet(
            "a time lag past half the target: back",
            probing(
                s -> {
                  s.timeLag = 20.0;
                  s.lagPerPartition = 1000;
                  s.keepsUp = false;
                  return s;
                }),
            hold,
            expect(12, Reason.PROBE_UNDONE, "back to 12")),
        argumentSet(
            "kept up, caught up, past the settle time and the verdict time: the floor rises",
            probing(
                s -> {
                  s.perReplicaRate = 175;
                  return s;
                }),
            hold,
            expect(
                4,
                Reason.PROBE_KEPT_UP,
                "4 kept up: per-replica rate at least 175 msg/s (was 70)")),
        argumentSet(
            "too early for a verdict",
            probing(
                s -> {
                  s.now = 910;
                  return s;
                }),
            hold,
            unchanged(hold)),
        argumentSet(
            "the count changed since: no verdict",
            probing(
                s -> {
                  s.current = 6;
                  return s;
                }),
            Proposal.start(6),
            unchanged(Proposal.start(6))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void applies(Situation s, Proposal in, Situation.Expect e) {
    Situation.check(RULE, s, in, e);
  }
}
