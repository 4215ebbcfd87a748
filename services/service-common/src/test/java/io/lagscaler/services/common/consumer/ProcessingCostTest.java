package io.lagscaler.services.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The two ways a message's cost is spent: measured by wall time and this thread's CPU time. */
class ProcessingCostTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Wall and CPU nanoseconds of {@code messages} spends. */
  private static long[] spend(ProcessingCost cost, int messages) {
    long cpu = THREADS.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      cost.spend();
    }
    return new long[] {System.nanoTime() - wall, THREADS.getCurrentThreadCpuTime() - cpu};
  }

  @Test
  void bothTakeTheWallTimeOfEveryMessageButOnlySpinKeepsTheCpuBusy() {
    long[] slept = spend(new ProcessingCost(Duration.ofMillis(10), ProcessingCost.Mode.SLEEP), 20);
    long[] spun = spend(new ProcessingCost(Duration.ofMillis(10), ProcessingCost.Mode.SPIN), 20);

    assertThat(slept[0]).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(spun[0]).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(slept[1]).isLessThan(Duration.ofMillis(40).toNanos());
    // Relative, not absolute: on a shared machine the spinning thread is not always on a core.
    assertThat(spun[1]).isGreaterThan(5 * slept[1]);
  }
}
