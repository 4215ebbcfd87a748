package io.lagscaler.services.common.consumer;

import io.lagscaler.services.common.telemetry.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The store side of the consumer pipeline: a thread of its own that writes handed-over batches to
 * the store, then their dead letters, one batch at a time and in the order they were handed over,
 * and hands each back with its outcome. The polling thread bounds how many batches are in flight.
 *
 * <p>The epoch lets the polling thread abandon every batch handed over so far (after a failure or a
 * lost partition) without racing the store thread for the queue: a batch of an older epoch is
 * handed back unwritten.
 */
final class StoreStage {

  private static final Batch STOP = new Batch(-1, 0);

  private final OrderStore store;
  private final DeadLetters deadLetters;
  private final Timer storeSuccess;
  private final Timer storeFailure;
  private final BlockingQueue<Batch> submitted = new LinkedBlockingQueue<>();
  private final BlockingQueue<Batch> done = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile int epoch;

  StoreStage(OrderStore store, DeadLetters deadLetters, MeterRegistry registry) {
    this.store = store;
    this.deadLetters = deadLetters;
    this.storeSuccess = storeTimer(registry, store, "success");
    this.storeFailure = storeTimer(registry, store, "failure");
    this.thread = Thread.ofPlatform().name("order-store").daemon().unstarted(this::run);
  }

  private static Timer storeTimer(MeterRegistry registry, OrderStore store, String outcome) {
    return Timer.builder(Meters.STORE_CALL)
        .tag("store", store.name())
        .tag("outcome", outcome)
        .serviceLevelObjectives(Meters.latencyBuckets())
        .register(registry);
  }

  void start() {
    thread.start();
  }

  int epoch() {
    return epoch;
  }

  void submit(Batch batch) {
    submitted.add(batch);
  }

  /** Every batch submitted so far is handed back unwritten unless the store stage started it. */
  void abandonSubmitted() {
    epoch++;
  }

  /** A finished batch, or null if none is ready. */
  Batch pollDone() {
    return done.poll();
  }

  /** A finished batch, or null if none finished within {@code timeout}. */
  Batch awaitDone(Duration timeout) {
    try {
      return done.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the store", e);
    }
  }

  /** Ends the thread after the batch it is writing, if any. */
  void stop() {
    submitted.add(STOP);
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (true) {
      Batch batch;
      try {
        batch = submitted.take();
      } catch (InterruptedException e) {
        return;
      }
      if (batch == STOP) {
        return;
      }
      batch.outcome = batch.epoch == epoch ? write(batch) : new Batch.Outcome.Abandoned();
      done.add(batch);
    }
  }

  private Batch.Outcome write(Batch batch) {
    try {
      if (!batch.orders.isEmpty()) {
        long start = System.nanoTime();
        try {
          store.write(batch.orders);
          storeSuccess.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (StoreUnavailableException e) {
          storeFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          throw e;
        }
      }
      // After the store write, so that a retry after an outage does not dead-letter twice.
      deadLetters.publish(batch.poison);
      return new Batch.Outcome.Stored();
    } catch (StoreUnavailableException e) {
      return new Batch.Outcome.Unavailable(e);
    } catch (RuntimeException e) {
      return new Batch.Outcome.Crashed(e);
    }
  }
}
