package io.lagscaler.loadtest.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PaceTest {

  /**
   * Per second: orders due, acknowledged and failed that second; the verdicts expected. Orders wait
   * to be sent whenever due exceeds what was answered (the sends back up), unless the case says the
   * answers are only slow.
   */
  record Case(List<long[]> seconds, List<Boolean> behind, boolean onlySlowAnswers) {
    Case(List<long[]> seconds, List<Boolean> behind) {
      this(seconds, behind, false);
    }
  }

  static long[] s(long due, long acknowledged, long failed) {
    return new long[] {due, acknowledged, failed};
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "keeping up exactly is never behind",
            new Case(
                List.of(
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 100, 0)),
                List.of(false, false, false, false, false, false))),
        Arguments.of(
            "the first seconds are not judged: no full window yet",
            new Case(
                List.of(s(100, 0, 0), s(100, 0, 0), s(100, 0, 0), s(100, 0, 0)),
                List.of(false, false, false, false))),
        Arguments.of(
            "answering 97% of what falls due for five seconds is behind",
            new Case(
                List.of(s(100, 97, 0), s(100, 97, 0), s(100, 97, 0), s(100, 97, 0), s(100, 97, 0)),
                List.of(false, false, false, false, true))),
        Arguments.of(
            "answers lagging with nothing waiting to be sent is latency, not falling behind",
            new Case(
                List.of(s(10, 8, 0), s(10, 9, 0), s(10, 9, 0), s(10, 9, 0), s(10, 9, 0)),
                List.of(false, false, false, false, false),
                true)),
        Arguments.of(
            "answering 98.5% is within the 2% tolerance",
            new Case(
                List.of(
                    s(200, 197, 0), s(200, 197, 0), s(200, 197, 0), s(200, 197, 0), s(200, 197, 0)),
                List.of(false, false, false, false, false))),
        Arguments.of(
            "a slow second that is caught up within the window is not behind",
            new Case(
                List.of(
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 40, 0),
                    s(100, 160, 0),
                    s(100, 100, 0),
                    s(100, 100, 0)),
                List.of(false, false, false, false, false, false))),
        Arguments.of(
            "failed answers count as answered: failing is not falling behind",
            new Case(
                List.of(
                    s(100, 50, 50), s(100, 50, 50), s(100, 50, 50), s(100, 50, 50), s(100, 50, 50)),
                List.of(false, false, false, false, false))),
        Arguments.of(
            "behind, then caught up once the window holds no shortfall",
            new Case(
                List.of(
                    s(100, 50, 0),
                    s(100, 50, 0),
                    s(100, 50, 0),
                    s(100, 50, 0),
                    s(100, 50, 0),
                    s(100, 300, 0),
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 100, 0),
                    s(100, 100, 0)),
                List.of(
                    false, false, false, false, true, false, false, false, false, false, false))));
  }

  @org.junit.jupiter.api.Test
  void ratesArePerSecondOfWallTimeSoALateSampleIsNoSpike() {
    Pace pace = new Pace();
    pace.add(1, 1.0, 100, 100, 100, 0);
    // Taken 2.5 s late: 350 more orders due and answered in 3.5 s is 100/s, not 350/s.
    Pace.Second late = pace.add(2, 4.5, 450, 450, 450, 0);
    assertThat(late.targetRate()).isEqualTo(100.0);
    assertThat(late.achievedRate()).isEqualTo(100.0);
    // And the one after it, at once: 0.5 s of orders.
    Pace.Second next = pace.add(3, 5.0, 500, 500, 500, 0);
    assertThat(next.achievedRate()).isEqualTo(100.0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judgesTheLastFiveSecondsAgainstWhatFellDue(String name, Case c) {
    Pace pace = new Pace();
    double due = 0;
    long acknowledged = 0;
    long answered = 0;
    for (int i = 0; i < c.seconds().size(); i++) {
      long[] second = c.seconds().get(i);
      due += second[0];
      acknowledged += second[1];
      answered += second[1] + second[2];
      long waiting = c.onlySlowAnswers() ? 0 : Math.max(0, (long) due - answered);
      Pace.Second verdict = pace.add(i + 1, i + 1, due, acknowledged, answered, waiting);
      assertThat(verdict.behind()).as("second %d", i + 1).isEqualTo(c.behind().get(i));
      assertThat(verdict.targetRate()).isEqualTo(second[0]);
      assertThat(verdict.achievedRate()).isEqualTo(second[1]);
    }
    assertThat(pace.secondsBehind()).isEqualTo((int) c.behind().stream().filter(b -> b).count());
  }
}
