package io.lagscaler.services.common.consumer;

import java.time.Duration;

/**
 * Burns CPU for a fixed time per message, so a load test can make a replica slower than its store
 * and watch the autoscaler add replicas. Spinning (not sleeping) makes the cost real CPU work, the
 * way parsing or enrichment would be.
 */
public final class ProcessingCost {

  private final long nanosPerMessage;
  private long sink;

  public ProcessingCost(Duration perMessage) {
    this.nanosPerMessage = perMessage.toNanos();
  }

  public void spend() {
    if (nanosPerMessage <= 0) {
      return;
    }
    long deadline = System.nanoTime() + nanosPerMessage;
    long x = sink;
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < 64; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = x; // kept so the JIT cannot drop the loop
  }
}
