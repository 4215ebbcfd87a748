package io.lagscaler.services.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the replacement for sleeps in tests. */
public final class Eventually {

  private Eventually() {}

  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    await(what, timeout, condition, () -> "");
  }

  /** Fails with {@code what} and the {@code state} at the deadline if the condition never held. */
  public static void await(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e; // not yet reachable, try again
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
    String detail = state.get();
    AssertionError error =
        new AssertionError(
            "timed out after "
                + timeout
                + " waiting for "
                + what
                + (detail.isEmpty() ? "" : ": " + detail));
    if (last != null) {
      error.initCause(last);
    }
    throw error;
  }
}
