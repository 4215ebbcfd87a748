package io.lagscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackoffTest {

  private static final Duration POLL = Duration.ofSeconds(5);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("first failure, lowest draw: half a poll", 1, 0.0, Duration.ofMillis(2500)),
        Arguments.of(
            "first failure, highest draw: almost a poll",
            1,
            0.999,
            Duration.ofNanos(4_997_500_000L)),
        Arguments.of("third failure doubles twice", 3, 0.0, Duration.ofSeconds(10)),
        Arguments.of("capped at five minutes", 12, 0.0, Duration.ofSeconds(150)),
        Arguments.of("capped even at the highest draw", 40, 0.999, Duration.ofMillis(299_850)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void waitsBetweenHalfAndAllOfTheNominalBackoff(
      String name, int failures, double draw, Duration expected) {
    assertThat(Backoff.after(failures, POLL, draw)).isEqualTo(expected);
  }

  @Test
  void differentDrawsSpreadTargetsThatFailedTogether() {
    assertThat(Backoff.after(4, POLL, 0.1)).isLessThan(Backoff.after(4, POLL, 0.9));
    assertThat(Backoff.after(4, POLL, 0.9)).isLessThanOrEqualTo(Backoff.MAX);
  }

  @Test
  void rejectsWhatCannotBeAFailureCountOrADraw() {
    assertThatThrownBy(() -> Backoff.after(0, POLL, 0.5))
        .hasMessageContaining("failures must be at least 1");
    assertThatThrownBy(() -> Backoff.after(1, POLL, 1.0)).hasMessageContaining("draw");
  }
}
