package io.lagscaler.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per object: a burst of events passes, then one per refill interval. Events that do
 * not pass are counted, and the count is handed to the next one that does, so the reader of the
 * Event learns that some were dropped. The time is passed in, so tests need no sleeping.
 */
final class EventRateLimiter {

  /** Whether an event may be written, and how many were suppressed before it. */
  record Permit(boolean allowed, int suppressedBefore) {}

  private final int burst;
  private final Duration refillEvery;
  private final Map<String, Bucket> buckets = new HashMap<>();

  EventRateLimiter(int burst, Duration refillEvery) {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    if (refillEvery.isNegative() || refillEvery.isZero()) {
      throw new IllegalArgumentException("refillEvery must be positive, was " + refillEvery);
    }
    this.burst = burst;
    this.refillEvery = refillEvery;
  }

  synchronized Permit tryAcquire(String key, Instant now) {
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    bucket.refill(now);
    if (bucket.tokens == 0) {
      bucket.suppressed++;
      return new Permit(false, 0);
    }
    bucket.tokens--;
    int suppressed = bucket.suppressed;
    bucket.suppressed = 0;
    return new Permit(true, suppressed);
  }

  private final class Bucket {
    private int tokens;
    private Instant lastRefill;
    private int suppressed;

    private Bucket(int tokens, Instant now) {
      this.tokens = tokens;
      this.lastRefill = now;
    }

    private void refill(Instant now) {
      if (now.isBefore(lastRefill)) {
        // The clock stepped back: restart the interval rather than grant or withhold tokens.
        lastRefill = now;
        return;
      }
      long intervals = Duration.between(lastRefill, now).toNanos() / refillEvery.toNanos();
      if (intervals > 0) {
        tokens = (int) Math.min(burst, tokens + intervals);
        // Keep the remainder so a steady caller gets exactly one token per interval.
        lastRefill = tokens == burst ? now : lastRefill.plus(refillEvery.multipliedBy(intervals));
      }
    }
  }
}
