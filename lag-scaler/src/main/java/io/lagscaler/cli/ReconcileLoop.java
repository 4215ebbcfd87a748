package io.lagscaler.cli;

import io.lagscaler.controller.Controller;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Controller#pollOnce()} on one thread, one poll interval from the start of the last
 * poll (a poll that took longer is followed at once), and keeps going after a failed poll.
 */
final class ReconcileLoop {

  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);

  private final Controller controller;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("reconcile").unstarted(r));

  ReconcileLoop(Controller controller) {
    this.controller = controller;
  }

  void start() {
    scheduleNext(Duration.ZERO);
  }

  /** Lets the poll in progress finish (up to {@code grace}), then stops. */
  void stop(Duration grace) {
    executor.shutdown();
    try {
      executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void scheduleNext(Duration delay) {
    if (executor.isShutdown()) {
      return;
    }
    executor.schedule(
        () -> {
          long start = System.nanoTime();
          try {
            controller.pollOnce();
          } catch (RuntimeException e) {
            // Kafka or config trouble for the whole poll: report it, keep the loop alive.
            LOG.error("poll failed: {}", e.toString(), e);
          }
          Duration spent = Duration.ofNanos(System.nanoTime() - start);
          Duration next = controller.pollInterval().minus(spent);
          scheduleNext(next.isNegative() ? Duration.ZERO : next);
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
