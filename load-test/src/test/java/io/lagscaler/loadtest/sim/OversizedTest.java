package io.lagscaler.loadtest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntToDoubleFunction;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** The definition of {@code oversizedSeconds}, case by case. */
class OversizedTest {

  static final double TARGET = 30;

  /** Feeds {@code duration} seconds and returns the oversized seconds. */
  static long run(
      int duration,
      Oversized meter,
      IntToDoubleFunction arrivals,
      double mu,
      IntUnaryOperator replicas,
      IntToDoubleFunction timeLag) {
    for (int t = 0; t < duration; t++) {
      meter.second(
          t, arrivals.applyAsDouble(t), mu, replicas.applyAsInt(t), timeLag.applyAsDouble(t));
    }
    return meter.seconds();
  }

  static Oversized meter() {
    return new Oversized(0, 64, 64, TARGET);
  }

  @Test
  void theFirst300SecondsNeverCount() {
    // need 5 (1,000/s at 200/s each), 20 replicas, caught up: oversized from t=300 only.
    assertThat(run(420, meter(), t -> 1000, 200, t -> 20, t -> 0)).isZero(); // 120 s stretch
    assertThat(run(421, meter(), t -> 1000, 200, t -> 20, t -> 0)).isEqualTo(121);
  }

  @Test
  void onlyStretchesLongerThan120SecondsCount() {
    // Oversized in [300, 420) and [500, 700): the first stretch is 120 s, the second 200 s.
    IntUnaryOperator count = t -> (t < 420 || t >= 500) ? 20 : 5;
    assertThat(run(700, meter(), t -> 1000, 200, count, t -> 0)).isEqualTo(200);
  }

  @Test
  void twiceTheNeedIsNotOversizedOneMoreIs() {
    assertThat(run(1000, meter(), t -> 1000, 200, t -> 10, t -> 0)).isZero();
    assertThat(run(1000, meter(), t -> 1000, 200, t -> 11, t -> 0)).isEqualTo(700);
  }

  @Test
  void smallNeedsGetTwoSpareReplicas() {
    // need 1: the threshold is max(2 x 1, 1 + 2) = 3.
    assertThat(run(1000, meter(), t -> 50, 200, t -> 3, t -> 0)).isZero();
    assertThat(run(1000, meter(), t -> 50, 200, t -> 4, t -> 0)).isEqualTo(700);
  }

  @Test
  void aTimeLagOfHalfTheTargetOrMoreIsNotOversized() {
    assertThat(run(1000, meter(), t -> 1000, 200, t -> 20, t -> TARGET / 2)).isZero();
    assertThat(run(1000, meter(), t -> 1000, 200, t -> 20, t -> TARGET / 2 - 0.1)).isEqualTo(700);
  }

  @Test
  void theNeedIsForTheHighest10SecondMeanOfTheLast300Seconds() {
    // 200/s with a 10 s burst at 2,000/s in [100, 110); mu 200.
    Oversized m = meter();
    IntToDoubleFunction arrivals = t -> t >= 100 && t < 110 ? 2000 : 200;
    int[] need = new int[700];
    for (int t = 0; t < 700; t++) {
      need[t] = m.need(t, arrivals.applyAsDouble(t), 200);
    }
    assertThat(need[99]).isEqualTo(1);
    assertThat(need[105]).isEqualTo(7); // (6 x 2,000 + 4 x 200) / 10 = 1,280
    assertThat(need[109]).isEqualTo(10); // the whole burst in the window
    assertThat(need[408]).isEqualTo(10); // still within the last 300 s
    assertThat(need[409]).isEqualTo(10); // the window ending at 110: 9 x 2,000 + 200
    assertThat(need[417]).isEqualTo(2); // ending at 118: 2,000 + 9 x 200
    assertThat(need[418]).isEqualTo(1);
  }

  @Test
  void aStalledConsumerNeedsEveryUsefulReplica() {
    Oversized m = new Oversized(1, 20, 12, TARGET);
    assertThat(m.need(0, 100, 0)).isEqualTo(12); // max 20, but only 12 partitions
  }

  @Test
  void theNeedStaysWithinMinMaxAndThePartitions() {
    assertThat(new Oversized(0, 64, 12, TARGET).need(0, 100_000, 100)).isEqualTo(12);
    assertThat(new Oversized(0, 8, 12, TARGET).need(0, 100_000, 100)).isEqualTo(8);
    assertThat(new Oversized(3, 8, 12, TARGET).need(0, 10, 100)).isEqualTo(3);
  }

  @Test
  void atLeastOneWhileAnythingArrivedInThePeakWindows() {
    Oversized m = meter();
    assertThat(m.need(0, 0, 200)).isZero();
    assertThat(m.need(1, 1, 200)).isEqualTo(1); // a 10 s mean of 0.1/s still needs a replica
    // The last 10 s window holding the message at t=1 ends at t=10, and leaves the last 300 s
    // at t=310.
    for (int t = 2; t < 310; t++) {
      assertThat(m.need(t, 0, 200)).as("t=%d", t).isEqualTo(1);
    }
    assertThat(m.need(310, 0, 200)).isZero();
  }

  @Test
  void idleReplicasWithNothingToDoAreOversizedBeyondTwo() {
    assertThat(run(1000, meter(), t -> 0, 200, t -> 2, t -> 0)).isZero();
    assertThat(run(1000, meter(), t -> 0, 200, t -> 3, t -> 0)).isEqualTo(700);
  }
}
