package io.lagscaler.decide;

import static io.lagscaler.decide.Situation.expect;
import static io.lagscaler.decide.Situation.proposing;
import static io.lagscaler.decide.Situation.unchanged;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CatchingUp: a group draining fast enough gets no extra replicas. */
class CatchingUpTest {

  static final Rule RULE = new CatchingUp();

  static Stream<Arguments> cases() {
    Proposal up = proposing(8, 7.5);
    return Stream.of(
        argumentSet(
            "the backlog is gone within the time left",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.consumption = 1000;
                  return s;
                }),
            up,
            expect(
                4,
                Reason.CATCHING_UP,
                "draining 600 msg/s net, lag gone in 2 s <= 29 s left of target 30 s")),
        argumentSet(
            "the time lag falls and is within 3/4 of the target",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100_000;
                  s.consumption = 1000;
                  s.timeLag = 10.0;
                  return s;
                }),
            up,
            expect(4, Reason.CATCHING_UP, "time lag 10 s falling and within 3/4 of target 30 s")),
        argumentSet(
            "draining too slowly past 3/4 of the target",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100_000;
                  s.consumption = 1000;
                  s.timeLag = 25.0;
                  return s;
                }),
            up,
            unchanged(up)),
        argumentSet(
            "consumption below arrival is not catching up",
            Situation.of(
                s -> {
                  s.lagPerPartition = 100;
                  s.consumption = 300;
                  return s;
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
