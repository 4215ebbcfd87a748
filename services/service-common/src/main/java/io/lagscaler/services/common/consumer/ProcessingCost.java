package io.lagscaler.services.common.consumer;

import java.time.Duration;

/**
 * Spends a fixed wall-clock time per message, so a load test can make a replica slower than its
 * store and watch the autoscaler add replicas.
 */
public final class ProcessingCost {

  /** How the time is spent. */
  public enum Mode {
    /**
     * Busy CPU work, the way parsing or enrichment would be: replicas sharing fewer cores than they
     * are slow down each other, as on a crowded node.
     */
    SPIN,
    /**
     * Waiting, the way a call to a slower downstream would be: every replica serves its full rate
     * whatever the cores, so a local demo on a small machine behaves as a cluster giving each
     * replica its own core.
     */
    SLEEP
  }

  private final long nanosPerMessage;
  private final Mode mode;
  private long sink;

  public ProcessingCost(Duration perMessage, Mode mode) {
    this.nanosPerMessage = perMessage.toNanos();
    this.mode = mode;
  }

  public void spend() {
    if (nanosPerMessage <= 0) {
      return;
    }
    long deadline = System.nanoTime() + nanosPerMessage;
    if (mode == Mode.SLEEP) {
      try {
        Thread.sleep(Duration.ofNanos(nanosPerMessage));
      } catch (InterruptedException e) {
        // Shutting down: the loop sees the flag and stops after this batch.
        Thread.currentThread().interrupt();
      }
      return;
    }
    long x = sink;
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < 64; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = x; // kept so the JIT cannot drop the loop
  }
}
