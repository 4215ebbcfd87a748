package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventRateLimiterTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private final EventRateLimiter limiter = new EventRateLimiter(5, Duration.ofMinutes(1));

  @Test
  void aBurstPassesThenEventsAreSuppressed() {
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("a", T0)).isEqualTo(new EventRateLimiter.Permit(true, 0));
    }
    assertThat(limiter.tryAcquire("a", T0.plusSeconds(59)).allowed()).isFalse();
  }

  @Test
  void oneTokenReturnsPerIntervalAndCarriesTheSuppressedCount() {
    for (int i = 0; i < 8; i++) {
      limiter.tryAcquire("a", T0);
    }

    assertThat(limiter.tryAcquire("a", T0.plusSeconds(60)))
        .isEqualTo(new EventRateLimiter.Permit(true, 3));
    assertThat(limiter.tryAcquire("a", T0.plusSeconds(61)))
        .isEqualTo(new EventRateLimiter.Permit(false, 0));
    assertThat(limiter.tryAcquire("a", T0.plusSeconds(120)))
        .isEqualTo(new EventRateLimiter.Permit(true, 1));
  }

  @Test
  void aLongQuietPeriodRefillsOnlyUpToTheBurst() {
    for (int i = 0; i < 5; i++) {
      limiter.tryAcquire("a", T0);
    }
    Instant muchLater = T0.plus(Duration.ofHours(3));
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("a", muchLater).allowed()).isTrue();
    }
    assertThat(limiter.tryAcquire("a", muchLater).allowed()).isFalse();
  }

  @Test
  void eachObjectHasItsOwnBucket() {
    for (int i = 0; i < 5; i++) {
      limiter.tryAcquire("a", T0);
    }
    assertThat(limiter.tryAcquire("a", T0).allowed()).isFalse();
    assertThat(limiter.tryAcquire("b", T0).allowed()).isTrue();
  }

  @Test
  void aClockSteppingBackNeitherGrantsNorFails() {
    for (int i = 0; i < 5; i++) {
      limiter.tryAcquire("a", T0);
    }
    assertThat(limiter.tryAcquire("a", T0.minusSeconds(600)).allowed()).isFalse();
    assertThat(limiter.tryAcquire("a", T0.minusSeconds(540)).allowed()).isTrue();
  }
}
