package io.lagscaler.loadtest.load;

import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.testkit.Orders;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An open-loop order generator: orders are due at the profile's rate whatever the answers take (the
 * integral of the rate since the start, checked every few milliseconds), and sent as they fall due.
 * Only the bound on sends in flight holds it back; the orders it could not send yet wait and go out
 * as soon as answers free room, and the lag shows in {@link Snapshot#waiting()}.
 *
 * <p>Every order made is counted once as acknowledged or failed (by kind) when its answer comes;
 * what is unanswered when the generator stops is reported as in flight, and what fell due but was
 * never made as unsent. Nothing is dropped silently.
 */
public final class LoadGenerator implements AutoCloseable {

  /** Totals so far. */
  public record Snapshot(
      double seconds,
      double due,
      long sent,
      long acknowledged,
      Map<String, Long> failed,
      Map<String, String> firstErrors) {

    public long failedTotal() {
      return failed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sent and not yet answered. */
    public long inFlight() {
      return sent - acknowledged - failedTotal();
    }

    /** Due and not yet sent: the generator is behind by this many orders. */
    public long waiting() {
      return Math.max(0, (long) Math.floor(due) - sent);
    }
  }

  private static final long TICK_NANOS = Duration.ofMillis(5).toNanos();

  private final Profile profile;
  private final Keys keys;
  private final OrderSink sink;
  private final Semaphore room;
  private final Orders orders;
  private final SplittableRandom random;
  private final AtomicLong sent = new AtomicLong();
  private final LongAdder acknowledged = new LongAdder();
  private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
  private final Map<String, String> firstErrors = new ConcurrentHashMap<>();

  /** The orders due up to a second of the run, as last worked out by the generator's loop. */
  private record Due(double seconds, double due) {}

  private volatile Due mark = new Due(0, 0);
  private volatile double stoppedAt = Double.NaN;
  private volatile long startNanos;
  private volatile boolean stopping;
  private Thread thread;
  private Snapshot finalTotals;

  /**
   * @param maxInFlight sends without an answer at most; at the bound the generator waits
   * @param runId prefixes order ids, so that a consumer that remembers ids (store-totals dedupes
   *     them for days) never takes a new run's orders for replays
   */
  public LoadGenerator(Profile profile, Keys keys, OrderSink sink, int maxInFlight, String runId) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, was " + maxInFlight);
    }
    this.profile = profile;
    this.keys = keys;
    this.sink = sink;
    this.room = new Semaphore(maxInFlight);
    this.orders = new Orders(runId.hashCode(), runId, keys.stores(), 50_000, 2_000, Instant.now());
    this.random = new SplittableRandom(runId.hashCode() * 31L);
  }

  /** Starts the clock: second 0 of the profile is now. */
  public synchronized LoadGenerator start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    startNanos = System.nanoTime();
    thread = Thread.ofPlatform().name("load-generator").daemon().start(this::loop);
    return this;
  }

  /** When second 0 was, in {@link System#nanoTime()}. */
  public long startNanos() {
    return startNanos;
  }

  private void loop() {
    try {
      for (long tick = 1; !stopping; tick++) {
        Due m = mark;
        double now = (System.nanoTime() - startNanos) / 1e9;
        double due = m.due() + profile.integral(m.seconds(), now);
        mark = new Due(now, due);
        while (!stopping && sent.get() < (long) Math.floor(due)) {
          // Waits for room a tick at most, so the due count and stop are looked at again.
          if (!room.tryAcquire(TICK_NANOS, TimeUnit.NANOSECONDS)) {
            break;
          }
          sent.incrementAndGet();
          sink.send(next(), this::answered);
        }
        long wait = startNanos + tick * TICK_NANOS - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(Duration.ofNanos(wait));
        } else {
          tick = (System.nanoTime() - startNanos) / TICK_NANOS;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Order next() {
    Order o = orders.next(1 + random.nextInt(3));
    return new Order(
        o.orderId(), Keys.storeId(keys.next(random)), o.customerId(), o.items(), o.createdAt());
  }

  private void answered(OrderSink.Outcome outcome) {
    if (outcome.acknowledged()) {
      acknowledged.increment();
    } else {
      failed.computeIfAbsent(outcome.kind(), k -> new LongAdder()).increment();
      firstErrors.putIfAbsent(outcome.kind(), outcome.detail());
    }
    room.release();
  }

  public Snapshot snapshot() {
    // Answers first: a snapshot may then count an order as sent and not yet answered, never as
    // answered and not yet sent.
    long ack = acknowledged.sum();
    Map<String, Long> f = new TreeMap<>();
    failed.forEach((k, v) -> f.put(k, v.sum()));
    double now =
        startNanos == 0
            ? 0
            : Double.isNaN(stoppedAt) ? (System.nanoTime() - startNanos) / 1e9 : stoppedAt;
    // Due as of now, not as of the loop's last turn: a send blocked in the sink (a Kafka
    // producer waiting for metadata) holds the loop, never the count of what fell due.
    Due m = mark;
    return new Snapshot(
        now,
        m.due() + profile.integral(m.seconds(), Math.max(m.seconds(), now)),
        sent.get(),
        ack,
        f,
        Map.copyOf(firstErrors));
  }

  /**
   * Stops making orders, waits for the answers in flight (the sink's close bounds the wait) and
   * returns the final totals.
   */
  public synchronized Snapshot stop() {
    if (finalTotals != null) {
      return finalTotals;
    }
    stopping = true;
    if (startNanos != 0) {
      stoppedAt = (System.nanoTime() - startNanos) / 1e9;
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sink.close();
    finalTotals = snapshot();
    return finalTotals;
  }

  @Override
  public void close() {
    stop();
  }
}
